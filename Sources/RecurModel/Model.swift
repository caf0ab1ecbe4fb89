import RecurCore
import RecurKernels

/// The model on one thread: parameters, their packed (transposed) copy, and
/// the scratch space for one shard. The reference the parallel engine is
/// tested against, and what `recur verify` runs.
public final class Model: @unchecked Sendable {
    public let parameters: Parameters
    public let backend: any ComputeBackend
    public let packedLayout: PackedLayout
    private let packed: FloatBuffer
    private var workspace: FloatBuffer
    private var workspaceSamples = 0

    public init(parameters: Parameters, backend: any ComputeBackend = Backends.best) {
        self.parameters = parameters
        self.backend = backend
        packedLayout = PackedLayout(parameters.shape)
        packed = FloatBuffer(count: packedLayout.count)
        workspace = FloatBuffer(count: 0)
        refreshPackedWeights()
    }

    public var shape: ModelShape { parameters.shape }
    public var layout: ParameterLayout { parameters.layout }

    /// Rebuilds the transposed weights; call after changing the parameters.
    public func refreshPackedWeights() {
        for layer in 0..<shape.layers {
            backend.packWeights(
                layout: layout, packedLayout: packedLayout, parameters: parameters.pointer, packed: packed.pointer,
                layer: layer, units: 0..<shape.hidden)
        }
    }

    /// Forward pass over `samples` samples (and backward when `gradients` is
    /// given), as one shard. `inputs` must hold `samples * sampleInputCount`
    /// floats plus ``ParameterLayout/alignment`` readable floats after them;
    /// `lengths`, when not nil, each sample's length (``ShardPass/lengths``).
    /// Returns the summed cross-entropy loss.
    @discardableResult
    public func run(
        inputs: UnsafePointer<Float>, labels: UnsafePointer<Int32>, lengths: UnsafePointer<Int32>? = nil, samples: Int,
        gradientScale: Float, gradients: UnsafeMutablePointer<Float>?, logits: UnsafeMutablePointer<Float>?
    ) -> Float {
        if samples > workspaceSamples {
            workspace = FloatBuffer(count: ShardPass.workspaceCount(shape: shape, samples: samples))
            workspaceSamples = samples
        }
        func run(gradientBuffers: UnsafePointer<UnsafeMutablePointer<Float>>?) -> Float {
            let pass = ShardPass(
                shape: shape, layout: layout, packedLayout: packedLayout,
                parameters: parameters.pointer, packed: packed.pointer,
                inputs: inputs, labels: labels, lengths: lengths, samples: samples, gradientScale: gradientScale,
                workspace: workspace.pointer, gradients: gradientBuffers, logits: logits)
            let loss = backend.forward(pass)
            backend.backward(pass)
            return loss
        }
        guard let gradients else { return run(gradientBuffers: nil) }
        return withUnsafePointer(to: gradients) { run(gradientBuffers: $0) }
    }

    /// Mean loss and its gradient for a whole batch, and the logits.
    /// - Parameters:
    ///   - inputs: `batch * sampleInputCount` floats.
    ///   - lengths: each sample's length, or nil for full-length samples.
    public func lossAndGradients(
        inputs: [Float], labels: [Int32], lengths: [Int32]? = nil
    ) -> (loss: Float, gradients: FloatBuffer, logits: [Float]) {
        let batch = labels.count
        let gradients = FloatBuffer(count: layout.count)
        var logits = [Float](repeating: 0, count: batch * shape.classes)
        let padded = inputs + [Float](repeating: 0, count: ParameterLayout.alignment)
        let sum = padded.withUnsafeBufferPointer { x in
            labels.withUnsafeBufferPointer { y in
                logits.withUnsafeMutableBufferPointer { z in
                    withOptionalPointer(lengths) { lengths in
                        run(inputs: x.baseAddress!, labels: y.baseAddress!, lengths: lengths, samples: batch,
                            gradientScale: 1 / Float(batch), gradients: gradients.pointer, logits: z.baseAddress!)
                    }
                }
            }
        }
        return (sum / Float(batch), gradients, logits)
    }

    /// One Adam update of every parameter from `gradients`, then the packed
    /// weights are refreshed.
    public func apply(_ gradients: FloatBuffer, optimizer: AdamState) {
        backend.adam(
            optimizer.nextStep, parameters: parameters.pointer, gradients: gradients.pointer,
            firstMoment: optimizer.firstMoment.pointer, secondMoment: optimizer.secondMoment.pointer,
            range: 0..<layout.count)
        optimizer.steps += 1
        refreshPackedWeights()
    }
}

/// `body` on the elements of `array`, or on nil.
private func withOptionalPointer<R>(_ array: [Int32]?, _ body: (UnsafePointer<Int32>?) -> R) -> R {
    guard let array else { return body(nil) }
    return array.withUnsafeBufferPointer { body($0.baseAddress) }
}
