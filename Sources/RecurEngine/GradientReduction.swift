import RecurCore

/// What the shards of one step leave for the reduction: a gradient per
/// shard, the outputs they kept for the linear layer's weight gradient, and
/// the buffer where the batch's gradient goes.
public struct ShardGradients: @unchecked Sendable {
    public let shape: ModelShape
    public let layout: ParameterLayout
    public let backend: any ComputeBackend
    /// The gradient buffers (``ParameterLayout``) to sum, in shard order:
    /// one per shard, except that the first may be `batchGradient` itself,
    /// already holding the sum of the leading shards.
    public let shards: UnsafePointer<UnsafeMutablePointer<Float>>
    public let shardCount: Int
    /// The batch's samples, whose last-layer outputs and logit gradients are in `kept`.
    public let samples: Int
    public let kept: KeptOutputs
    /// The batch's gradient, written block by block.
    public let batchGradient: UnsafeMutablePointer<Float>
}

/// How a step forms the batch's gradient from its shards' gradients: the
/// seam between computing gradients and applying them.
///
/// Workers call ``reduce(_:of:plan:)`` after the shards' barrier, each for
/// its own blocks of ``UpdatePlan``, and apply the optimizer to a block as
/// soon as it returns (while the block is still in cache). The result must
/// depend only on the shards' gradients, never on which worker reduces
/// what, so training stays bit-identical at any thread count. Today's
/// implementation is ``ShardOrderedSum``. Across processes the engine
/// continues these same sums from the previous process's partial sums
/// instead (``DataParallelEngine/step(source:indices:exchange:)`` with a
/// ``StepExchange``), so the order of every addition stays the
/// single-process one.
public protocol GradientReduction: Sendable {
    /// Writes the batch's gradient of the parameters of `block` into
    /// `step.batchGradient`. Called concurrently for disjoint blocks.
    func reduce(_ block: UpdatePlan.Block, of step: ShardGradients, plan: UpdatePlan)
}

/// The in-process reduction: each block's shard gradients summed strictly
/// in shard order, and the linear layer's weight gradient as one product
/// over the batch's samples in order (``ComputeBackend/outputWeightGradient(shape:layout:kept:samples:columns:gradients:)``).
///
/// - Complexity: reads every shard's gradient of the block once: O(shards x block size).
public struct ShardOrderedSum: GradientReduction {
    public init() {}

    @inline(__always)
    public func reduce(_ block: UpdatePlan.Block, of step: ShardGradients, plan: UpdatePlan) {
        if let columns = block.outputColumns {
            step.backend.outputWeightGradient(
                shape: step.shape, layout: step.layout, kept: step.kept, samples: step.samples, columns: columns,
                gradients: step.batchGradient)
            return
        }
        for range in plan.ranges(of: block) {
            // In place when the first source is the batch's gradient (a
            // no-op when it is the only one).
            step.backend.sum(step.shards, count: step.shardCount, into: step.batchGradient, range: range)
        }
    }
}
