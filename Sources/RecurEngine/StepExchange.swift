/// A process's part in a training step that several processes share (the
/// ranks of an MPI run): which of the batch's shards this process computes,
/// and the partial sums it receives from the process before it and passes
/// on, so the batch's gradient is summed in shard order whatever the
/// number of processes (see ``DataParallelEngine/step(source:indices:exchange:)``).
///
/// Called only from the thread that calls the engine's step, never from
/// its workers.
public protocol StepExchange: AnyObject {
    /// The shards of a batch of `shardCount` this process computes: the
    /// processes' ranges, in process order, are consecutive and cover
    /// `0..<shardCount` (a range may be empty).
    func localShards(of shardCount: Int) -> Range<Int>

    /// Where the engine writes this process's partial sums: `floats`
    /// gradient values (``ParameterLayout``), then the loss sum; on return
    /// of ``complete(floats:shardCount:)`` it holds the batch's totals.
    var outgoing: UnsafeMutablePointer<Float> { get }

    /// Waits for the partial sums of the shards before this process's,
    /// laid out as ``outgoing``; nil when no earlier process had shards.
    func receivePartial(floats: Int, shardCount: Int) throws(ExchangeError) -> UnsafePointer<Float>?

    /// Passes ``outgoing`` on and waits until it holds the batch's totals.
    func complete(floats: Int, shardCount: Int) throws(ExchangeError)
}

/// An exchange between processes that failed: a peer that stopped
/// answering, or an MPI call that failed. `message` is one line.
public struct ExchangeError: Error, CustomStringConvertible, Sendable {
    public var message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }
}
