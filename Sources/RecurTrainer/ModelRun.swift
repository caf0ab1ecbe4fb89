import RecurCheckpoint
import RecurCore
import RecurData
import RecurEngine
import RecurModel
import RecurRuntime

/// A saved model and the data it is run on, with an engine to run it:
/// what `recur eval` and `recur predict` share.
public struct ModelRun {
    public let checkpoint: LoadedCheckpoint
    public let input: ModelInput
    /// Whether the samples came with labels.
    public let hasLabels: Bool
    /// Where the samples came from.
    public let origin: String
    public let setup: ComputeSetup
    public let engine: DataParallelEngine

    /// Loads the model at `path` and the samples `data` names (any format,
    /// or MNIST's test split when nil), checked against the model.
    public init(
        checkpoint path: String, data request: DataRequest, input file: String? = nil, labelsRequired: Bool = true,
        threads: ThreadCount, pin: PinMode, backend: String?
    ) throws(RecurError) {
        do {
            checkpoint = try Checkpoint.load(path: path)
        } catch {
            throw .input(error.description)
        }
        let loaded: EvaluationData
        do throws(DataSourceError) {
            if let file {
                loaded = try DataSource.evaluationData(file, labelsRequired: labelsRequired)
            } else {
                loaded = try DataSource.evaluationData(request)
            }
        } catch {
            if case .usage(let message) = error { throw .usage(message) }
            throw .input(error.description)
        }
        input = try ModelInput(loaded.data, source: loaded.origin, checkpoint: checkpoint)
        hasLabels = loaded.hasLabels
        origin = loaded.origin
        setup = try ComputeSetup(threads: threads, pin: pin, backend: backend)
        do {
            engine = try DataParallelEngine(
                pool: setup.pool, parameters: input.parameters, backend: setup.backend, shardSize: 16,
                maxBatch: Self.batch(workers: setup.pool.count))
        } catch {
            throw .system("cannot allocate worker memory: \(error)")
        }
    }

    /// Samples per evaluation batch.
    static func batch(workers: Int) -> Int { 256 * workers }

    /// The model's class names, or the class numbers.
    public var classNames: [String] {
        input.classNames ?? (0..<input.parameters.shape.classes).map { "\($0)" }
    }

    /// The logits of every sample, sample-major (`count * classes`).
    /// - Complexity: O(samples), in batches of ``batch(workers:)``.
    public func logits() -> [Float] {
        let data = input.data
        let batch = engine.maxBatch
        var logits: [Float] = []
        logits.reserveCapacity(data.count * input.parameters.shape.classes)
        var first = 0
        while first < data.count {
            let count = min(batch, data.count - first)
            _ = engine.evaluate(source: data, samples: first..<first + count)
            logits += engine.logits(count: count)
            first += count
        }
        return logits
    }
}
