import RecurCheckpoint
import RecurRuntime
import RecurCore
import RecurData
import RecurDistributed
import RecurEngine
import RecurModel

/// A training run: data, model, engine, and the loop over epochs and steps.
///
/// Each epoch visits the training set in an order drawn from the seed and the
/// epoch number alone, in batches of `batchSize` (the last one shorter), so
/// a run resumed from a checkpoint sees exactly the batches the
/// uninterrupted run would have.
public final class Trainer {
    public let options: TrainingOptions
    public let train: Dataset
    public let test: Dataset
    /// The samples `--validation-split` held out, evaluated after every epoch.
    public let validation: Dataset?
    /// The data's normalisation and class names, saved with every checkpoint and model.
    private let dataMetadata: [String: String]
    public let engine: DataParallelEngine
    /// The optimizer the engine steps, saved with every checkpoint.
    private let optimizer: AdamState
    public let setup: ComputeSetup
    /// The pass size the engine runs: the option's, or the shape's default on this machine.
    public let samplesPerPass: Int
    private let observer: any TrainingObserver
    private let checkpoints: CheckpointDirectory?
    /// Where the run starts: zero, or the state a resumed checkpoint recorded.
    private let resumeState: TrainingState?
    /// Polled after every step; returns the signal number that asks the run to stop.
    private let interruption: () -> Int32?
    private var lastCheckpoint: String?
    private var lastCheckpointStep: Int?
    /// The ranks of a run across processes (nil: this process alone), and
    /// the exchange of every step between them.
    public let group: ProcessGroup?
    let exchange: ChainExchange?
    /// Whether this process prints and writes files: rank 0, or the only process.
    var isLeader: Bool { group?.isLeader ?? true }

