import RecurCheckpoint
import RecurRuntime
import RecurCore
import RecurData
import RecurEngine

/// Everything `recur train` can be told. Defaults are the seed notebook's.
public struct TrainingOptions: Sendable {
    public var epochs = 2
    public var batchSize = 64
    public var learningRate = 1e-3
    public var hidden = 256
    public var layers = 2
    public var cell: RecurrentCell = .rnnTanh
    public var head: ModelHead = .allSteps
    public var seed: UInt64 = 0
    public var threads: ThreadCount = .auto
    public var pin: PinMode = .core
    /// Stop after this many optimizer steps, counted from the start of training.
    public var steps: Int?
    /// Samples per gradient shard: the unit of parallel work and of summation.
    public var shardSize = 4
    /// Samples each worker runs through forward and BPTT at once, in whole
    /// shards: a speed setting only, so a resumed run may change it. Nil:
    /// ``ShardPlan/defaultSamplesPerPass(for:l2CacheBytes:)`` for the shape
    /// and this machine's L2.
    public var samplesPerPass: Int?
    /// A kernel build to force ("avx512", "avx2", "portable"); nil picks the best.
    public var backend: String?
    /// `--data`: an IDX or `.ts` folder, or a safetensors or `.npz` file with both splits.
    public var dataDirectory: String?
    /// `--train FILE` and `--test FILE`.
    public var trainFile: String?
    public var testFile: String?
    /// `--dataset mnist|fashion-mnist`.
    public var datasetName: String?
    /// `--normalize`; nil: `scale` for IDX bytes, `standard` otherwise.
    public var normalize: Normalization.Kind?
    /// `--validation-split`: the fraction of the training split held out.
    public var validationSplit: Double?
    /// `--classes`: the class count where the labels leave it open (more
    /// classes than the largest label needs); refused when it contradicts the data.
    public var classCountOption: Int?
    /// Features per step, steps and classes: set from the data.
    public var inputSize = 28
    public var sequenceLength = 28
    public var classes = 10
    public var environment: [String: String] = [:]
    /// Write the final model (PyTorch-loadable) here.
    public var save: String?
    /// Start from this checkpoint's weights (fresh optimizer).
    public var load: String?
    /// Save a resumable checkpoint here after every epoch (and every `checkpointEvery` steps).
    public var checkpointDirectory: String?
    public var checkpointEvery: Int?
    /// Continue from the newest checkpoint in this folder.
    public var resume: String?
    /// Test-set samples to evaluate on (nil: all of them).
    public var evaluationLimit: Int?

    /// Options the user gave explicitly (their long names, e.g. "batch-size"):
    /// a resumed run takes the others from its checkpoint.
    public var explicitOptions: Set<String> = []

    public init() {}

    public var shape: ModelShape {
        ModelShape(
            inputSize: inputSize, sequenceLength: sequenceLength, hidden: hidden, layers: layers, classes: classes,
            cell: cell, head: head)
    }

    /// Where the data is, as ``DataSource`` reads it.
    public var dataRequest: DataRequest {
        DataRequest(data: dataDirectory, train: trainFile, test: testFile, dataset: datasetName, environment: environment)
    }

    /// The pass size a run uses on cores with `l2CacheBytes` of L2: the one
    /// given, else the shape's default there.
    public func samplesPerPass(l2CacheBytes: UInt64?) -> Int {
        samplesPerPass ?? ShardPlan.defaultSamplesPerPass(for: shape, l2CacheBytes: l2CacheBytes)
    }

