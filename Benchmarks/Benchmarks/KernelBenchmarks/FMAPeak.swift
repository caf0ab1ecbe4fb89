import Benchmark

/// The selected build's FMA peak on one core, measured once per process, the
/// first time a benchmark's setup asks: the best of 400 short probe runs
/// (about 0.15 ms each with AVX-512, some 60 ms in all). Short runs fit in a
/// scheduler time slice, so the best of them is the core's own rate even
/// while other processes share the CPU. Every benchmark's share of the peak
/// is relative to it.
enum FMAPeak {
    static let flopsPerSecond = measure(KernelBuild.best)

    private static func measure(_ build: KernelBuild) -> Double {
        let clock = ContinuousClock()
        var best = 0.0
        for _ in 0..<400 {
            let start = clock.now
            let result = build.peakProbe(iterations: 20_000)
            let seconds = (clock.now - start).seconds
            blackHole(result.checksum)
            best = max(best, result.flops / seconds)
        }
        return best
    }
}

extension Duration {
    /// The duration in seconds.
    var seconds: Double {
        let (whole, attoseconds) = components
        return Double(whole) + Double(attoseconds) * 1e-18
    }
}
