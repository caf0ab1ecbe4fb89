@_spi(Kernels) import RecurCore

extension RecurRandom {
    /// `count` floats uniform in `[low, high)`.
    mutating func floats(_ count: Int, in range: ClosedRange<Float> = -1...1) -> [Float] {
        (0..<count).map { _ in uniform(range.lowerBound, range.upperBound) }
    }
}
