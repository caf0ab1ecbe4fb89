import RecurBench
import Testing

/// `BenchRunner.peakGFLOPS`: the bench's FMA peak is all workers' FLOPs over
/// the span from the earliest start to the last finish (no clocks read here).
@Suite struct PeakTimingTests {
    @Test func oneWorker() {
        // 3.2e9 FLOPs in 20 ms (monotonic nanoseconds) is 160 GFLOP/s.
        #expect(BenchRunner.peakGFLOPS(flops: [3.2e9], starts: [1_000], ends: [20_001_000]) == 160)
    }

    @Test func spanRunsFromTheFirstStartToTheLastFinish() {
        // Two workers of 2e9 FLOPs each: the second starts 5 ms late and ends
        // at 25 ms, so 4e9 FLOPs over 25 ms, not over either worker's 20 ms.
        let gflops = BenchRunner.peakGFLOPS(
            flops: [2e9, 2e9], starts: [0, 5_000_000], ends: [20_000_000, 25_000_000])
        #expect(gflops == 160)
    }

    @Test func emptyOrZeroSpanIsZero() {
        #expect(BenchRunner.peakGFLOPS(flops: [], starts: [], ends: []) == 0)
        #expect(BenchRunner.peakGFLOPS(flops: [1e9], starts: [7], ends: [7]) == 0)
    }
}
