@_spi(Kernels) import RecurCore
import Foundation

/// Random operands for one ``ProductShape``, and what a correct product
/// makes of them.
///
/// A, B, the bias and `h` sit in ``GuardedFloats`` that end where the
/// documented contract says reads must end (B: `Vec.scalarCount - 1` floats
/// after its last used one; the others: exactly at their last element). C sits
/// inside a larger buffer whose every other float, row gaps included, holds a
/// sentinel, so writes outside C's rows and columns are caught. C's own
/// elements start random: the product must use them when accumulating and
/// overwrite them otherwise.
final class ProductOperands {
    /// Floats of sentinel before and after C's extent.
    static let margin = 37
    /// A NaN with a payload no arithmetic produces.
    static let sentinel = Float(bitPattern: 0x7FC0_1234)
    /// Floats past B's last used one that the kernel may read.
    static let bSlack = 15

    let layout: ProductShape
    let a: GuardedFloats
    let b: GuardedFloats
    let bias: GuardedFloats?
    let h: GuardedFloats?
    /// C's enclosing buffer before the product.
    let initialC: [Float]

    init(_ layout: ProductShape, seed: UInt64) {
        self.layout = layout
        var random = RecurRandom(seed: seed, stream: 7)
        a = GuardedFloats(random.floats(layout.aCount))
        b = GuardedFloats(random.floats(layout.bCount), readableSlack: Self.bSlack)
        bias = layout.hasBias ? GuardedFloats(random.floats(layout.columns)) : nil
        h = layout.hCount > 0 ? GuardedFloats(random.floats(layout.hCount, in: -0.999...0.999)) : nil
        var c = [Float](repeating: Self.sentinel, count: Self.margin + layout.cCount + Self.margin)
        for i in 0..<layout.rows {
            for j in 0..<layout.columns { c[Self.margin + i * layout.cRowStride + j] = random.uniform(-1, 1) }
        }
        initialC = c
    }

    /// C's enclosing buffer after `variant` ran the product.
    func run(_ variant: KernelVariant) -> [Float] {
        var c = initialC
        c.withUnsafeMutableBufferPointer { buffer in
            variant.matrixProduct(layout, ProductOperandPointers(
                a: a.pointer, b: b.pointer, c: buffer.baseAddress! + Self.margin,
                bias: bias.map { UnsafePointer($0.pointer) }, h: h.map { UnsafePointer($0.pointer) }))
        }
        return c
    }

    /// The exact result of element `(i, j)` in double precision, and how far a
    /// float32 chain of fused multiply-adds may be from it: `ε·(n + 4)·Σ|terms|`
    /// for `n` terms (the standard bound of a recursive sum, with a margin),
    /// plus `tanhError` when the epilogue is a tanh.
    func reference(row i: Int, column j: Int, tanhError: Double) -> (value: Double, tolerance: Double) {
        var sum = 0.0, magnitude = 0.0, terms = 0
        if let bias {
            sum += Double(bias[j]); magnitude += abs(Double(bias[j])); terms += 1
        }
        if layout.accumulate {
            let c = Double(initialC[Self.margin + i * layout.cRowStride + j])
            sum += c; magnitude += abs(c); terms += 1
        }
        for s in 0..<layout.segments {
            for k in 0..<layout.depth {
                let term = Double(a[layout.aIndex(row: i, depth: k, segment: s)])
                    * Double(b[layout.bIndex(depth: k, column: j, segment: s)])
                sum += term; magnitude += abs(term); terms += 1
            }
        }
        let tolerance = Double(Float.ulpOfOne) * Double(terms + 4) * magnitude
        switch layout.epilogue {
        case .none:
            return (sum, tolerance)
        case .tanh:
            return (tanh(sum), tolerance + tanhError)
        case .tanhGradient(let rowStride):
            let hValue = Double(h![i * rowStride + j])
            return (sum * (1 - hValue * hValue), tolerance)
        case .relu:
            return (max(sum, 0), tolerance)
        case .reluGradient(let rowStride):
            return (h![i * rowStride + j] > 0 ? sum : 0, tolerance)
        case .add:
            let c = Double(initialC[Self.margin + i * layout.cRowStride + j])
            return (c + sum, tolerance + Double(Float.ulpOfOne) * abs(c + sum))
        }
    }

    /// Every way `result` (C's enclosing buffer after the product) is wrong:
    /// elements outside their tolerance, and sentinels that changed.
    func problems(in result: [Float], tanhError: Double) -> [String] {
        var problems: [String] = []
        var inside = Set<Int>()
        for i in 0..<layout.rows {
            for j in 0..<layout.columns {
                let index = Self.margin + i * layout.cRowStride + j
                inside.insert(index)
                let (expected, tolerance) = reference(row: i, column: j, tanhError: tanhError)
                let got = Double(result[index])
                if !(abs(got - expected) <= tolerance) {
                    problems.append("C[\(i)][\(j)] = \(result[index]), expected \(expected) ± \(tolerance)")
                }
            }
        }
        for index in result.indices where !inside.contains(index) {
            if result[index].bitPattern != Self.sentinel.bitPattern {
                problems.append("wrote \(result[index]) outside C at offset \(index - Self.margin) from C")
            }
        }
        return problems
    }
}
