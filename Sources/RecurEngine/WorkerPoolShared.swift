import Atomics

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