    /// Loads the data and the starting point, starts the workers.
    public init(
        options requested: TrainingOptions, observer: any TrainingObserver,
        interruption: @escaping () -> Int32? = { nil }, group: ProcessGroup? = nil
    ) throws(RecurError) {
        try requested.validate()
        var options = requested
        var resumed: (path: String, checkpoint: LoadedCheckpoint, state: TrainingState)?
        let checkpointFolder = (options.checkpointDirectory ?? options.resume).map(CheckpointDirectory.init(path:))
        // Locked before anything in it is read: a second run on the folder stops here.
        // Only the rank that writes checkpoints holds the lock.
        if group?.isLeader ?? true { try checkpointFolder?.lock() }
        if let folder = options.resume, let checkpointFolder {
            guard let newest = try checkpointFolder.newest() else {
                throw .input("--resume \(folder): no checkpoint-*.safetensors files there to resume from")
            }
            let loaded: LoadedCheckpoint
            do {
                loaded = try Checkpoint.load(path: newest)
            } catch {
                throw .input(error.description)
            }
            guard let state = loaded.training, loaded.optimizer != nil else {
                throw .input("\(newest): not a resumable checkpoint (no optimizer or training state)")
            }
            options = try options.resuming(from: state, shape: loaded.shape, path: newest)
            resumed = (newest, loaded, state)
        }
        // The machine before the data: a bad --threads fails before anything is read.
        setup = try ComputeSetup(threads: options.threads, pin: options.pin, backend: options.backend)
        self.observer = group?.isLeader ?? true ? observer : QuietObserver()
        self.interruption = interruption
        self.group = group
        let loaded: LoadedData
        do throws(DataSourceError) {
            loaded = try DataSource.load(options.dataRequest)
        } catch {
            if case .usage(let message) = error { throw .usage(message) }
            throw .input(error.description)
        }
        let prepared = try PreparedData(
            loaded, normalize: options.normalize, validationSplit: options.validationSplit, seed: options.seed,
            head: options.head, classes: options.classCountOption)
        let directory = prepared.origin
        (train, test, validation) = (prepared.train, prepared.test, prepared.validation)
        dataMetadata = prepared.metadata
        let dataShape = (prepared.features, prepared.steps, prepared.classCount)
        if let resumed, (options.inputSize, options.sequenceLength, options.classes) != dataShape {
            throw .input(
                "\(resumed.path): checkpoint is for \(options.shape), but \(directory) has \(dataShape.0) features, "
                    + "\(dataShape.1) steps and \(dataShape.2) classes; resume with the data it was trained on")
        }
        (options.inputSize, options.sequenceLength, options.classes) = dataShape
        if let resumed {
            // The same data, scaled and split the same way, or the resumed run is another run.
            for key in PreparedData.metadataKeys where resumed.checkpoint.metadata[key] != dataMetadata[key] {
                throw .usage(
                    "\(resumed.path) was trained with \(key) \(resumed.checkpoint.metadata[key] ?? "absent"), this run's data gives "
                        + "\(dataMetadata[key] ?? "absent"); resume with the same data, --normalize and --validation-split")
            }
        }
        samplesPerPass = options.samplesPerPass(l2CacheBytes: setup.topology.l2CacheBytes)
        try options.requireMemory(workers: setup.pool.count, samplesPerPass: samplesPerPass)
        self.options = options

        if options.batchSize > train.count {
            throw .usage("--batch-size \(options.batchSize) is larger than the \(train.count) training samples in \(directory)")
        }
        if let resumed {
            let stepsPerEpoch = Self.stepsPerEpoch(samples: train.count, batchSize: options.batchSize)
            let state = resumed.state
            if state.epoch > options.epochs || (state.epoch == options.epochs && state.batchIndex > 0) {
                throw .usage(
                    "\(resumed.path) stopped in epoch \(state.epoch + 1), past the \(options.epochs) epochs asked for; "
                        + "pass --epochs \(state.epoch + 1) or more")
            }
            if state.batchIndex >= stepsPerEpoch {
                throw .input(
                    "\(resumed.path): training.batch_index \(state.batchIndex) is past the end of an epoch "
                        + "(\(stepsPerEpoch) batches of \(options.batchSize) in \(directory)); the checkpoint is not for this data")
            }
        }

        var parameters = Parameters(shape: options.shape, seed: options.seed)
        var optimizer = AdamState(layout: parameters.layout, learningRate: options.learningRate)
        if let path = options.load {
            do {
                let loaded = try Checkpoint.load(path: path)
                try loaded.requireShape(options.shape)
                parameters = loaded.parameters
            } catch {
                throw .input(error.description)
            }
        }
        if let resumed, let savedOptimizer = resumed.checkpoint.optimizer {
            parameters = resumed.checkpoint.parameters
            optimizer = savedOptimizer
        }
        resumeState = resumed?.state
        checkpoints = checkpointFolder
        do {
            self.optimizer = optimizer
            engine = try DataParallelEngine(
                pool: setup.pool, parameters: parameters, optimizer: optimizer, backend: setup.backend,
                shardSize: options.shardSize, maxBatch: options.batchSize, samplesPerPass: samplesPerPass)
        } catch {
            throw .system("cannot allocate worker memory: \(error)")
        }
        exchange = group.map { ChainExchange(group: $0, layout: parameters.layout) }
        exchange?.localStop = interruption
        try requireSameRun()
    }

    public var stepsPerEpoch: Int { Self.stepsPerEpoch(samples: train.count, batchSize: options.batchSize) }

    /// Batches in an epoch of `samples`, the last one possibly short.
    static func stepsPerEpoch(samples: Int, batchSize: Int) -> Int { (samples + batchSize - 1) / batchSize }

    /// The order of the training samples in epoch `epoch` (0-based).
    public static func epochOrder(seed: UInt64, epoch: Int, count: Int) -> [Int32] {
        var random = RecurRandom(seed: seed, stream: 0x5EED_0000 &+ UInt64(epoch))
        return random.permutation(count)
    }

