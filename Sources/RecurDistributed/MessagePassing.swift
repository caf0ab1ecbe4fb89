import CMPI
import RecurCore
import RecurSystem

/// The MPI library, loaded at run time (`dlopen` of Open MPI's
/// libmpi.so.40, through the `CMPI` shim), so the `recur` binary links and
/// runs where MPI is not installed and loads it only for a run that asks.
///
/// MPI is initialised with `MPI_THREAD_FUNNELED`: only the thread that
/// loaded it (the coordinator, never a worker) calls it. Every wait polls
/// its request against a deadline, so a peer that died or hung ends the
/// run with an error naming it instead of blocking forever.
public final class MessagePassing: @unchecked Sendable {
    public let rank: Int
    public let size: Int
    /// `MPI_Get_library_version`'s first line, for reports.
    public let libraryVersion: String

    /// Loads and initialises MPI. `library` overrides the file to load
    /// (`RECUR_MPI_LIBRARY`; default libmpi.so.40 on the loader's path).
    public static func start(library: String?) throws(DistributedError) -> MessagePassing {
        var error = [CChar](repeating: 0, count: 512)
        let loaded: Int32 = if let library {
            library.withCString { recur_mpi_load($0, &error, Int32(error.count)) }
        } else {
            recur_mpi_load(nil, &error, Int32(error.count))
        }
        guard loaded == 0 else {
            let reason = String(decoding: error.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw .unavailable(
                "cannot load the MPI library (\(reason)); install Open MPI (Debian/Ubuntu: apt-get install openmpi-bin "
                    + "libopenmpi-dev) or set RECUR_MPI_LIBRARY to its libmpi.so.40; on one machine, run without mpirun and without --distributed mpi")
        }
        var provided: Int32 = 0
        try check(recur_mpi_init(&provided), "MPI_Init_thread")
        var rank: Int32 = 0, size: Int32 = 0
        try check(recur_mpi_rank(&rank), "MPI_Comm_rank")
        try check(recur_mpi_size(&size), "MPI_Comm_size")
        var version = [CChar](repeating: 0, count: 512)
        _ = recur_mpi_library_version(&version, Int32(version.count))
        let text = String(decoding: version.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return MessagePassing(rank: Int(rank), size: Int(size), libraryVersion: String(text.split(separator: ",").first ?? ""))
    }

    private init(rank: Int, size: Int, libraryVersion: String) {
        self.rank = rank
        self.size = size
        self.libraryVersion = libraryVersion
    }

    static func check(_ code: Int32, _ name: String) throws(DistributedError) {
        if code != 0 { throw .call(name, code: code) }
    }

    /// A non-blocking operation in flight; ``wait(_:timeout:failure:)`` completes it.
    public struct Request {
        fileprivate var handle: UnsafeMutableRawPointer?
    }

    /// MPI counts are 32-bit: larger messages are refused rather than truncated.
    static func count(_ bytes: Int) throws(DistributedError) -> Int32 {
        guard bytes <= Int(Int32.max) else {
            throw .unavailable("a message of \(bytes) bytes is larger than one MPI message can be (2 GiB); use a smaller model")
        }
        return Int32(bytes)
    }

    public func send(_ buffer: UnsafeRawPointer, bytes: Int, to destination: Int, tag: Int32) throws(DistributedError) -> Request {
        var request = Request()
        try Self.check(recur_mpi_isend(buffer, try Self.count(bytes), Int32(destination), tag, &request.handle), "MPI_Isend")
        return request
    }

    public func receive(_ buffer: UnsafeMutableRawPointer, bytes: Int, from source: Int, tag: Int32) throws(DistributedError) -> Request {
        var request = Request()
        try Self.check(recur_mpi_irecv(buffer, try Self.count(bytes), Int32(source), tag, &request.handle), "MPI_Irecv")
        return request
    }

    /// Every rank's `bytes` from `send`, in rank order, into `receive` (`size * bytes`).
    public func allGather(_ send: UnsafeRawPointer, bytes: Int, into receive: UnsafeMutableRawPointer) throws(DistributedError) -> Request {
        var request = Request()
        try Self.check(recur_mpi_iallgather(send, try Self.count(bytes), receive, &request.handle), "MPI_Iallgather")
        return request
    }

    /// Floats to and from `buffer` (``receive(_:bytes:from:tag:)`` in floats: counts
    /// of floats, not bytes, so one message can carry up to 2^31 - 1 of them).
    public func send(floats buffer: UnsafePointer<Float>, count: Int, to destination: Int, tag: Int32) throws(DistributedError) -> Request {
        var request = Request()
        try Self.check(
            recur_mpi_isend_floats(buffer, try Self.count(floats: count), Int32(destination), tag, &request.handle), "MPI_Isend")
        return request
    }

    public func receive(floats buffer: UnsafeMutablePointer<Float>, count: Int, from source: Int, tag: Int32) throws(DistributedError) -> Request {
        var request = Request()
        try Self.check(
            recur_mpi_irecv_floats(buffer, try Self.count(floats: count), Int32(source), tag, &request.handle), "MPI_Irecv")
        return request
    }

    /// MPI counts are 32-bit: larger messages are refused rather than truncated.
    static func count(floats: Int) throws(DistributedError) -> Int32 {
        guard floats <= Int(Int32.max) else {
            throw .unavailable("a message of \(floats) floats is larger than one MPI message can be (2^31 - 1); use a smaller model")
        }
        return Int32(floats)
    }

    /// Waits for `request`, polling, for at most `timeout` seconds; then
    /// throws ``DistributedError/timeout(_:)`` with `failure()`'s message.
    /// Polls without pause for ``spinNanoseconds`` (a step's messages
    /// follow each other within microseconds, and a sleep costs 50-70 µs
    /// of timer slack: sleeping after 200 polls made the exchange of 1.66 MB
    /// between two ranks on one machine take 1.5 ms), then yields between
    /// polls, so an oversubscribed rank leaves the CPU to the one it waits
    /// for, and after ``yieldNanoseconds`` sleeps between them.
    public func wait(_ request: inout Request, timeout: Double, failure: () -> String) throws(DistributedError) {
        let start = monotonicNanoseconds()
        let deadline = start + Int64(timeout * 1e9)
        while true {
            var done: Int32 = 0
            try Self.check(recur_mpi_test(&request.handle, &done), "MPI_Test")
            if done != 0 { return }
            let waited = monotonicNanoseconds() - start
            if waited < Self.spinNanoseconds { continue }
            if waited < Self.yieldNanoseconds {
                SystemCalls.yieldThread()
                continue
            }
            if start + waited > deadline { throw .timeout(failure()) }
            SystemCalls.sleep(nanoseconds: waited < 20 * Self.yieldNanoseconds ? 20_000 : 200_000)
        }
    }

    /// How long ``wait(_:timeout:failure:)`` polls without pause.
    static let spinNanoseconds: Int64 = 200_000
    /// How long it polls with a yield in between, before it sleeps.
    static let yieldNanoseconds: Int64 = 5_000_000

    /// Ends every rank of the job (mpirun kills the others): what a rank
    /// does after an error that the others cannot see.
    public func abort(code: Int32) -> Never {
        _ = recur_mpi_abort(code)
        SystemCalls.exit(code)
    }

    public func finalize() {
        _ = recur_mpi_finalize()
    }
}
