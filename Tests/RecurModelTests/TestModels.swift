import RecurCore
import RecurKernels
import RecurModel

/// Small random models and batches for tests that need no reference file.
enum TestModels {
    /// Shapes small enough for debug builds, with odd sizes: one and several
    /// layers, a single time step, hidden sizes that are not multiples of 16,
    /// every cell and both heads.
    static let shapes = [
        ModelShape(inputSize: 3, sequenceLength: 5, hidden: 7, layers: 1, classes: 4),
        ModelShape(inputSize: 3, sequenceLength: 5, hidden: 7, layers: 3, classes: 4),
        ModelShape(inputSize: 3, sequenceLength: 1, hidden: 7, layers: 2, classes: 4),
        ModelShape(inputSize: 4, sequenceLength: 3, hidden: 17, layers: 2, classes: 3),
        ModelShape(inputSize: 2, sequenceLength: 4, hidden: 33, layers: 1, classes: 5),
        ModelShape(inputSize: 3, sequenceLength: 4, hidden: 9, layers: 2, classes: 3, head: .lastStep),
    ] + gatedShapes

    /// The LSTM and GRU, over every step and on the last, one step alone, and 16 + 1 units.
    static let gatedShapes = [RecurrentCell.lstm, .gru].flatMap { cell in
        [
            ModelShape(inputSize: 3, sequenceLength: 5, hidden: 7, layers: 2, classes: 4, cell: cell),
            ModelShape(inputSize: 4, sequenceLength: 3, hidden: 17, layers: 1, classes: 3, cell: cell, head: .lastStep),
            ModelShape(inputSize: 3, sequenceLength: 1, hidden: 5, layers: 2, classes: 4, cell: cell),
        ]
    }

    /// Random lengths in `1...sequenceLength`, at least one of them full.
    static func lengths(_ shape: ModelShape, samples: Int, seed: UInt64) -> [Int32] {
        var random = RecurRandom(seed: seed, stream: 3)
        var lengths = (0..<samples).map { _ in Int32(1 + random.next() % UInt64(shape.sequenceLength)) }
        lengths[0] = Int32(shape.sequenceLength)
        return lengths
    }

    /// Names of every supported backend, for test arguments.
    static let backendNames = Backends.supported.map(\.name)

    /// A batch of inputs uniform in [-1, 1] and random labels.
    static func batch(_ shape: ModelShape, samples: Int, seed: UInt64) -> (inputs: [Float], labels: [Int32]) {
        var random = RecurRandom(seed: seed, stream: 2)
        let inputs = (0..<(samples * shape.sampleInputCount)).map { _ in random.uniform(-1, 1) }
        let labels = (0..<samples).map { _ in Int32(random.next() % UInt64(shape.classes)) }
        return (inputs, labels)
    }

    /// A model with PyTorch-style random parameters from `seed`, on `backend`.
    static func model(_ shape: ModelShape, seed: UInt64, backend: String) -> Model? {
        Backends.named(backend).map { Model(parameters: Parameters(shape: shape, seed: seed), backend: $0) }
    }
}