    /// Trains until the epochs or `--steps` are done, or a signal asks to stop.
    public func run() throws(RecurError) -> TrainingSummary {
        let runStart = monotonicSeconds()
        let batchSize = options.batchSize
        let stepLimit = options.steps ?? Int.max
        var globalStep = resumeState?.optimizerSteps ?? 0
        let firstEpoch = resumeState?.epoch ?? 0
        var firstBatch = resumeState?.batchIndex ?? 0
        observer.started(TrainingStart(
            model: options.shape.description, parameters: engine.parameters.layout.parameterCount,
            trainSamples: train.count, testSamples: test.count, epochs: options.epochs, batchSize: batchSize,
            stepsPerEpoch: stepsPerEpoch, threads: setup.pool.count, pin: options.pin.rawValue,
            backend: setup.backend.name, shardSize: options.shardSize, samplesPerPass: samplesPerPass,
            seed: options.seed, startStep: globalStep, processes: group?.size))
        engine.resetPhaseTimes()

        var reports: [EpochReport] = []
        var trainSeconds = 0.0
        var trainedSamples = 0
        var runLossSum = 0.0
        var interruptedBy: Int32?
        epochs: for epoch in firstEpoch..<options.epochs {
            let order = Self.epochOrder(seed: options.seed, epoch: epoch, count: train.count)
            var lossSum = 0.0
            var samples = 0
            var steps = 0
            var seconds = 0.0
            var batch = firstBatch
            firstBatch = 0
            while batch < stepsPerEpoch && globalStep < stepLimit {
                let range = (batch * batchSize)..<min((batch + 1) * batchSize, train.count)
                let start = monotonicSeconds()
                let loss = try step(order[range])
                seconds += monotonicSeconds() - start
                globalStep += 1
                batch += 1
                guard loss.isFinite else {
                    let kept = checkpoints.flatMap { try? $0.newest() }.map { "; the last good checkpoint is \($0)" } ?? ""
                    throw .diverged(
                        "training diverged: the loss is \(loss) at step \(globalStep) (epoch \(epoch + 1)); stopped\(kept)")
                }
                lossSum += Double(loss) * Double(range.count)
                samples += range.count
                steps += 1
                observer.stepped(StepProgress(
                    epoch: epoch + 1, step: batch, stepsInEpoch: stepsPerEpoch, globalStep: globalStep,
                    loss: lossSum / Double(samples), samplesPerSecond: Double(samples) / seconds))
                let position = TrainingPosition(epoch: epoch, nextBatch: batch, batchesPerEpoch: stepsPerEpoch)
                if let signal = exchange.map({ $0.agreedStop }) ?? interruption() {
                    try saveCheckpoint(at: position, globalStep: globalStep, fallback: true)
                    interruptedBy = signal
                    trainSeconds += seconds
                    trainedSamples += samples
                    runLossSum += lossSum
                    break epochs
                }
                if let every = options.checkpointEvery, globalStep % every == 0, batch < stepsPerEpoch {
                    try saveCheckpoint(at: position, globalStep: globalStep, fallback: false)
                }
            }
            trainSeconds += seconds
            trainedSamples += samples
            runLossSum += lossSum
            guard steps > 0 else { break }
            let evaluationStart = monotonicSeconds()
            let evaluation = try evaluate()
            var held: (accuracy: Double, meanLoss: Double)?
            if let validation { held = try evaluate(validation, count: validation.count) }
            reports.append(EpochReport(
                epoch: epoch + 1, steps: steps, samples: samples, trainLoss: lossSum / Double(samples),
                testLoss: evaluation.meanLoss, testAccuracy: evaluation.accuracy,
                validationLoss: held?.meanLoss, validationAccuracy: held?.accuracy,
                seconds: seconds, samplesPerSecond: Double(samples) / seconds,
                evaluationSeconds: monotonicSeconds() - evaluationStart))
            observer.finishedEpoch(reports[reports.count - 1])
            let position = TrainingPosition(epoch: epoch, nextBatch: batch, batchesPerEpoch: stepsPerEpoch)
            if (options.checkpointDirectory != nil || options.resume != nil) && lastCheckpointStep != globalStep {
                try saveCheckpoint(at: position, globalStep: globalStep, fallback: false)
            }
            if globalStep >= stepLimit { break }
        }

        var savedModel: String?
        if let path = options.save {
            try requireFiniteParameters(globalStep: globalStep)
            savedModel = path
        }
        if let path = options.save, isLeader {
            do {
                try Checkpoint.save(
                    parameters: engine.parameters, optimizer: nil, training: nil, metadata: dataMetadata, to: path)
            } catch {
                throw .output(error.description)
            }
        }
        let stepsTaken = engine.workerPhaseTimes.first?.steps ?? 0
        let final: (accuracy: Double, meanLoss: Double)
        if let last = reports.last { final = (last.testAccuracy, last.testLoss) } else { final = try evaluate() }
        let summary = TrainingSummary(
            epochs: reports, steps: globalStep,
            trainLoss: trainedSamples > 0 ? runLossSum / Double(trainedSamples) : nil,
            testLoss: final.meanLoss, testAccuracy: final.accuracy, seconds: monotonicSeconds() - runStart,
            trainSeconds: trainSeconds, samplesPerSecond: trainSeconds > 0 ? Double(trainedSamples) / trainSeconds : 0,
            threads: setup.pool.count, batchSize: batchSize, backend: setup.backend.name, savedModel: savedModel,
            phases: stepsTaken > 0 ? PhaseBreakdown(engine.workerPhaseTimes, reduce: .mean) : nil,
            phasesMax: stepsTaken > 0 ? PhaseBreakdown(engine.workerPhaseTimes, reduce: .max) : nil, interruptedBy: interruptedBy.map(Self.signalName),
            lastCheckpoint: lastCheckpoint, exchange: exchangeSummary)
        observer.finished(summary)
        return summary
    }

