import RecurSystem
import Atomics


/// A fixed team of persistent worker threads, one per ``Placement`` slot,
/// that run the same job together.
///
/// The pool owns `count - 1` pthreads; the thread that calls ``run(_:)`` is
/// worker 0. With ``PinMode/core`` every worker is bound to its slot's PU:
/// the pool threads bind themselves before doing anything else, and the
/// calling thread is bound when the pool is created and whenever ``run(_:)``
/// is called from a different thread than before.
///
/// Dispatch uses an atomic generation counter that idle workers poll,
/// spinning briefly and then backing off to `sched_yield` and `nanosleep`;
/// no mutex or condition variable is involved.
///
/// ```swift
/// let pool = try WorkerPool(placement: placement, pinMode: .core)
/// let buffers = Buffers(count: pool.count)      // @unchecked Sendable storage
/// pool.run { worker in                          // each worker first-touches its memory
///     buffers[worker] = try? pool.allocate(floats: 4096, worker: worker)
/// }
/// pool.run { worker in
///     compute(shard: worker)
///     pool.barrier.wait()                       // all shards done
///     reduce(part: worker)
/// }
/// ```
///
/// `run` is not reentrant: call it from one thread at a time and never from
/// inside a job.
public final class WorkerPool: @unchecked Sendable {
    /// Where the workers run.
    public let placement: Placement
    /// Whether workers are bound to their PUs.
    public let pinMode: PinMode
    /// A barrier for all ``count`` workers, for use inside a job (set up for
    /// shared CPUs when the placement is oversubscribed).
    public let barrier: SpinBarrier

    private let shared: WorkerPoolShared
    private var threads: [ThreadHandle] = []
    private var isShutDown = false
    /// The thread last bound to slot 0.
    private var pinnedCaller: ThreadHandle?
    /// The first thread bound to slot 0 and its binding before that.
    private var firstCaller: (thread: ThreadHandle, binding: HwlocTopology.Bitmap)?

    /// Number of workers, the calling thread included.
    public var count: Int { placement.threads }

    /// Starts the pool's threads and, when pinning, binds them and the calling
    /// thread. Returns once every thread is running (and bound).
    ///
    /// - Throws: ``WorkerPoolError`` when this machine's topology cannot be
    ///   loaded for pinning, a thread cannot be created, or a worker cannot be
    ///   bound to its PU (for example a PU outside the process's cpuset, or a
    ///   placement made for another machine). Started threads are stopped first.
    public init(placement: Placement, pinMode: PinMode) throws(WorkerPoolError) {
        var hwloc: HwlocTopology?
        if pinMode == .core {
            do {
                hwloc = try HwlocTopology(.system)
            } catch {
                throw .topology(error)
            }
        }
        self.placement = placement
        self.pinMode = pinMode
        self.barrier = SpinBarrier(participants: placement.threads, sharesCPUs: placement.oversubscribed)
        self.shared = WorkerPoolShared(placement: placement, hwloc: hwloc)

        if let failure = pinCaller() {
            shutdown()
            throw failure
        }
        for worker in 1..<placement.threads {
            switch startWorkerThread(shared, worker: worker) {
            case .success(let thread):
                threads.append(thread)
            case .failure(let error):
                shutdown()
                throw error
            }
        }
        shared.waitUntil(shared.started, reaches: threads.count)
        if let worker = (1..<placement.threads).first(where: { shared.bindingErrors[$0] != 0 }) {
            let error = WorkerPoolError.bindingFailed(
                worker: worker, pu: placement.slots[worker].pu, errno: shared.bindingErrors[worker])
            shutdown()
            throw error
        }
    }

    deinit { shutdown() }

    /// Runs `job(worker)` once on every worker, `0..<count`, concurrently
    /// (worker 0 on the calling thread), and returns when all have returned.
    /// Memory written by any worker inside the job is visible to the caller
    /// afterwards.
    ///
    /// Jobs may use ``barrier``; every worker must then cross it the same
    /// number of times. Calling `run` after ``shutdown()`` is a programming
    /// error.
    public func run(_ job: @Sendable (Int) -> Void) {
        precondition(!isShutDown, "WorkerPool.run called after shutdown()")
        if let caller = pinnedCaller, !SystemCalls.sameThread(caller, SystemCalls.currentThread()) {
            // A new calling thread: bind it as worker 0 too (best effort; the
            // first caller's binding failure was already reported by init).
            _ = pinCaller()
        }
        guard count > 1 else {
            job(0)
            return
        }
        withoutActuallyEscaping(job) { job in
            withUnsafePointer(to: job) { address in
                shared.finished.value.store(0, ordering: .relaxed)
                shared.job = UnsafeRawPointer(address)
                shared.generation.value.wrappingIncrement(ordering: .releasing)
                job(0)
                shared.waitUntil(shared.finished, reaches: count - 1)
                shared.job = nil
            }
        }
    }

