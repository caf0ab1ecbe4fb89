import Atomics

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
