@_spi(Kernels) import RecurCore
import Testing

/// The ReLU rows and their gradient (the ReLU RNN's first step and last BPTT
/// step), exact against a scalar reference: both only select values.
@Suite struct ReLUTests {
    @Test(arguments: KernelVariant.supported)
    func rowsMatchReferenceAndKeepTheirGaps(variant: KernelVariant) {
        let rows = 4, count = 37, rowStride = 41
        var random = RecurRandom(seed: 21)
        var values = random.floats((rows - 1) * rowStride + count, in: -2...2)
        values[3] = .nan
        values[5] = -0.0
        let buffer = GuardedFloats(values)
        variant.reluRows(buffer.pointer, rows, rowStride, count)
        for (index, before) in values.enumerated() {
            let after = buffer[index]
            if index % rowStride >= count {
                #expect(after.bitPattern == before.bitPattern, "gap at \(index) written")
            } else if before.isNaN {
                #expect(after.isNaN, "NaN at \(index) must stay NaN, as torch.relu")
            } else {
                #expect(after == max(before, 0), "index \(index): \(before) -> \(after)")
            }
        }
    }

    /// `x` where the ReLU's output `h` is positive, else 0.
    @Test(arguments: KernelVariant.supported)
    func gradientRowsMatchReference(variant: KernelVariant) {
        let rows = 3, count = 21, rowStride = 29
        var random = RecurRandom(seed: 22)
        let x = random.floats((rows - 1) * rowStride + count, in: -3...3)
        var hValues = random.floats(x.count, in: -1...1)
        hValues[2] = 0
        let h = GuardedFloats(hValues)
        let buffer = GuardedFloats(x)
        variant.reluGradientRows(buffer.pointer, h.pointer, rows, rowStride, count)
        for index in x.indices {
            let expected = index % rowStride >= count ? x[index] : (hValues[index] > 0 ? x[index] : 0)
            #expect(buffer[index] == expected, "index \(index)")
        }
    }
}
