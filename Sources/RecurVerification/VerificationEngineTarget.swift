import RecurRuntime
import RecurCore
import RecurEngine
import RecurModel

/// The data-parallel engine as a ``VerificationTarget``: the reference batch
/// cut into shards and run on the workers of `setup`, gradients summed and
/// Adam applied by parameter blocks, as in training.
public final class VerificationEngineTarget: VerificationTarget {
    public typealias Failure = RecurError

    public let parameters: Parameters
    private let setup: ComputeSetup
    private let shardSize: Int
    private var engine: DataParallelEngine?

    public init(parameters: Parameters, setup: ComputeSetup, shardSize: Int) {
        self.parameters = parameters
        self.setup = setup
        self.shardSize = shardSize
    }

    public func lossAndGradients(inputs: [Float], labels: [Int32], lengths: [Int32]?) throws(RecurError) -> (
        loss: Float, gradients: FloatBuffer, logits: [Float]
    ) {
        let engine = try engine(optimizer: nil, batch: labels.count)
        let source = ArraySampleSource(
            inputs: inputs, labels: labels, lengths: lengths, sampleSize: parameters.shape.sampleInputCount)
        let indices = (0..<Int32(labels.count)).map { $0 }
        let loss = indices.withUnsafeBufferPointer { engine.lossAndGradients(source: source, indices: $0) }
        return (loss, FloatBuffer(copying: engine.gradient), engine.logits(count: labels.count))
    }

    public func trainingStep(
        inputs: [Float], labels: [Int32], lengths: [Int32]?, optimizer: AdamState
    ) throws(RecurError) -> Float {
        let engine = try engine(optimizer: optimizer, batch: labels.count)
        let source = ArraySampleSource(
            inputs: inputs, labels: labels, lengths: lengths, sampleSize: parameters.shape.sampleInputCount)
        let indices = (0..<Int32(labels.count)).map { $0 }
        return indices.withUnsafeBufferPointer { engine.step(source: source, indices: $0) }
    }

    /// The engine stepping `optimizer` (none for gradients alone), made on first use.
    private func engine(optimizer: AdamState?, batch: Int) throws(RecurError) -> DataParallelEngine {
        if let engine, engine.optimizer === optimizer, engine.maxBatch >= batch { return engine }
        do {
            let made = try DataParallelEngine(
                pool: setup.pool, parameters: parameters, optimizer: optimizer, backend: setup.backend,
                shardSize: shardSize, maxBatch: batch)
            engine = made
            return made
        } catch {
            throw .system("cannot allocate worker memory: \(error)")
        }
    }
}
