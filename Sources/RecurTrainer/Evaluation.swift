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
}

extension EvaluationResult {
    /// Loads the checkpoint at `path` (any hidden size and layer count) and
    /// evaluates it on the MNIST test set found from `dataDirectory`.
    public init(
        checkpoint path: String, dataDirectory: String?, environment: [String: String],
        threads: ThreadCount, pin: PinMode, backend: String?
    ) throws(RecurError) {
        let loaded: LoadedCheckpoint
        do {
            loaded = try Checkpoint.load(path: path)
        } catch {
            throw .input(error.description)
        }
        let test: Dataset
        do {
            let directory = try MNIST.resolveDirectory(explicit: dataDirectory, environment: environment)
            test = try MNIST.load(.test, directory: directory)
        } catch let error as MNISTLocationError {
            throw .input(error.description)
        } catch {
            throw .input("\(error)")
        }
        if test.sampleSize != loaded.shape.sampleInputCount {
            throw .input("\(path): the model reads \(loaded.shape.sampleInputCount) values per sample, MNIST images have \(test.sampleSize)")
        }
        if loaded.shape.classes != ModelShape.mnist.classes {
            throw .input("\(path): the model has \(loaded.shape.classes) classes, MNIST has \(ModelShape.mnist.classes)")
        }
        let setup = try ComputeSetup(threads: threads, pin: pin, backend: backend)
        let engine: DataParallelEngine
        do {
            engine = try DataParallelEngine(
                pool: setup.pool, parameters: loaded.parameters, backend: setup.backend, shardSize: 16, maxBatch: 256 * setup.pool.count)
        } catch {
            throw .system("cannot allocate worker memory: \(error)")
        }
        let start = monotonicSeconds()
        let result = engine.evaluate(source: test, count: test.count)
        self.init(
            checkpoint: path, model: loaded.shape.description, samples: test.count, correct: result.correct,
            testAccuracy: Double(result.correct) / Double(test.count), testLoss: result.meanLoss,
            seconds: monotonicSeconds() - start, threads: setup.pool.count)
    }
}
