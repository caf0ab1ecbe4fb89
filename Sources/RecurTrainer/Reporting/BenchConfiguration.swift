/// One point of a benchmark sweep: how many workers train on how large a batch.
public struct BenchConfiguration: Hashable, Sendable, Codable, CustomStringConvertible {
    /// Worker threads.
    public var threads: Int
    /// Samples per training step, split across the workers.
    public var batchSize: Int
    /// Whether workers were pinned to processing units.
    public var pin: Bool
    /// Samples per shard, the unit of work a worker takes at a time.
    public var shardSize: Int

    public init(threads: Int, batchSize: Int, pin: Bool, shardSize: Int) {
        self.threads = threads
        self.batchSize = batchSize
        self.pin = pin
        self.shardSize = shardSize
    }

    /// E.g. "4 threads, batch 64, pinned, shard 16".
    public var description: String {
        "\(threads) thread\(threads == 1 ? "" : "s"), batch \(batchSize), \(pin ? "pinned" : "unpinned"), shard \(shardSize)"
    }

    /// The order reports list configurations in: by batch size, then threads,
    /// then unpinned before pinned, then shard size.
    static func areInReportOrder(_ a: BenchConfiguration, _ b: BenchConfiguration) -> Bool {
        (a.batchSize, a.threads, a.pin ? 1 : 0, a.shardSize) < (b.batchSize, b.threads, b.pin ? 1 : 0, b.shardSize)
    }
}
