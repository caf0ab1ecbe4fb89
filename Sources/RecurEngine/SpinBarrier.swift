import RecurSystem
import RecurCore
import Atomics
import CRecurCPU


/// A reusable barrier for a fixed number of threads that wait by spinning,
/// then yielding, then sleeping, never on a mutex.
///
/// The state is one 64-bit word: the arrival count in the low 32 bits and a
/// generation in the high 32 bits. Each arriving thread adds 1; the last one
/// of a phase replaces the word by the next generation with a count of 0,
/// which releases the waiters. Memory written by any thread before
/// ``wait()`` is visible to every thread after it.
///
/// Every participant must call ``wait()`` the same number of times.
public final class SpinBarrier: @unchecked Sendable {
    /// Number of threads that meet at the barrier.
    public let participants: Int
    private let state = PaddedAtomic(0)
    private let waitPolicy: SpinBackoff.Policy
    private static let countMask: UInt64 = 0xFFFF_FFFF

    /// Creates a barrier for `participants` threads (clamped to `1...Int32.max`).
    ///
    /// - Parameter sharesCPUs: Whether the threads outnumber the CPUs they run
    ///   on. Waiters then spin only about a microsecond before yielding their
    ///   CPU; otherwise they spin up to 50 us, then yield for up to 1 ms,
    ///   then sleep.
    public init(participants: Int, sharesCPUs: Bool = false) {
        self.participants = min(max(participants, 1), Int(Int32.max))
        self.waitPolicy = .forThreads(sharingCPUs: sharesCPUs)
    }

    /// Blocks until all ``participants`` threads have called `wait()` for this
    /// phase. Returns immediately for a single participant.
    ///
    /// - Complexity: one atomic increment per thread; waiters poll one word.
    public func wait() {
        let arrived = state.value.loadThenWrappingIncrement(ordering: .acquiringAndReleasing)
        let generation = arrived >> 32
        if arrived & Self.countMask == UInt64(participants - 1) {
            state.value.store((generation &+ 1) << 32, ordering: .releasing)
            return
        }
        var backoff = SpinBackoff(waitPolicy)
        while state.value.load(ordering: .acquiring) >> 32 == generation {
            backoff.wait()
        }
    }
}

/// The waiting strategy of a thread polling an atomic: spin (the cheapest
/// wake-up when every thread has its own core), then `sched_yield` (hands the
/// CPU to a runnable thread, if any), then `nanosleep` for growing intervals
/// so long waits, and waits on an oversubscribed machine, leave the CPUs to
/// the threads being waited for.
///
/// Create one per wait and call ``wait()`` each time the polled condition is
/// still false.
struct SpinBackoff {
    /// How long each stage lasts.
    struct Policy: Sendable {
        /// Spinning time before the first `sched_yield`.
        var spinNanoseconds: Int
        /// Further time spent yielding before the first sleep.
        var yieldNanoseconds: Int

        /// For threads with a CPU each: spin 50 us, then yield up to 1 ms.
        static let dedicatedCPUs = Policy(spinNanoseconds: 50_000, yieldNanoseconds: 1_000_000)
        /// For more threads than CPUs: spin 1 us, then yield up to 200 us.
        static let sharedCPUs = Policy(spinNanoseconds: 1_000, yieldNanoseconds: 200_000)

        static func forThreads(sharingCPUs: Bool) -> Policy { sharingCPUs ? .sharedCPUs : .dedicatedCPUs }
    }

    /// Polls between clock reads while spinning.
    private static let pollsPerClockRead = 64
    private static let firstSleepNanoseconds = 2_000
    private static let longestSleepNanoseconds = 200_000

    private let policy: Policy
    private var polls = 0
    private var start = 0
    private var yielding = false
    private var sleepNanoseconds = 0

    init(_ policy: Policy) {
        self.policy = policy
    }

    /// Waits a little before the next poll, longer the longer the wait lasts.
    @inline(__always)
    mutating func wait() {
        if sleepNanoseconds > 0 {
            SystemCalls.sleep(nanoseconds: sleepNanoseconds)
            sleepNanoseconds = min(sleepNanoseconds * 2, Self.longestSleepNanoseconds)
            return
        }
        if !yielding {
            recur_cpu_relax()
            polls &+= 1
            if polls == 1 {
                start = Self.nanoseconds()
            } else if polls % Self.pollsPerClockRead == 0 {
                yielding = Self.nanoseconds() - start >= policy.spinNanoseconds
            }
            return
        }
        SystemCalls.yieldThread()
        if Self.nanoseconds() - start >= policy.spinNanoseconds + policy.yieldNanoseconds {
            sleepNanoseconds = Self.firstSleepNanoseconds
        }
    }

    @inline(__always)
    private static func nanoseconds() -> Int { Int(monotonicNanoseconds()) }
}