    /// Test-set accuracy and mean loss of the current parameters.
    public func evaluate() throws(RecurError) -> (accuracy: Double, meanLoss: Double) {
        try evaluate(test, count: min(options.evaluationLimit ?? test.count, test.count))
    }

    /// Accuracy and mean loss of the current parameters on the first `count`
    /// samples of `data` (the test or the validation split), split across
    /// the ranks under mpirun.
    private func evaluate(_ data: Dataset, count: Int) throws(RecurError) -> (accuracy: Double, meanLoss: Double) {
        let result = try evaluateAcrossRanks(data, count: count)
        return (Double(result.correct) / Double(max(count, 1)), result.meanLoss)
    }

    /// Writes a resumable checkpoint for `position`. With `fallback`, a run
    /// without a checkpoint folder uses `recur-checkpoints` rather than lose the work.
    private func saveCheckpoint(at position: TrainingPosition, globalStep: Int, fallback: Bool) throws(RecurError) {
        guard let folder = checkpoints ?? (fallback ? CheckpointDirectory(path: "recur-checkpoints") : nil) else { return }
        let state = TrainingState(
            optimizerSteps: globalStep, epoch: position.epoch, batchIndex: position.batch, seed: options.seed,
            batchSize: options.batchSize, learningRate: options.learningRate, shardSize: options.shardSize,
            epochs: options.epochs, stepLimit: options.steps)
        try requireFiniteParameters(globalStep: globalStep)
        // Each rank's moments are current in its own part only: every rank
        // gathers them all, so rank 0 saves the single-process ones.
        do {
            try exchange?.gatherMoments(optimizer.firstMoment.pointer, optimizer.secondMoment.pointer)
        } catch {
            throw .system(error.description)
        }
        // Every rank holds the same parameters; one writes them.
        guard isLeader else {
            lastCheckpointStep = globalStep
            return
        }
        let path = try folder.save(parameters: engine.parameters, optimizer: optimizer, state: state, metadata: dataMetadata)
        lastCheckpoint = path
        lastCheckpointStep = globalStep
        observer.savedCheckpoint(CheckpointSaved(path: path, globalStep: globalStep))
    }

    /// A divergence error when a parameter is not finite: the loss of a step
    /// is computed before its update, so an update can leave NaN weights
    /// behind a finite loss. Nothing non-finite is ever saved.
    private func requireFiniteParameters(globalStep: Int) throws(RecurError) {
        let values = engine.parameters.storage.pointer
        for slot in engine.parameters.layout.slots {
            for index in slot.range where !values[index].isFinite {
                let kept = checkpoints.flatMap { try? $0.newest() }.map { "; the last good checkpoint is \($0)" } ?? ""
                throw .diverged(
                    "training diverged: parameter \(slot.name) holds \(values[index]) after step \(globalStep); "
                        + "nothing was saved\(kept)")
            }
        }
    }

    static func signalName(_ signal: Int32) -> String {
        switch signal {
        case 1: return "SIGHUP"
        case 2: return "SIGINT"
        case 15: return "SIGTERM"
        default: return "signal \(signal)"
        }
    }
}

/// Where the next step of a run starts: epoch (0-based) and batch within it.
struct TrainingPosition {
    var epoch: Int
    var batch: Int

    /// The position before batch `nextBatch` of `epoch`: past the last batch
    /// it is the start of the next epoch.
    init(epoch: Int, nextBatch: Int, batchesPerEpoch: Int) {
        (self.epoch, batch) = nextBatch >= batchesPerEpoch ? (epoch + 1, 0) : (epoch, nextBatch)
    }
}
