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

    /// Samples a worker's pass over consecutive shards takes at most when the
    /// recurrent weights fit the L2 cache well: one shard of the default
    /// size. Wider passes read each weight once for more rows (a recurrent
    /// step with 4 rows streams its 256 KB weight from L2 for 4 FMAs per
    /// element), but on a Zen 4 core, whose L2 keeps up with 4 rows, passes
    /// of 16 measured 1-4% slower for the tanh RNN at batch 64 (a working set
    /// past its 1 MiB L2, and coarser work-stealing).
    public static let defaultSamplesPerPass = 4

    /// The pass size for weights that do not fit: 16 rows per streamed
    /// weight element, so a step whose weight comes from L3 (about half L2's
    /// bandwidth) still reads a quarter of what 4 rows would.
    public static let wideSamplesPerPass = 16

    /// The default pass size for `shape` on cores with `l2CacheBytes` of L2
    /// (1 MiB when unknown): ``defaultSamplesPerPass`` while one layer's
    /// recurrent weight (`gates x hidden x hidden` floats) takes at most half
    /// the L2, ``wideSamplesPerPass`` past that: the LSTM's 1 MiB and the
    /// GRU's 768 KiB at hidden 256 on a 1 MiB L2. Only speed depends on it;
    /// `recur tune --pass-samples` measures the alternatives.
    public static func defaultSamplesPerPass(for shape: ModelShape, l2CacheBytes: UInt64?) -> Int {
        let weightBytes = UInt64(shape.gateRows) * UInt64(shape.hidden) * UInt64(MemoryLayout<Float>.size)
        return weightBytes * 2 <= (l2CacheBytes ?? 1 << 20) ? defaultSamplesPerPass : wideSamplesPerPass
    }

    /// The most shards one pass takes: as many as fit in `samplesPerPass`,
    /// at least one.
    public func maxShardsPerPass(samplesPerPass: Int) -> Int {
        max(1, samplesPerPass / shardSize)
    }

    /// Shards per pass for `workers` workers taking passes from a shared
    /// counter: the largest count up to ``maxShardsPerPass(samplesPerPass:)``
    /// that, dealt evenly, gives no worker more shards than an even deal of
    /// single shards would (16 shards on 3 workers: passes of 3, not 4, so
    /// no worker runs 8). Only speed depends on it, never the bits.
    public func shardsPerPass(workers: Int, samplesPerPass: Int = defaultSamplesPerPass) -> Int {
        let fairShare = (shardCount + workers - 1) / max(1, workers)
        var size = min(maxShardsPerPass(samplesPerPass: samplesPerPass), max(1, fairShare))
        while size > 1 {
            let passes = (shardCount + size - 1) / size
            if (passes + workers - 1) / workers * size <= fairShare { break }
            size -= 1
        }
        return size
    }

    /// An even split of the shards into contiguous runs, one per worker (empty
    /// when there are more workers than shards): who first touches which
    /// shard's memory.
    public func shards(ofWorker worker: Int, workers: Int) -> Range<Int> {
        (shardCount * worker / workers)..<(shardCount * (worker + 1) / workers)
    }
}
