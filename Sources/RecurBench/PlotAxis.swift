/// Maps values along one axis of a plot to pixels, and places its ticks.
///
/// A logarithmic axis works in base-2 exponents: its ``lower`` and ``upper``
/// bounds and the `unit` passed to ``pixel(_:)`` are log2 of the values.
struct PlotAxis {
    /// Whether values are placed linearly or by their base-2 logarithm.
    var isLogarithmic: Bool
    /// The axis units at `start` and `end`.
    var lower: Double
    var upper: Double
    /// The pixel coordinates of `lower` and `upper`.
    var start: Double
    var end: Double
    /// Tick positions in axis units, with their labels.
    var ticks: [(unit: Double, label: String)]
    /// The decimals of the tick labels.
    var labelDigits: Int

    /// The pixel coordinate of `unit` (a value, or its log2 on a logarithmic axis).
    func pixel(_ unit: Double) -> Double {
        start + (unit - lower) / (upper - lower) * (end - start)
    }

    /// A linear axis from 0 to a round number at or above `maximum`, with
    /// about five ticks at round steps (1, 2 or 5 times a power of ten).
    /// A `maximum` of 0 or less gives an axis of one small step, 0...0.2.
    static func linear(upTo maximum: Double, start: Double, end: Double) -> PlotAxis {
        let (step, digits) = roundStep(maximum > 0 ? maximum / 5 : 0.2)
        let count = max(1, Int((maximum / step - 1e-9).rounded(.up)))
        let ticks = (0...count).map { (Double($0) * step, DecimalFormat.fixed(Double($0) * step, digits: digits)) }
        return PlotAxis(
            isLogarithmic: false, lower: 0, upper: Double(count) * step, start: start, end: end, ticks: ticks, labelDigits: digits)
    }

    /// An axis for thread counts: logarithmic with a tick at every power of two
    /// when there are several counts and all are powers of two, otherwise
    /// linear from 0. Counts must be at least 1.
    static func threads(_ counts: [Int], start: Double, end: Double) -> PlotAxis {
        let lowest = counts.min() ?? 1, highest = counts.max() ?? 1
        guard lowest < highest, counts.allSatisfy({ $0 & ($0 - 1) == 0 }) else {
            return linear(upTo: Double(highest), start: start, end: end)
        }
        let exponents = lowest.trailingZeroBitCount...highest.trailingZeroBitCount
        let ticks = exponents.map { (Double($0), "\(1 << $0)") }
        let margin = 0.04 * Double(exponents.count - 1)
        return PlotAxis(
            isLogarithmic: true, lower: Double(exponents.lowerBound) - margin, upper: Double(exponents.upperBound) + margin,
            start: start, end: end, ticks: ticks, labelDigits: 0)
    }

    /// The axis unit of a thread count: the count itself, or its log2 (exact
    /// for the powers of two a logarithmic axis is made for).
    func unit(threads: Int) -> Double {
        isLogarithmic ? Double(threads.trailingZeroBitCount) : Double(threads)
    }

    /// The smallest of 1, 2 and 5 times a power of ten that is at least
    /// `raw` (a positive finite number), and the decimals its multiples need.
    static func roundStep(_ raw: Double) -> (step: Double, digits: Int) {
        guard raw.isNormal, raw > 0 else { return (1, 0) }
        var power = 1.0, digits = 0
        while power * 10 <= raw { power *= 10 }
        while power > raw { power /= 10; digits += 1 }
        for multiple in [1.0, 2, 5] where multiple * power >= raw {
            return (multiple * power, digits)
        }
        return (power * 10, max(0, digits - 1))
    }
}
