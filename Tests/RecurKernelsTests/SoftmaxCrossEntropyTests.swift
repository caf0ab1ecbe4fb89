import Foundation
@_spi(Kernels) import RecurCore
import Testing

/// `softmaxCrossEntropy` against a double-precision reference.
@Suite struct SoftmaxCrossEntropyTests {
    /// Per-sample loss `logsumexp(z) - z[label]` and `softmax(z)`, in double.
    static func reference(_ z: ArraySlice<Float>, label: Int) -> (loss: Double, probabilities: [Double]) {
        let values = z.map(Double.init)
        let maximum = values.max() ?? 0
        let exponentials = values.map { exp($0 - maximum) }
        let sum = exponentials.reduce(0, +)
        return (log(sum) + maximum - values[label], exponentials.map { $0 / sum })
    }

    /// Random logits in ±5, then rows with logits of ±1000 that would
    /// overflow `exp` without the max shift.
    static func logits(samples: Int, classes: Int, random: inout RecurRandom) -> [Float] {
        var logits = random.floats(samples * classes, in: -5...5)
        let extremes: [[Float]] = [[1000, 999, -1000], [-1000, -1000.5, -999], [1000, 1000, 1000], [88, 89, -90]]
        for (row, extreme) in extremes.enumerated() where row < samples {
            for c in 0..<classes { logits[row * classes + c] = extreme[c % extreme.count] - Float(c / extreme.count) }
        }
        return logits
    }

    @Test(arguments: KernelVariant.supported, [2, 3, 10, 17])
    func matchesReference(variant: KernelVariant, classes: Int) {
        let samples = 9
        var random = RecurRandom(seed: UInt64(classes))
        let logits = Self.logits(samples: samples, classes: classes, random: &random)
        let labels = (0..<samples).map { _ in Int32(random.next() % UInt64(classes)) }
        let scale: Float = 1 / 7
        let z = GuardedFloats(logits)
        let gradient = GuardedFloats([Float](repeating: .nan, count: logits.count))
        let loss = labels.withUnsafeBufferPointer { labels in
            variant.softmaxCrossEntropy(z.pointer, labels.baseAddress!, samples, classes, scale, gradient.pointer)
        }
        let lossWithoutGradient = labels.withUnsafeBufferPointer { labels in
            variant.softmaxCrossEntropy(z.pointer, labels.baseAddress!, samples, classes, scale, nil)
        }
        #expect(loss.bitPattern == lossWithoutGradient.bitPattern)

        var expectedLoss = 0.0, lossTolerance = 0.0
        for i in 0..<samples {
            let row = logits[(i * classes)..<((i + 1) * classes)]
            let label = Int(labels[i])
            let (sampleLoss, probabilities) = Self.reference(row, label: label)
            expectedLoss += sampleLoss
            let magnitude = Double(row.map { abs($0) }.max() ?? 0) + abs(Double(row[row.startIndex + label])) + sampleLoss
            lossTolerance += Double(Float.ulpOfOne) * Double(classes + 4) * (magnitude + 1)
            for c in 0..<classes {
                let expected = (probabilities[c] - (c == label ? 1 : 0)) * Double(scale)
                let got = Double(gradient[i * classes + c])
                #expect(
                    abs(got - expected) <= Double(Float.ulpOfOne) * Double(classes + 4) * Double(scale),
                    "\(variant): sample \(i) class \(c): \(got) vs \(expected)")
            }
        }
        #expect(loss.isFinite)
        #expect(abs(Double(loss) - expectedLoss) <= lossTolerance, "\(variant): loss \(loss) vs \(expectedLoss)")
    }
}
