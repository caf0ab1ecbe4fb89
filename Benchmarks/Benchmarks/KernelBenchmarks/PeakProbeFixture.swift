import Benchmark

/// The selected build's FMA peak probe, a fixed number of rounds per call.
final class PeakProbeFixture: ThroughputFixture {
    let flops: Double
    private let build: KernelBuild
    private let iterations: Int

    init(build: KernelBuild, iterations: Int) {
        self.build = build
        self.iterations = iterations
        let first = build.peakProbe(iterations: iterations)
        blackHole(first.checksum)
        flops = first.flops
    }

    func run() { blackHole(build.peakProbe(iterations: iterations).checksum) }
}
