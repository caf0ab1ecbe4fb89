import RecurCore
import RecurModel
import Testing

/// The analytic gradient of the mean loss against central differences
/// (step 1e-2, in float32), for a sample of the entries of every tensor.
///
/// Measured on every backend and shape here: |difference - analytic| at
/// most 1.3e-5, an eighth of the bound `1e-4 + 1e-3·|analytic|`.
@Suite struct FiniteDifferenceTests {
    static let samples = 3
    static let step: Float = 1e-2

    @Test(arguments: TestModels.backendNames, TestModels.shapes)
    func gradientsMatchCentralDifferences(backend: String, shape: ModelShape) throws {
        try Self.check(backend: backend, shape: shape, lengths: nil)
    }

    /// Samples of their own lengths, with the head on each one's last real step.
    @Test(arguments: TestModels.backendNames, TestModels.shapes.filter { $0.head == .lastStep && $0.sequenceLength > 2 })
    func gradientsWithLengthsMatchCentralDifferences(backend: String, shape: ModelShape) throws {
        try Self.check(backend: backend, shape: shape, lengths: [Int32(shape.sequenceLength), 1, 2])
    }

    static func check(backend: String, shape: ModelShape, lengths: [Int32]?) throws {
        let model = try #require(TestModels.model(shape, seed: UInt64(shape.hidden * 10 + shape.layers), backend: backend))
        let (inputs, labels) = TestModels.batch(shape, samples: Self.samples, seed: 1)
        let analytic = model.lossAndGradients(inputs: inputs, labels: labels, lengths: lengths).gradients
        var random = RecurRandom(seed: 99)
        for slot in model.layout.slots {
            // First, last, the largest and four random entries.
            let tensor = analytic.buffer[slot.range]
            let largestEntry = (tensor.indices.max { abs(tensor[$0]) < abs(tensor[$1]) } ?? slot.offset) - slot.offset
            let picks = Set(
                [0, slot.count - 1, largestEntry] + (0..<4).map { _ in Int(random.next() % UInt64(slot.count)) })
            let values = model.parameters[slot]
            var largest: Float = 0
            for index in picks.sorted() {
                let original = values[index]
                values[index] = original + Self.step
                model.refreshPackedWeights()
                let plus = model.lossAndGradients(inputs: inputs, labels: labels, lengths: lengths).loss
                values[index] = original - Self.step
                model.refreshPackedWeights()
                let minus = model.lossAndGradients(inputs: inputs, labels: labels, lengths: lengths).loss
                values[index] = original
                model.refreshPackedWeights()
                let difference = (plus - minus) / (2 * Self.step)
                let gradient = analytic.pointer[slot.offset + index]
                largest = max(largest, abs(gradient))
                #expect(
                    abs(difference - gradient) <= 1e-4 + 1e-3 * abs(gradient),
                    "\(backend) \(shape) \(slot.name)[\(index)]: analytic \(gradient), central difference \(difference)")
            }
            // A gradient that is zero everywhere would match trivially; only the
            // recurrent weights of a single time step have none (h₋₁ = 0).
            if shape.sequenceLength > 1 || !slot.name.hasPrefix("rnn.weight_hh") {
                #expect(largest > 1e-3, "\(backend) \(shape) \(slot.name): sampled gradients all below 1e-3")
            }
        }
    }
}
