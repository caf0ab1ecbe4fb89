import RecurEngine
import RecurSystem

/// The processes of one training run (MPI's world): this process's rank,
/// how many there are, and the few collective steps training needs beyond
/// the gradient exchange (``ChainExchange``).
///
/// Work is split between ranks in rank order, contiguously: a batch's
/// shards (``shards(of:rank:)``) and the test set's batches, so the sums
/// that run across ranks keep the single-process order.
public final class ProcessGroup: @unchecked Sendable {
    public let messages: MessagePassing
    public var rank: Int { messages.rank }
    public var size: Int { messages.size }
    /// Seconds a rank waits for another before it gives up on it.
    public let timeout: Double
    /// The target length of the exchange's slices, in floats (``GradientPartition``).
    public let sliceFloats: Int
    /// Whether this rank prints and writes files (rank 0).
    public var isLeader: Bool { rank == 0 }

    public init(messages: MessagePassing, timeout: Double, sliceFloats: Int = GradientPartition.defaultSliceFloats) {
        self.messages = messages
        self.timeout = timeout
        self.sliceFloats = sliceFloats
    }

    /// Whether this process was started by mpirun (Open MPI's or PMIx's
    /// variables are set), so that `recur` joins the job without being told.
    public static func launchedByMPI(environment: [String: String]) -> Bool {
        environment["OMPI_COMM_WORLD_SIZE"] != nil || environment["PMIX_RANK"] != nil
    }

    /// This rank among `size`, as `mpirun` reports it in the environment
    /// before MPI is loaded (nil when not under mpirun).
    public static func launchedRank(environment: [String: String]) -> Int? {
        (environment["OMPI_COMM_WORLD_RANK"] ?? environment["PMIX_RANK"]).flatMap { Int($0) }
    }

    /// The shards of a batch of `shardCount` that `rank` computes: the
    /// `rank`-th of `size` consecutive, near-equal runs (equal when `size`
    /// divides `shardCount`).
    public static func shards(of shardCount: Int, rank: Int, size: Int) -> Range<Int> {
        (shardCount * rank / size)..<(shardCount * (rank + 1) / size)
    }

    public func shards(of shardCount: Int) -> Range<Int> {
        Self.shards(of: shardCount, rank: rank, size: size)
    }

    /// The samples of `0..<count`, evaluated in batches of `batch`, that
    /// this rank evaluates: a run of whole batches, so every rank's batches
    /// are the single-process evaluation's.
    public func evaluationSamples(count: Int, batch: Int) -> Range<Int> {
        let batches = (count + batch - 1) / batch
        let range = Self.shards(of: batches, rank: rank, size: size)
        return min(count, range.lowerBound * batch)..<min(count, range.upperBound * batch)
    }

    /// Every rank's `values` (the same count on every rank), in rank order.
    public func allGather(_ values: [UInt64], what: String) throws(DistributedError) -> [[UInt64]] {
        let bytes = values.count * MemoryLayout<UInt64>.stride
        let send = UnsafeMutablePointer<UInt64>.allocate(capacity: max(values.count, 1))
        let receive = UnsafeMutablePointer<UInt64>.allocate(capacity: max(values.count * size, 1))
        defer {
            send.deallocate()
            receive.deallocate()
        }
        send.initialize(from: values, count: values.count)
        var request = try messages.allGather(send, bytes: bytes, into: receive)
        try messages.wait(&request, timeout: timeout * 4) {
            "rank \(rank): not every rank reached \(what) within \(Self.seconds(timeout * 4)); "
                + "one stopped, hung or cannot reach the others"
        }
        let gathered = Array(UnsafeBufferPointer(start: receive, count: values.count * size))
        return (0..<size).map { Array(gathered[($0 * values.count)..<(($0 + 1) * values.count)]) }
    }

    /// Returns when every rank has called it: ranks end a run together, so
    /// none exits (which makes mpirun end the job) while rank 0 still writes.
    public func synchronize(what: String) throws(DistributedError) {
        _ = try allGather([0], what: what)
    }

    /// Every rank's `text`, in rank order (for reports that rank 0 prints).
    public func allGather(text: String, what: String) throws(DistributedError) -> [String] {
        let bytes = Array(text.utf8)
        let longest = try allGather([UInt64(bytes.count)], what: what).map { Int($0[0]) }.max() ?? 0
        var words = [UInt64](repeating: 0, count: (longest + 7) / 8 + 1)
        words[0] = UInt64(bytes.count)
        for (index, byte) in bytes.enumerated() { words[1 + index / 8] |= UInt64(byte) << (8 * UInt64(index % 8)) }
        return try allGather(words, what: what).map { words in
            let count = Int(words[0])
            let utf8 = (0..<count).map { UInt8(truncatingIfNeeded: words[1 + $0 / 8] >> (8 * UInt64($0 % 8))) }
            return String(decoding: utf8, as: UTF8.self)
        }
    }

    /// Refuses a run whose ranks disagree: compares every rank's
    /// fingerprint with rank 0's and names the first entry that differs.
    public func requireSame(_ fingerprint: RunFingerprint) throws(DistributedError) {
        let all = try allGather(fingerprint.values, what: "the start-up check")
        for (other, values) in all.enumerated() where values != all[0] {
            let index = zip(values, all[0]).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? 0
            throw .mismatch(
                "rank \(other) has different \(fingerprint.names[index]) from rank 0; every rank must run "
                    + "the same recur build with the same options and data")
        }
    }

    /// Sends `value` (8 bytes) to `rank + 1` after receiving the previous
    /// rank's: the chain that adds the test losses in the single-process order.
    public func chain(_ fold: (Double) -> Double) throws(DistributedError) -> Double {
        var value = 0.0
        if rank > 0 {
            var request = try messages.receive(&value, bytes: 8, from: rank - 1, tag: Self.evaluationTag)
            try messages.wait(&request, timeout: timeout) { peerFailure(rank - 1, "its test losses") }
        }
        var result = fold(value)
        if rank < size - 1 {
            var request = try messages.send(&result, bytes: 8, to: rank + 1, tag: Self.evaluationTag)
            try messages.wait(&request, timeout: timeout) { peerFailure(rank + 1, "the test losses") }
        }
        return result
    }

    /// The message for a peer that did not answer in time.
    func peerFailure(_ peer: Int, _ what: String) -> String {
        "rank \(rank): rank \(peer) exchanged nothing for \(Self.seconds(timeout)) (waiting for \(what)); "
            + "it stopped, hung or lost its connection"
    }

    static func seconds(_ value: Double) -> String {
        value == value.rounded() ? "\(Int(value)) s" : "\(value) s"
    }

    static let gradientTag: Int32 = 14
    static let evaluationTag: Int32 = 15
    static let totalsTag: Int32 = 16
    static let partsTag: Int32 = 17
    static let endOfStepTag: Int32 = 18
}