    /// Stops and joins the pool threads and, when called on the first thread
    /// the pool bound as worker 0, restores that thread's earlier CPU binding
    /// (other threads that called ``run(_:)`` stay bound to slot 0's PU).
    /// Idempotent; `deinit` calls it.
    public func shutdown() {
        guard !isShutDown else { return }
        isShutDown = true
        shared.stopping = true
        shared.generation.value.wrappingIncrement(ordering: .releasing)
        for thread in threads { SystemCalls.joinThread(thread) }
        threads = []
        if let hwloc = shared.hwloc, let caller = firstCaller, SystemCalls.sameThread(caller.thread, SystemCalls.currentThread()) {
            _ = hwloc.bindCurrentThread(to: caller.binding)
        }
        pinnedCaller = nil
        firstCaller = nil
    }

    /// Allocates `floats` zero-filled floats for worker `worker`; see
    /// ``PinnedMemory``. Call it on that worker, inside a job, so the zero fill
    /// places the pages near the worker. When the pool pins and the machine
    /// has several NUMA nodes, the memory is also bound to the worker's node
    /// (with `hwloc_alloc_membind`, falling back to unbound memory when the
    /// binding is refused).
    ///
    /// - Throws: ``PinnedMemoryError`` for an unknown worker, a negative or
    ///   oversized count, or when memory runs out.
    public func allocate(floats: Int, worker: Int) throws(PinnedMemoryError) -> PinnedMemory {
        guard placement.slots.indices.contains(worker) else { throw .unknownWorker(worker, workers: count) }
        let nodes = placement.topology.numaNodes
        let nodeIndex = placement.slots[worker].numaNode
        if let hwloc = shared.hwloc, hwloc.numaNodeCount > 1, nodes.indices.contains(nodeIndex) {
            return try PinnedMemory(floats: floats, numaNode: (hwloc, nodes[nodeIndex].osIndex))
        }
        return try PinnedMemory(floats: floats, numaNode: nil)
    }

    /// The OS index of the PU the calling thread last ran on, when the pool
    /// pins (and so holds this machine's topology) and the OS can tell.
    public func currentPU() -> Int? {
        shared.hwloc?.lastPUOfCurrentThread()
    }

    /// Binds the calling thread to slot 0's PU, remembering the binding the
    /// first such thread had before. Returns nil on success or when not pinning.
    private func pinCaller() -> WorkerPoolError? {
        guard let hwloc = shared.hwloc else { return nil }
        if firstCaller == nil, let binding = hwloc.currentThreadBinding() { firstCaller = (SystemCalls.currentThread(), binding) }
        let pu = placement.slots[0].pu
        if let code = hwloc.bindCurrentThread(toPU: pu) { return .bindingFailed(worker: 0, pu: pu, errno: code) }
        pinnedCaller = SystemCalls.currentThread()
        return nil
    }
}

/// A worker pool could not start.
public enum WorkerPoolError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Pinning needs this machine's topology, and hwloc could not load it.
    case topology(TopologyError)
    /// Worker `worker` could not be bound to PU `pu` (`errno` given).
    case bindingFailed(worker: Int, pu: Int, errno: Int32)
    /// `pthread_create` failed for worker `worker` (its error code given).
    case threadCreationFailed(worker: Int, code: Int32)

    public var description: String {
        switch self {
        case .topology(let error):
            "worker pool: --pin core needs this machine's topology: \(error)"
        case .bindingFailed(let worker, let pu, let code):
            "worker pool: --pin core could not bind worker \(worker) to PU \(pu) (errno \(code)); is the PU outside this process's cpuset?"
        case .threadCreationFailed(let worker, let code):
            "worker pool: could not start the thread of worker \(worker) (pthread_create error \(code))"
        }
    }
}

