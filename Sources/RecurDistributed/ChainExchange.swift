import RecurCore
import RecurEngine

/// The gradient exchange between ranks, one per step: a chain in rank
/// order, then a broadcast.
///
/// Rank r computes the batch's shards `ProcessGroup.shards(of:rank:)`.
/// Rank 0 sums its shards' gradients (and the linear layer's weight
/// gradient over its samples) and sends the partial sums to rank 1, which
/// continues each sum with its own shards, left to right, and sends them
/// on; the last rank's sums are exactly the single-process step's, and it
/// broadcasts them (with the loss and the stop request) to every rank,
/// which applies the same Adam step. Floating-point addition is done in
/// the single-process order, so the result does not depend on the number
/// of ranks; only copies cross the network.
///
/// Traffic per step, for N parameters: every rank but the last sends
/// N + 2 floats and every rank but the first receives as many (the chain),
/// and the broadcast delivers N + 2 floats to every rank but the last
/// (Open MPI's tree decides who forwards them). The chain's P - 1 hops
/// run one after the other, whole messages, not pipelined in slices.
public final class ChainExchange: StepExchange {
    public let group: ProcessGroup
    public let outgoing: UnsafeMutablePointer<Float>
    private let incoming: UnsafeMutablePointer<Float>
    private let capacity: Int
    /// This rank's stop request (a signal number), read when it passes its
    /// sums on; the last step's agreed request is ``agreedStop``.
    public var localStop: () -> Int32? = { nil }
    /// The stop request every rank saw at the end of the last step: the
    /// largest signal number any rank had received (nil: none).
    public private(set) var agreedStop: Int32?
    /// Bytes this rank handed to MPI to send (chain, and the broadcast at
    /// its root), and the time spent in the exchange, since the last reset.
    public private(set) var bytesSent = 0
    public private(set) var nanoseconds: Int64 = 0
    public private(set) var steps = 0

    /// - Parameter floats: the parameter count (``ParameterLayout/count``).
    public init(group: ProcessGroup, floats: Int) {
        self.group = group
        capacity = floats + 2
        outgoing = .allocate(capacity: capacity)
        outgoing.initialize(repeating: 0, count: capacity)
        incoming = .allocate(capacity: capacity)
        incoming.initialize(repeating: 0, count: capacity)
    }

    deinit {
        outgoing.deallocate()
        incoming.deallocate()
    }

    public func resetCounters() {
        bytesSent = 0
        nanoseconds = 0
        steps = 0
    }

    public func localShards(of shardCount: Int) -> Range<Int> {
        group.shards(of: shardCount)
    }

    public func receivePartial(floats: Int, shardCount: Int) throws(ExchangeError) -> UnsafePointer<Float>? {
        precondition(floats + 2 == capacity, "the exchange was made for another parameter count")
        // Earlier ranks had shards exactly when this rank's start past 0.
        guard group.rank > 0, localShards(of: shardCount).lowerBound > 0 else {
            incoming[floats + 1] = 0
            return nil
        }
        let start = monotonicNanoseconds()
        defer { nanoseconds += monotonicNanoseconds() - start }
        do {
            let messages = group.messages
            var request = try messages.receive(
                incoming, bytes: capacity * MemoryLayout<Float>.stride, from: group.rank - 1, tag: ProcessGroup.gradientTag)
            try messages.wait(&request, timeout: group.timeout) { group.peerFailure(group.rank - 1, "its gradient") }
        } catch {
            throw ExchangeError(error.description)
        }
        return UnsafePointer(incoming)
    }

    public func complete(floats: Int, shardCount: Int) throws(ExchangeError) {
        let start = monotonicNanoseconds()
        defer {
            nanoseconds += monotonicNanoseconds() - start
            steps += 1
        }
        let rank = group.rank, last = group.size - 1
        let local = localShards(of: shardCount)
        let hasPartial = local.lowerBound > 0 || !local.isEmpty
        let bytes = capacity * MemoryLayout<Float>.stride
        let received = local.lowerBound > 0 && rank > 0 ? incoming[floats + 1] : 0
        outgoing[floats + 1] = max(received, Float(localStop() ?? 0))
        do {
            let messages = group.messages
            if rank < last && hasPartial {
                var request = try messages.send(outgoing, bytes: bytes, to: rank + 1, tag: ProcessGroup.gradientTag)
                bytesSent += bytes
                try messages.wait(&request, timeout: group.timeout) { group.peerFailure(rank + 1, "this rank's gradient") }
            }
            var request = try messages.broadcast(outgoing, bytes: bytes, root: last)
            if rank == last { bytesSent += bytes }
            try messages.wait(&request, timeout: group.timeout) {
                "rank \(rank): the batch's gradient from rank \(last) did not arrive within "
                    + "\(ProcessGroup.seconds(group.timeout)); a rank stopped, hung or lost its connection"
            }
        } catch {
            throw ExchangeError(error.description)
        }
        let stop = Int32(outgoing[floats + 1])
        agreedStop = stop > 0 ? stop : nil
    }
}
