import RecurCore

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
    /// The most samples a worker runs through forward and BPTT at once, in
    /// whole shards (`--pass-samples`).
    public var samplesPerPass: Int

    public init(
        threads: Int, batchSize: Int, pin: Bool, shardSize: Int,
        samplesPerPass: Int = ShardPlan.defaultSamplesPerPass
    ) {
        self.threads = threads
        self.batchSize = batchSize
        self.pin = pin
        self.shardSize = shardSize
        self.samplesPerPass = samplesPerPass
    }

    /// E.g. "4 threads, batch 64, pinned, shard 4, passes of 16".
    public var description: String {
        "\(threads) thread\(threads == 1 ? "" : "s"), batch \(batchSize), \(pin ? "pinned" : "unpinned"), "
            + "shard \(shardSize), passes of \(samplesPerPass)"
    }

    /// The order reports list configurations in: by batch size, then threads,
    /// then unpinned before pinned, then shard size, then pass size.
    static func areInReportOrder(_ a: BenchConfiguration, _ b: BenchConfiguration) -> Bool {
        (a.batchSize, a.threads, a.pin ? 1 : 0, a.shardSize, a.samplesPerPass)
            < (b.batchSize, b.threads, b.pin ? 1 : 0, b.shardSize, b.samplesPerPass)
    }

    private enum CodingKeys: String, CodingKey {
        case threads, batchSize, pin, shardSize, samplesPerPass
    }

    /// Reports written before passes existed have no `samplesPerPass`:
    /// their workers ran one shard per pass.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        threads = try container.decode(Int.self, forKey: .threads)
        batchSize = try container.decode(Int.self, forKey: .batchSize)
        pin = try container.decode(Bool.self, forKey: .pin)
        shardSize = try container.decode(Int.self, forKey: .shardSize)
        samplesPerPass = try container.decodeIfPresent(Int.self, forKey: .samplesPerPass) ?? shardSize
    }
}
