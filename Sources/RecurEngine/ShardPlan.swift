/// How a batch is cut into gradient shards and the shards dealt to workers.
///
/// Shards are the unit of work *and* of summation: shard `k` always holds
/// samples `k·shardSize ..< (k+1)·shardSize` of the batch, its gradient is
/// computed alone, and shard gradients are summed in shard order. None of
/// that depends on the number of workers, which is why training gives the
/// same bits on 1 thread or 16. Workers get contiguous runs of shards, as
/// even as the counts allow.
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

    /// The shards worker `worker` of `workers` computes (empty when there are
    /// more workers than shards).
    public func shards(ofWorker worker: Int, workers: Int) -> Range<Int> {
        (shardCount * worker / workers)..<(shardCount * (worker + 1) / workers)
    }

    /// The part of `0..<count` that worker `worker` of `workers` reduces and
    /// updates: contiguous, cut on 64-byte boundaries so no two workers write
    /// the same cache line.
    public static func slice(of count: Int, worker: Int, workers: Int) -> Range<Int> {
        let vectors = (count + 15) / 16
        let lower = min(vectors * worker / workers * 16, count)
        let upper = min(vectors * (worker + 1) / workers * 16, count)
        return lower..<upper
    }
}
