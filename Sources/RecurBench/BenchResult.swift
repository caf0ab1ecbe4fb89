import RecurEngine
/// One configuration's measurements together with the figures derived from
/// them. Results are made by ``BenchReport``, which knows the baselines.
public struct BenchResult: Hashable, Sendable, Codable {
    /// The configuration measured.
    public let configuration: BenchConfiguration
    /// Training throughput of each repeat, in samples per second.
    public let samplesPerSecond: [Double]
    /// The median of ``samplesPerSecond``.
    public let medianSamplesPerSecond: Double
    /// The smallest of ``samplesPerSecond``.
    public let minSamplesPerSecond: Double
    /// The largest of ``samplesPerSecond``.
    public let maxSamplesPerSecond: Double
    /// Median throughput over the median throughput of one thread at the same
    /// batch size, or nil when the report has no such one-thread result.
    public let speedup: Double?
    /// ``speedup`` divided by the thread count (1 is linear scaling), or nil
    /// when there is no one-thread result at the same batch size.
    public let efficiency: Double?
    /// Achieved GFLOP/s: median samples per second times FLOPs per sample.
    public let gflops: Double
    /// The FMA peak of the threads used, measured with all of them busy, in
    /// GFLOP/s, or nil when not measured.
    public let fmaPeakGFLOPS: Double?
    /// ``gflops`` as a share of the FMA peak of the threads used: the peak
    /// measured with all of them busy when there is one, else the one-core
    /// peak times threads; nil when no peak was measured.
    public let peakShare: Double?
    /// Seconds per step in each phase, the mean over workers.
    public let phases: PhaseBreakdown
    /// Seconds per step in each phase, the maximum over workers.
    public let phasesMax: PhaseBreakdown
    /// Under mpirun: ranks, bytes each sent per step, each rank's phases (see ``BenchMeasurement``).
    public var processes: Int? = nil
    public var bytesSentPerStep: [Double]? = nil
    public var rankPhases: [PhaseBreakdown]? = nil
    public var exchangeAloneSeconds: [Double]? = nil
    public var rankFMAPeakGFLOPS: [Double]? = nil

    /// Analyses `measurement`, which must be valid and non-empty (see
    /// ``BenchMeasurement/validationError``), against the median throughput of
    /// its one-thread `baseline`, if any.
    init(measurement: BenchMeasurement, baseline: Double?, settings: BenchSettings) {
        let rates = measurement.samplesPerSecond
        let median = BenchStatistics.median(rates) ?? 0
        let threads = measurement.configuration.threads
        configuration = measurement.configuration
        samplesPerSecond = rates
        medianSamplesPerSecond = median
        minSamplesPerSecond = rates.min() ?? 0
        maxSamplesPerSecond = rates.max() ?? 0
        speedup = baseline.map { BenchStatistics.speedup(throughput: median, baseline: $0) }
        efficiency = baseline.map { BenchStatistics.efficiency(throughput: median, baseline: $0, threads: threads) }
        gflops = median * settings.flopsPerSample / 1e9
        fmaPeakGFLOPS = measurement.fmaPeakGFLOPS
        let ceiling = measurement.fmaPeakGFLOPS ?? settings.fmaPeakGFLOPSPerCore.map { $0 * Double(threads) }
        peakShare = ceiling.map { [gflops] in gflops / $0 }
        phases = measurement.phases
        phasesMax = measurement.phasesMax
        processes = measurement.processes
        bytesSentPerStep = measurement.bytesSentPerStep
        rankPhases = measurement.rankPhases
        exchangeAloneSeconds = measurement.exchangeAloneSeconds
        rankFMAPeakGFLOPS = measurement.rankFMAPeakGFLOPS
    }

    /// The measurement this result was derived from.
    public var measurement: BenchMeasurement {
        BenchMeasurement(
            configuration: configuration, samplesPerSecond: samplesPerSecond, phases: phases, phasesMax: phasesMax,
            fmaPeakGFLOPS: fmaPeakGFLOPS)
    }
}
