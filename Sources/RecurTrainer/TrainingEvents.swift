import RecurEngine
/// What a training run tells its observer. Every event is `Codable` with
/// snake_case keys, so `--json` prints them as they are, one object a line.

/// The run is about to take its first step.
public struct TrainingStart: Codable, Sendable {
    public var event = "start"
    public var model: String
    public var parameters: Int
    public var trainSamples: Int
    public var testSamples: Int
    public var epochs: Int
    public var batchSize: Int
    public var stepsPerEpoch: Int
    public var threads: Int
    public var pin: String
    public var backend: String
    public var shardSize: Int
    /// Samples each worker runs through forward and BPTT at once.
    public var samplesPerPass: Int
    public var seed: UInt64
    /// Optimizer steps already taken (a resumed run starts past 0).
    public var startStep: Int
    /// Under mpirun: the number of ranks (`threads` is per rank); nil for one process.
    public var processes: Int? = nil
}

/// Progress within an epoch.
public struct StepProgress: Codable, Sendable {
    public var event = "step"
    public var epoch: Int
    /// 1-based step within the epoch.
    public var step: Int
    public var stepsInEpoch: Int
    /// Optimizer steps since training began.
    public var globalStep: Int
    /// Mean loss of the epoch's steps so far.
    public var loss: Double
    /// Training samples per second in this epoch so far.
    public var samplesPerSecond: Double
}

/// One finished epoch (or the part of one that `--steps` allowed).
public struct EpochReport: Codable, Sendable {
    public var event = "epoch"
    public var epoch: Int
    public var steps: Int
    public var samples: Int
    /// Mean training loss over the epoch's samples.
    public var trainLoss: Double
    public var testLoss: Double
    public var testAccuracy: Double
    /// Loss and accuracy on the `--validation-split` samples (absent without one).
    public var validationLoss: Double?
    public var validationAccuracy: Double?
    /// Seconds spent in training steps (evaluation excluded).
    public var seconds: Double
    public var samplesPerSecond: Double
    public var evaluationSeconds: Double
}

/// A checkpoint was written.
public struct CheckpointSaved: Codable, Sendable {
    public var event = "checkpoint"
    public var path: String
    public var globalStep: Int
}

/// The whole run.
public struct TrainingSummary: Codable, Sendable {
    public var event = "summary"
    public var epochs: [EpochReport]
    public var steps: Int
    /// Mean training loss over every sample trained in this run (nil when
    /// no step was taken).
    public var trainLoss: Double?
    public var testLoss: Double
    public var testAccuracy: Double
    /// Wall-clock seconds of the run after loading data: steps and evaluations.
    public var seconds: Double
    /// Seconds spent in training steps only.
    public var trainSeconds: Double
    /// Training samples per second of step time.
    public var samplesPerSecond: Double
    public var threads: Int
    public var batchSize: Int
    public var backend: String
    /// Where the final model was written, if anywhere.
    public var savedModel: String?
    /// Seconds per step in each phase, mean over workers.
    public var phases: PhaseBreakdown?
    /// Seconds per step in each phase, slowest worker.
    public var phasesMax: PhaseBreakdown?
    /// Set when a signal stopped the run early.
    public var interruptedBy: String?
    /// The last checkpoint this run wrote, if any: `recur train --resume` its folder.
    public var lastCheckpoint: String?
    /// For a run across processes: their count and what the exchange between them cost.
    public var exchange: ExchangeSummary? = nil
}

/// Receives a run's events as they happen (on the training thread).
public protocol TrainingObserver: AnyObject {
    func started(_ start: TrainingStart)
    func stepped(_ progress: StepProgress)
    func finishedEpoch(_ report: EpochReport)
    func savedCheckpoint(_ saved: CheckpointSaved)
    func finished(_ summary: TrainingSummary)
}
