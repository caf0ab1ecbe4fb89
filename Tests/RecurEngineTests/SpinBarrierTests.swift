import Testing
import RecurEngine

@Suite(.serialized) struct SpinBarrierTests {
    /// Each phase every thread writes its slot of one of two plain arrays,
    /// crosses the barrier, then checks every slot holds this phase. The
    /// arrays alternate, so a slot is only rewritten two phases later, after
    /// every reader has crossed the next barrier.
    func checkPhases(threads: Int, phases: Int, sharesCPUs: Bool = false) -> Int {
        let barrier = SpinBarrier(participants: threads, sharesCPUs: sharesCPUs)
        let marks = [SharedInts(count: threads, repeating: -1), SharedInts(count: threads, repeating: -1)]
        let mismatches = SharedInts(count: threads)
        runOnThreads(threads) { thread in
            for phase in 0..<phases {
                let current = marks[phase % 2]
                current[thread] = phase
                barrier.wait()
                for other in 0..<threads where current[other] != phase { mismatches[thread] += 1 }
            }
        }
        return mismatches.values.reduce(0, +)
    }

    @Test func everyThreadSeesThePreviousPhase() {
        #expect(checkPhases(threads: 2, phases: 5_000) == 0)
        #expect(checkPhases(threads: 4, phases: 2_000) == 0)
    }

    @Test(arguments: [false, true])
    func moreThreadsThanCores(sharesCPUs: Bool) {
        #expect(checkPhases(threads: 6, phases: 2_000, sharesCPUs: sharesCPUs) == 0)
    }

    @Test func singleParticipantNeverBlocks() {
        let barrier = SpinBarrier(participants: 1)
        for _ in 0..<1_000 { barrier.wait() }
        #expect(barrier.participants == 1)
        #expect(SpinBarrier(participants: 0).participants == 1)
    }
}