    /// Checks every value a user can get wrong, naming the option.
    public func validate() throws(RecurError) {
        func positive(_ value: Int, _ option: String) throws(RecurError) {
            if value < 1 { throw .usage("\(option) must be at least 1 (got \(value))") }
        }
        try positive(epochs, "--epochs")
        try positive(batchSize, "--batch-size")
        try positive(hidden, "--hidden")
        try positive(layers, "--layers")
        try positive(shardSize, "--shard-size")
        if let samplesPerPass { try positive(samplesPerPass, "--pass-samples") }
        if let steps { try positive(steps, "--steps") }
        if let checkpointEvery { try positive(checkpointEvery, "--checkpoint-every") }
        if let evaluationLimit { try positive(evaluationLimit, "--eval-limit") }
        if !(learningRate.isFinite && learningRate > 0) {
            throw .usage("--lr must be a positive finite number (got \(learningRate))")
        }
        // Adam runs in float32: the rate must survive the conversion.
        if !Float(learningRate).isNormal {
            throw .usage(
                "--lr must be a float32 number between \(Float.leastNormalMagnitude) and \(Float.greatestFiniteMagnitude) "
                    + "(got \(learningRate), which is \(Float(learningRate)) as float32)")
        }
        if hidden > ModelShape.maximumHidden {
            throw .usage("--hidden must be at most \(ModelShape.maximumHidden) (got \(hidden))")
        }
        if layers > ModelShape.maximumLayers {
            throw .usage("--layers must be at most \(ModelShape.maximumLayers) (got \(layers))")
        }
        if batchSize > 1 << 20 { throw .usage("--batch-size must be at most 1048576 (got \(batchSize))") }
        if checkpointEvery != nil && checkpointDirectory == nil && resume == nil {
            throw .usage("--checkpoint-every needs --checkpoint-dir DIR")
        }
        if let save {
            try OutputPath.requireWritable(save, option: "--save", creatingFolder: checkpointDirectory ?? resume)
        }
        if load != nil && resume != nil {
            throw .usage("--load and --resume cannot be combined: --resume restores weights, optimizer and data order")
        }
    }

    /// These options for continuing the run a checkpoint recorded: settings
    /// that decide the result (model shape, seed, batch size, shard size,
    /// learning rate) come from the checkpoint; one given explicitly with a
    /// different value is an error. Epochs and steps stay as given, so the
    /// resumed run stops where the uninterrupted one would.
    public func resuming(from state: TrainingState, shape: ModelShape, path: String) throws(RecurError) -> TrainingOptions {
        var options = self
        func adopt<Value: Equatable>(_ name: String, _ keyPath: WritableKeyPath<TrainingOptions, Value>, _ saved: Value) throws(RecurError) {
            if explicitOptions.contains(name) && options[keyPath: keyPath] != saved {
                throw .usage(
                    "--\(name) \(options[keyPath: keyPath]) differs from the run being resumed (\(path) has \(saved)); "
                        + "drop --\(name) or pass \(saved)")
            }
            options[keyPath: keyPath] = saved
        }
        try adopt("hidden", \.hidden, shape.hidden)
        try adopt("layers", \.layers, shape.layers)
        if explicitOptions.contains("cell") && cell != shape.cell {
            throw .usage(
                "\(cell.options) differs from the run being resumed (\(path) is \(shape.cell)); "
                    + "drop the option or pass \(shape.cell.options)")
        }
        options.cell = shape.cell
        if explicitOptions.contains("head") && head != shape.head {
            throw .usage(
                "\(head.options) differs from the run being resumed (\(path) has \(shape.head.options)); "
                    + "drop the option or pass \(shape.head.options)")
        }
        options.head = shape.head
        try adopt("seed", \.seed, state.seed)
        try adopt("batch-size", \.batchSize, state.batchSize)
        try adopt("shard-size", \.shardSize, state.shardSize)
        try adopt("lr", \.learningRate, state.learningRate)
        // The data decides these; the trainer checks them against it once it is read.
        options.inputSize = shape.inputSize
        options.sequenceLength = shape.sequenceLength
        options.classes = shape.classes
        return options
    }

    /// Refuses, before anything is allocated, a model and batch that need
    /// more memory than the machine has.
    public func requireMemory(workers: Int, samplesPerPass: Int) throws(RecurError) {
        if let steps, steps > Int.max / 2 { throw .usage("--steps must be at most \(Int.max / 2) (got \(steps))") }
        try MemoryBudget.require(
            shape: shape, batchSize: batchSize, shardSize: shardSize, workers: workers, samplesPerPass: samplesPerPass)
    }
}
