/// How a batch is cut into gradient shards and the shards dealt to workers.
///
/// Shards are the unit of work *and* of summation: shard `k` always holds
/// samples `k·shardSize ..< (k+1)·shardSize` of the batch, its gradient is
/// computed alone, and shard gradients are summed in shard order. None of
/// that depends on the number of workers or on which worker runs a shard,
/// which is why training gives the same bits on 1 thread or 16.
public struct ShardPlan: Hashable, Sendable {
    public let batch: Int
    public let shardSize: Int

    public init(batch: Int, shardSize: Int) {
        self.batch = batch
        self.shardSize = shardSize
    }

    public var shardCount: Int { (batch + shardSize - 1) / shardSize }

    /// The batch positions of shard `shard`; the last shard may be short.
    public func samples(of shard: Int) -> Range<Int> {
        (shard * shardSize)..<min((shard + 1) * shardSize, batch)
    }

    /// An even split of the shards into contiguous runs, one per worker (empty
    /// when there are more workers than shards): who first touches which
    /// shard's memory.
    public func shards(ofWorker worker: Int, workers: Int) -> Range<Int> {
        (shardCount * worker / workers)..<(shardCount * (worker + 1) / workers)
    }
}
