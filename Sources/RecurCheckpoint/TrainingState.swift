/// Where a training run stands and the settings it runs with: what a
/// checkpoint needs, besides the parameters and Adam's moments, to resume the
/// run exactly (same batches in the same order, same updates).
///
/// Stored in a checkpoint's metadata under `training.*` keys (see
/// ``metadata``); numbers are written in their shortest round-tripping form,
/// so reading them back gives the same values bit for bit.
public struct TrainingState: Codable, Hashable, Sendable {
    /// Optimizer steps done so far.
    public var optimizerSteps: Int
    /// The epoch in progress, counted from 0.
    public var epoch: Int
    /// Batches of ``epoch`` already done.
    public var batchIndex: Int
    /// The run's seed (initialisation and shuffling).
    public var seed: UInt64
    public var batchSize: Int
    public var learningRate: Double
    public var beta1: Double
    public var beta2: Double
    public var epsilon: Double
    /// Samples per worker shard.
    public var shardSize: Int
    /// Epochs the run was asked for.
    public var epochs: Int
    /// The most optimizer steps the run was asked for, if it was limited.
    public var stepLimit: Int?

    public init(
        optimizerSteps: Int, epoch: Int, batchIndex: Int, seed: UInt64, batchSize: Int,
        learningRate: Double, beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-8,
        shardSize: Int, epochs: Int, stepLimit: Int? = nil
    ) {
        self.optimizerSteps = optimizerSteps
        self.epoch = epoch
        self.batchIndex = batchIndex
        self.seed = seed
        self.batchSize = batchSize
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.shardSize = shardSize
        self.epochs = epochs
        self.stepLimit = stepLimit
    }

    /// The state read from checkpoint metadata written by ``metadata``, or nil
    /// when a key is missing or a value does not parse or is out of range.
    public init?(metadata: [String: String]) {
        guard let state = try? Self(reading: MetadataFields(metadata)) else { return nil }
        self = state
    }

    /// The state as metadata entries: `training.steps`, `training.epoch`,
    /// `training.batch_index`, `training.seed`, `training.batch_size`,
    /// `training.lr`, `training.betas` ("0.9,0.999"), `training.eps`,
    /// `training.shard_size`, `training.epochs`, and `training.max_steps`
    /// when there is a step limit.
    public var metadata: [String: String] {
        var entries = [
            Self.stepsKey: "\(optimizerSteps)",
            "training.epoch": "\(epoch)",
            "training.batch_index": "\(batchIndex)",
            "training.seed": "\(seed)",
            "training.batch_size": "\(batchSize)",
            "training.lr": MetadataFields.format(learningRate),
            "training.betas": MetadataFields.format(beta1, beta2),
            "training.eps": MetadataFields.format(epsilon),
            "training.shard_size": "\(shardSize)",
            "training.epochs": "\(epochs)",
        ]
        if let stepLimit { entries["training.max_steps"] = "\(stepLimit)" }
        return entries
    }

    /// The key whose presence says a checkpoint holds a training state.
    package static let stepsKey = "training.steps"

    /// Reads every field, failing on the first missing or invalid one.
    init(reading fields: MetadataFields) throws(ModelFileIssue) {
        let betas = try fields.pair("training.betas", in: AdamSettingRanges.beta)
        self.init(
            optimizerSteps: try fields.integer(Self.stepsKey, atLeast: 0),
            epoch: try fields.integer("training.epoch", atLeast: 0),
            batchIndex: try fields.integer("training.batch_index", atLeast: 0),
            seed: try fields.unsigned("training.seed"),
            batchSize: try fields.integer("training.batch_size", atLeast: 1),
            learningRate: try fields.number("training.lr", in: AdamSettingRanges.learningRate),
            beta1: betas.0, beta2: betas.1,
            epsilon: try fields.number("training.eps", in: AdamSettingRanges.epsilon),
            shardSize: try fields.integer("training.shard_size", atLeast: 1),
            epochs: try fields.integer("training.epochs", atLeast: 1),
            stepLimit: try fields.optionalInteger("training.max_steps", atLeast: 1))
    }
}

/// The values of Adam's settings that metadata may hold, as `torch.optim.Adam` accepts them.
package enum AdamSettingRanges {
    package static let learningRate: Range<Double> = 0..<Double.infinity
    package static let beta: Range<Double> = 0..<1
    package static let epsilon: Range<Double> = 0..<Double.infinity
}
