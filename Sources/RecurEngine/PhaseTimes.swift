/// Time one worker spent in each phase of training steps, in nanoseconds,
/// summed over the steps since the last reset.
public struct PhaseTimes: Hashable, Sendable {
    public var forward: Int64 = 0
    public var backward: Int64 = 0
    /// Forming the batch's gradient for the worker's blocks: summing the
    /// shards' gradients, and the linear layer's weight gradient over the batch.
    public var allReduce: Int64 = 0
    public var optimizer: Int64 = 0
    /// Waiting at barriers for slower workers: the cost of load imbalance.
    public var barrierWait: Int64 = 0
    public var steps: Int = 0

    public init() {}

    public var total: Int64 { forward + backward + allReduce + optimizer + barrierWait }
}
