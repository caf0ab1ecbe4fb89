/// A process's part in a training step that several processes share (the
/// ranks of an MPI run), as ``DataParallelEngine/step(source:indices:exchange:)``
/// drives it:
///
/// 1. ``begin(shardCount:)``: the step starts; an exchange posts every
///    receive of the step here, so data can land while the shards run.
/// 2. For each slice of ``partition``, in order, when this process takes part
///    in the chain (it has shards, or processes before it had):
///    ``receive(slice:)`` waits until the previous process's partial sums of
///    the slice are in ``partials`` (returns at once for the chain's first
///    process); the engine continues them with its own shards, in place;
///    ``send(slice:)`` passes the slice on without waiting for it to arrive.
///    The chain's last process then holds the batch's totals and sends each
///    owner its part of them.
/// 3. ``ownedTotals()`` waits for the totals of this process's part; the
///    engine applies Adam to that part only.
/// 4. ``shareParameters(_:)`` sends the updated part to every process and
///    receives theirs, and returns the batch's loss sum.
///
/// Every sum is continued in shard order, so the parameters are those of a
/// single-process step whatever the number of processes.
///
/// Called only from the thread that calls the engine's step, never from
/// its workers.
public protocol StepExchange: AnyObject {
    /// The slices and parts, the same on every process.
    var partition: GradientPartition { get }

    /// The shards of a batch of `shardCount` this process computes: the
    /// processes' ranges, in process order, are consecutive and cover
    /// `0..<shardCount` (a range may be empty).
    func localShards(of shardCount: Int) -> Range<Int>

    /// The part of the parameters this process updates: one of `partition.parts`.
    var ownedPart: Range<Int> { get }

    /// The chain's buffer, ``GradientPartition/messageFloats`` floats (the
    /// gradient, then the loss sum): the previous process's partial sums
    /// arrive here and the engine continues them in place.
    var partials: UnsafeMutablePointer<Float> { get }

    func begin(shardCount: Int) throws(ExchangeError)

    func receive(slice: Int) throws(ExchangeError)

    func send(slice: Int) throws(ExchangeError)

    /// The batch's gradient for ``ownedPart``, at the flat buffer's indices.
    func ownedTotals() throws(ExchangeError) -> UnsafePointer<Float>

    /// Shares this process's part of `parameters` (updated) and fills in
    /// the others' parts; returns the batch's loss sum.
    func shareParameters(_ parameters: UnsafeMutablePointer<Float>) throws(ExchangeError) -> Float
}

/// An exchange between processes that failed: a peer that stopped
/// answering, or an MPI call that failed. `message` is one line.
public struct ExchangeError: Error, CustomStringConvertible, Sendable {
    public var message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }
}
