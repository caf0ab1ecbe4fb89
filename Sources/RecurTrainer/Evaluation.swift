import RecurCheckpoint
import RecurRuntime
import RecurCore
import RecurData
import RecurEngine
import RecurModel

/// The test-set accuracy of a saved model: what `recur eval` prints.
public struct EvaluationResult: Codable, Sendable {
    public var event = "evaluation"
    public var checkpoint: String
    public var model: String
    public var samples: Int
    public var correct: Int
    public var testAccuracy: Double
    public var testLoss: Double
    public var seconds: Double
    public var threads: Int
    /// Where the test samples came from.
    public var data: String?
    /// Rows the labels, columns the predictions (`--confusion`).
    public var confusion: ConfusionMatrix?
}

extension EvaluationResult {
    /// Loads the checkpoint at `path` (any shape) and evaluates it on the
    /// test samples `data` names: `--data` (any format), `--dataset`, or
    /// MNIST's test set from `$MNIST_DIR` or `./data/mnist`.
    public init(
        checkpoint path: String, data: DataRequest, threads: ThreadCount, pin: PinMode, backend: String?,
        confusion: Bool = false
    ) throws(RecurError) {
        let run = try ModelRun(checkpoint: path, data: data, threads: threads, pin: pin, backend: backend)
        try self.init(run, confusion: confusion)
    }

    /// Evaluates `run`'s model on its samples.
    public init(_ run: ModelRun, confusion: Bool = false) throws(RecurError) {
        let test = run.input.data
        let start = monotonicSeconds()
        let result = run.engine.evaluate(source: test, count: test.count)
        let seconds = monotonicSeconds() - start
        self.init(
            checkpoint: run.checkpoint.path, model: run.input.parameters.shape.description, samples: test.count,
            correct: result.correct, testAccuracy: Double(result.correct) / Double(max(test.count, 1)),
            testLoss: result.meanLoss, seconds: seconds, threads: run.setup.pool.count)
        data = run.origin
        if confusion { self.confusion = Predictions(run).confusion }
    }
}
