import RecurCore
import RecurModel
import Testing

/// Samples of their own lengths (``ShardPass/lengths``), with the head on
/// each one's last real step: the steps past a length change nothing.
@Suite struct SequenceLengthTests {
    static let shapes = TestModels.shapes.filter { $0.head == .lastStep && $0.sequenceLength > 1 }
    static let samples = 5

    /// Whatever the inputs hold past each length, the loss, logits and
    /// gradients are the same (equal as numbers: a zero gradient times a
    /// padding value can only change the sign of an exact zero).
    @Test(arguments: TestModels.backendNames, shapes)
    func paddingChangesNothing(backend: String, shape: ModelShape) throws {
        let model = try #require(TestModels.model(shape, seed: 3, backend: backend))
        var (inputs, labels) = TestModels.batch(shape, samples: Self.samples, seed: 4)
        let lengths = TestModels.lengths(shape, samples: Self.samples, seed: 5)
        #expect(lengths.contains { $0 < shape.sequenceLength }, "some sample must end early")
        let padded = model.lossAndGradients(inputs: inputs, labels: labels, lengths: lengths)
        for (sample, length) in lengths.enumerated() {
            let start = sample * shape.sampleInputCount + Int(length) * shape.inputSize
            for i in start..<((sample + 1) * shape.sampleInputCount) { inputs[i] = 1e4 * Float(i % 7 - 3) }
        }
        let garbage = model.lossAndGradients(inputs: inputs, labels: labels, lengths: lengths)
        #expect(padded.loss == garbage.loss)
        #expect(padded.logits == garbage.logits)
        #expect(Array(padded.gradients.buffer) == Array(garbage.gradients.buffer))
    }

    /// A sample of length L gives the bits a model of L steps gives the
    /// same sample, whose parameters are the same tensors (the head on the
    /// last step reads `hidden` features whatever the length).
    @Test(arguments: TestModels.backendNames, shapes)
    func aShortSampleIsTheShorterModelsSample(backend: String, shape: ModelShape) throws {
        let model = try #require(TestModels.model(shape, seed: 6, backend: backend))
        let (inputs, labels) = TestModels.batch(shape, samples: 1, seed: 7)
        let length = shape.sequenceLength - 1
        let long = model.lossAndGradients(inputs: inputs, labels: labels, lengths: [Int32(length)])

        var shortShape = shape
        shortShape.sequenceLength = length
        let short = Model(parameters: Parameters(shape: shortShape), backend: model.backend)
        short.parameters.storage.pointer.update(from: model.parameters.pointer, count: model.layout.count)
        short.refreshPackedWeights()
        let result = short.lossAndGradients(
            inputs: Array(inputs[0..<shortShape.sampleInputCount]), labels: labels)
        #expect(long.logits.map(\.bitPattern) == result.logits.map(\.bitPattern))
        #expect(long.loss.bitPattern == result.loss.bitPattern)
        #expect(Array(long.gradients.buffer) == Array(result.gradients.buffer))
    }

    /// Lengths that are all full are the same as no lengths, bit for bit.
    @Test(arguments: TestModels.backendNames, shapes)
    func fullLengthsAreNoLengths(backend: String, shape: ModelShape) throws {
        let model = try #require(TestModels.model(shape, seed: 8, backend: backend))
        let (inputs, labels) = TestModels.batch(shape, samples: Self.samples, seed: 9)
        let full = [Int32](repeating: Int32(shape.sequenceLength), count: Self.samples)
        let with = model.lossAndGradients(inputs: inputs, labels: labels, lengths: full)
        let without = model.lossAndGradients(inputs: inputs, labels: labels)
        #expect(with.loss.bitPattern == without.loss.bitPattern)
        #expect(Array(with.gradients.buffer).map(\.bitPattern) == Array(without.gradients.buffer).map(\.bitPattern))
    }
}
