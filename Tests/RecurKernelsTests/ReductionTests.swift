@_spi(Kernels) import RecurCore
import Testing

/// `dot`, `dots` and `columnSums` against naive references.
@Suite struct ReductionTests {
    static let counts = [0, 1, 3, 15, 16, 17, 31, 63, 64, 65, 100, 257]

    @Test(arguments: KernelVariant.supported)
    func dotMatchesReference(variant: KernelVariant) {
        var random = RecurRandom(seed: 3)
        for count in Self.counts {
            let x = GuardedFloats(random.floats(count)), y = GuardedFloats(random.floats(count, in: -4...4))
            let got = Double(variant.dot(x.pointer, y.pointer, count))
            var expected = 0.0, magnitude = 0.0
            for k in 0..<count {
                expected += Double(x[k]) * Double(y[k])
                magnitude += abs(Double(x[k]) * Double(y[k]))
            }
            let tolerance = Double(Float.ulpOfOne) * Double(count + 2) * magnitude
            #expect(abs(got - expected) <= tolerance, "\(variant): count \(count): \(got) vs \(expected)")
        }
    }

    /// Four rows at a time share the loads of `x` but keep each row's own
    /// chains: every result is `dot`'s to the bit, for row counts with and
    /// without a remainder of four.
    @Test(arguments: KernelVariant.supported)
    func dotsAreDotsToTheBit(variant: KernelVariant) {
        var random = RecurRandom(seed: 5)
        for rows in [1, 3, 4, 5, 10] {
            for count in Self.counts {
                let rowStride = count + 5
                let x = GuardedFloats(random.floats(count))
                let y = GuardedFloats(random.floats(max(0, (rows - 1) * rowStride + count), in: -4...4))
                let out = GuardedFloats([Float](repeating: .nan, count: rows))
                variant.dots(x.pointer, y.pointer, rowStride, rows, count, out.pointer)
                for r in 0..<rows {
                    let expected = variant.dot(x.pointer, y.pointer + r * rowStride, count)
                    #expect(out[r].bitPattern == expected.bitPattern, "\(variant): \(rows) rows of \(count), row \(r)")
                }
            }
        }
    }

    /// Each column is summed over the rows in order, so every lane must equal
    /// a scalar left fold to the bit.
    @Test(arguments: KernelVariant.supported)
    func columnSumsAreRowOrderFolds(variant: KernelVariant) {
        var random = RecurRandom(seed: 4)
        for rows in [1, 2, 5, 13] {
            for count in [1, 5, 16, 17, 40] {
                let rowStride = count + 3
                let x = GuardedFloats(random.floats((rows - 1) * rowStride + count, in: -100...100))
                let out = GuardedFloats([Float](repeating: .nan, count: count))
                variant.columnSums(x.pointer, rows, rowStride, count, out.pointer)
                for j in 0..<count {
                    var expected: Float = 0
                    for r in 0..<rows { expected += x[r * rowStride + j] }
                    #expect(out[j].bitPattern == expected.bitPattern, "\(variant): \(rows)x\(count) column \(j)")
                }
            }
        }
    }
}
