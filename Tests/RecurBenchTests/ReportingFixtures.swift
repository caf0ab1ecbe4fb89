import RecurEngine
@testable import RecurBench

/// Realistic benchmark numbers for the reporting tests.
enum ReportingFixtures {
    static func machine(cpuModel: String = "AMD EPYC 9654 96-Core Processor") -> MachineInfo {
        MachineInfo(
            cpuModel: cpuModel, packages: 1, numaNodes: 1, cores: 16, pus: 32, usablePUs: 32,
            l2Bytes: 1 << 20, l3Bytes: 32 << 20, backend: "avx512", buildFlags: "-Ounchecked -march=x86-64-v4",
            recurVersion: "0.1.0", hostname: "bench-host", date: "2025-11-25T13:18:00Z")
    }

    static let settings = BenchSettings(
        steps: 20, warmup: 3, repeats: 3, modelDescription: "2-layer tanh RNN, hidden 256, 28x28 MNIST",
        flopsPerSample: 34.26e6, fmaPeakGFLOPSPerCore: 64)

    /// One measurement whose repeats are `median` scaled by 1.02, 0.97 and 1,
    /// with a step time split across the phases in fixed shares.
    static func measurement(
        threads: Int, batchSize: Int, median: Double, pin: Bool = true, shardSize: Int = 16, samplesPerPass: Int = 4
    ) -> BenchMeasurement {
        let step = Double(batchSize) / median
        let wait = threads == 1 ? 0 : 0.04 * step * Double(threads).squareRoot() / 4
        let phases = PhaseBreakdown(
            forward: 0.3 * step, backward: 0.55 * step, allReduce: threads == 1 ? 0 : 0.05 * step,
            optimizer: 0.06 * step, barrierWait: wait)
        let phasesMax = PhaseBreakdown(
            forward: 0.33 * step, backward: 0.6 * step, allReduce: phases.allReduce * 1.2,
            optimizer: 0.06 * step, barrierWait: wait * 2)
        return BenchMeasurement(
            configuration: BenchConfiguration(
                threads: threads, batchSize: batchSize, pin: pin, shardSize: shardSize, samplesPerPass: samplesPerPass),
            samplesPerSecond: [median * 1.02, median * 0.97, median], phases: phases, phasesMax: phasesMax)
    }

    /// 1, 2, 4, 8 and 16 threads at batch sizes 64 and 256; scaling flattens
    /// out, and at batch 64 16 threads are slower than 8.
    static let sweep: [BenchMeasurement] = {
        let batch64: [(Int, Double)] = [(1, 1450), (2, 2780), (4, 5100), (8, 8300), (16, 7400)]
        let batch256: [(Int, Double)] = [(1, 1520), (2, 3010), (4, 5850), (8, 11000), (16, 18900)]
        return batch64.map { measurement(threads: $0.0, batchSize: 64, median: $0.1) }
            + batch256.map { measurement(threads: $0.0, batchSize: 256, median: $0.1) }
    }()

    static func report(cpuModel: String = "AMD EPYC 9654 96-Core Processor") throws -> BenchReport {
        try BenchReport(machine: machine(cpuModel: cpuModel), settings: settings, measurements: sweep)
    }
}
