import Benchmark

/// The custom metrics of every kernel benchmark. Values are integers: the
/// rate is recorded in FLOP/s and shown in millions (GFLOP/s to three
/// decimals), the share in whole percent.
enum ThroughputMetric {
    /// Floating-point operations per second of the measured calls.
    static var flopRate: BenchmarkMetric { .custom("FLOP/s", polarity: .prefersLarger, useScalingFactor: false) }
    /// The rate as a share of the FMA peak measured at start-up (``FMAPeak``), in percent.
    static var peakShare: BenchmarkMetric {
        .custom("% of FMA peak", polarity: .prefersLarger, useScalingFactor: false)
    }
}

extension BenchmarkScalingFactor {
    /// Calls under 1 MFLOP (a few microseconds) run a thousand times per
    /// measured iteration, so that timer overhead stays negligible (times are
    /// still shown per call); longer ones once.
    static func forCall(flops: Double) -> BenchmarkScalingFactor { flops < 1e6 ? .kilo : .one }
}

/// Registers a benchmark that runs `makeFixture`'s `run()` `scalingFactor`
/// times per iteration and reports the wall-clock time per call, mallocs,
/// FLOP/s and the share of the FMA peak. Each benchmark runs for at most
/// about a second or 500 iterations.
func registerThroughputBenchmark<Fixture: ThroughputFixture>(
    _ name: String, scalingFactor: BenchmarkScalingFactor, makeFixture: @escaping (KernelBuild) -> Fixture
) {
    let configuration = Benchmark.Configuration(
        metrics: [.wallClock, .mallocCountTotal, ThroughputMetric.flopRate, ThroughputMetric.peakShare],
        units: [ThroughputMetric.flopRate: .mega],
        scalingFactor: scalingFactor,
        maxDuration: .seconds(1),
        maxIterations: 500)
    Benchmark(name, configuration: configuration) { (benchmark: Benchmark, state: (Fixture, Double)) in
        let (fixture, peak) = state
        let clock = ContinuousClock()
        let start = clock.now
        for _ in benchmark.scaledIterations { fixture.run() }
        let seconds = (clock.now - start).seconds
        let rate = fixture.flops * Double(benchmark.scaledIterations.count) / seconds
        benchmark.measurement(ThroughputMetric.flopRate, Int(rate.rounded()))
        benchmark.measurement(ThroughputMetric.peakShare, Int((100 * rate / peak).rounded()))
    } setup: {
        (makeFixture(KernelBuild.best), FMAPeak.flopsPerSecond)
    }
}