/// The state a ``WorkerPool`` shares with its threads. The threads hold this
/// object, not the pool, so dropping the pool shuts the threads down.
///
/// Protocol: the dispatching thread writes ``job`` (or ``stopping``), then
/// increments ``generation`` with release ordering; each worker polls
/// ``generation`` with acquire ordering, reads the job, runs it and
/// increments ``finished``. The dispatcher writes the job fields again only
/// after every worker has reported, so they need no atomics.
final class WorkerPoolShared: @unchecked Sendable {
    typealias Job = @Sendable (Int) -> Void

    let placement: Placement
    /// How idle workers and the dispatcher wait.
    let waitPolicy: SpinBackoff.Policy
    /// This machine's topology, present when the pool pins its threads.
    let hwloc: HwlocTopology?
    /// Bumped once per dispatched job and once to stop.
    let generation = PaddedAtomic(0)
    /// Workers (other than worker 0) done with the current job.
    let finished = PaddedAtomic(0)
    /// Workers (other than worker 0) that have started and tried to bind.
    let started = PaddedAtomic(0)
    /// Address of the current job (a `Job` value), valid while it runs.
    var job: UnsafeRawPointer?
    /// Set before the final generation bump: workers exit instead of running a job.
    var stopping = false
    /// Per worker: the `errno` of a failed binding, or 0. Each worker writes
    /// its own entry before incrementing ``started``.
    let bindingErrors: UnsafeMutableBufferPointer<Int32>

    init(placement: Placement, hwloc: HwlocTopology?) {
        self.placement = placement
        self.waitPolicy = .forThreads(sharingCPUs: placement.oversubscribed)
        self.hwloc = hwloc
        bindingErrors = .allocate(capacity: placement.threads)
        bindingErrors.initialize(repeating: 0)
    }

    deinit { bindingErrors.deallocate() }

    /// The body of worker thread `worker` (never 0): bind, report, then run
    /// dispatched jobs until told to stop.
    func workerLoop(worker: Int) {
        if let hwloc {
            bindingErrors[worker] = hwloc.bindCurrentThread(toPU: placement.slots[worker].pu) ?? 0
        }
        started.value.wrappingIncrement(ordering: .releasing)
        var seen: UInt64 = 0
        while true {
            var backoff = SpinBackoff(waitPolicy)
            var current = generation.value.load(ordering: .acquiring)
            while current == seen {
                backoff.wait()
                current = generation.value.load(ordering: .acquiring)
            }
            seen = current
            if stopping { return }
            if let job { Self.invoke(job, worker: worker) }
            finished.value.wrappingIncrement(ordering: .releasing)
        }
    }

    /// Calls the job at `address`; out of line so the call's retain and
    /// release of the closure are over before the worker reports it finished.
    @inline(never)
    static func invoke(_ address: UnsafeRawPointer, worker: Int) {
        address.assumingMemoryBound(to: Job.self).pointee(worker)
    }

    /// Polls until `counter` reaches `target`, backing off.
    func waitUntil(_ counter: PaddedAtomic, reaches target: Int) {
        var backoff = SpinBackoff(waitPolicy)
        while counter.value.load(ordering: .acquiring) != UInt64(target) {
            backoff.wait()
        }
    }
}

/// What a new worker thread needs, passed through `pthread_create`'s context pointer.
private final class WorkerThreadContext {
    let shared: WorkerPoolShared
    let worker: Int

    init(shared: WorkerPoolShared, worker: Int) {
        self.shared = shared
        self.worker = worker
    }
}

/// Starts a pthread running worker `worker`'s loop.
///
/// A free function on purpose: the C entry point below must not inherit an
/// actor isolation (a closure written inside an `@main` type would be
/// main-actor code and trap when the new thread runs it).
///
/// - Returns: The thread, or the `pthread_create` error code.
func startWorkerThread(_ shared: WorkerPoolShared, worker: Int) -> Result<ThreadHandle, WorkerPoolError> {
    let context = Unmanaged.passRetained(WorkerThreadContext(shared: shared, worker: worker))
    let started = SystemCalls.startThread(context: context.toOpaque()) { raw in
        guard let raw else { return nil }
        let context = Unmanaged<WorkerThreadContext>.fromOpaque(raw).takeRetainedValue()
        context.shared.workerLoop(worker: context.worker)
        return nil
    }
    guard let thread = started.thread else {
        context.release()
        return .failure(.threadCreationFailed(worker: worker, code: started.status))
    }
    return .success(thread)
}
