import RecurCore
import RecurModel
import RecurSafetensors
import RecurTestSupport

@testable import RecurCheckpoint

/// Small models and files for the checkpoint tests.
enum CheckpointSamples {
    /// A small shape with every dimension different, so mixed-up dimensions show.
    static let shape = ModelShape(inputSize: 5, sequenceLength: 3, hidden: 4, layers: 2, classes: 3)

    static func parameters(_ shape: ModelShape = shape, seed: UInt64 = 7) -> Parameters {
        Parameters(shape: shape, seed: seed)
    }

    /// Adam state with distinct, awkward values (negative zero, subnormals, large numbers).
    static func optimizer(for parameters: Parameters) -> AdamState {
        let optimizer = AdamState(layout: parameters.layout, learningRate: 3e-4)
        optimizer.beta1 = 0.85
        optimizer.beta2 = 0.995
        optimizer.epsilon = 1e-7
        optimizer.steps = 1234
        var random = RecurRandom(seed: 99)
        for slot in parameters.layout.slots {
            for index in slot.range {
                optimizer.firstMoment.pointer[index] = random.uniform(-1, 1) * 1e-3
                optimizer.secondMoment.pointer[index] = random.uniform(0, 1) * 1e-6
            }
        }
        let first = parameters.layout.slots[0].offset
        optimizer.firstMoment.pointer[first] = -0.0
        optimizer.secondMoment.pointer[first] = .leastNonzeroMagnitude
        optimizer.firstMoment.pointer[first + 1] = 3.4e38
        return optimizer
    }

    static let training = TrainingState(
        optimizerSteps: 1234, epoch: 1, batchIndex: 296, seed: 0xDEAD_BEEF_CAFE_F00D, batchSize: 64,
        learningRate: 3e-4, beta1: 0.85, beta2: 0.995, epsilon: 1e-7, shardSize: 16, epochs: 2, stepLimit: 5000)

    /// The bit patterns of every parameter tensor of `buffer`, laid out by `layout`.
    static func bits(_ buffer: FloatBuffer, _ layout: ParameterLayout) -> [[UInt32]] {
        layout.slots.map { slot in buffer[slot.range].map(\.bitPattern) }
    }

    /// Saves a checkpoint of `parameters` (with `optimizer` when given) into
    /// `directory`, applies `edit` to its contents and writes them back.
    static func editedCheckpoint(
        in directory: TemporaryDirectory, parameters: Parameters = parameters(), optimizer: AdamState? = nil,
        edit: (inout SafetensorsFile) throws -> Void
    ) throws -> String {
        let path = directory.file("edited.safetensors")
        try Checkpoint.save(parameters: parameters, optimizer: optimizer, training: nil, to: path)
        var file = try SafetensorsFile.read(path: path)
        try edit(&file)
        try file.write(to: path)
        return path
    }

    /// The reason `Checkpoint.load(path:)` fails with, or nil when it succeeds.
    static func loadFailure(_ path: String) -> CheckpointError? {
        do {
            _ = try Checkpoint.load(path: path)
            return nil
        } catch {
            return error
        }
    }
}
