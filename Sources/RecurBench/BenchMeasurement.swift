import RecurEngine
/// What the benchmark measured for one configuration, before analysis.
///
/// ``BenchReport`` turns measurements into ``BenchResult``s by adding the
/// statistics and the figures that compare configurations.
public struct BenchMeasurement: Hashable, Sendable, Codable {
    /// The configuration measured.
    public var configuration: BenchConfiguration
    /// Training throughput of each repeat, in samples per second.
    public var samplesPerSecond: [Double]
    /// Seconds per step in each phase, the mean over workers (and repeats).
    public var phases: PhaseBreakdown
    /// Seconds per step in each phase, the maximum over workers.
    public var phasesMax: PhaseBreakdown
    /// The FMA peak of all `threads` workers running the probe at once, in
    /// GFLOP/s, or nil when not measured: the higher of a probe just before
    /// the configuration's runs and one just after, so a moment in which a
    /// shared machine's cores run slow cannot lower the ceiling and flatter
    /// the share. With every core busy, clocks are often lower than with
    /// one, so this is the fair ceiling for the configuration. Under
    /// mpirun, the sum over the ranks of each rank's probe, as the
    /// throughput is the whole job's.
    public var fmaPeakGFLOPS: Double?
    /// Under mpirun: the number of ranks (each with `threads` workers), the
    /// bytes each rank handed MPI to send per step (rank order), and each
    /// rank's phases (mean over its workers); nil for one process.
    public var processes: Int? = nil
    public var bytesSentPerStep: [Double]? = nil
    public var rankPhases: [PhaseBreakdown]? = nil
    /// Seconds one exchange takes with no computation around it (ranks
    /// already in step), per rank: the transfer's cost without the wait for
    /// a slower rank that the exchange phase includes.
    public var exchangeAloneSeconds: [Double]? = nil
    /// Under mpirun, each rank's own FMA probe, GFLOP/s (rank order); their
    /// sum is ``fmaPeakGFLOPS``.
    public var rankFMAPeakGFLOPS: [Double]? = nil

    public init(
        configuration: BenchConfiguration, samplesPerSecond: [Double], phases: PhaseBreakdown, phasesMax: PhaseBreakdown,
        fmaPeakGFLOPS: Double? = nil
    ) {
        self.configuration = configuration
        self.samplesPerSecond = samplesPerSecond
        self.phases = phases
        self.phasesMax = phasesMax
        self.fmaPeakGFLOPS = fmaPeakGFLOPS
    }

    /// The first problem with the measurement, or nil when it is usable.
    var validationError: BenchReportError? {
        func invalid(_ field: String, _ value: Any, _ expected: String) -> BenchReportError {
            .invalidMeasurement(configuration: configuration, field: field, value: "\(value)", expected: expected)
        }
        if configuration.threads < 1 { return invalid("threads", configuration.threads, "at least 1") }
        if configuration.batchSize < 1 { return invalid("batchSize", configuration.batchSize, "at least 1") }
        if configuration.shardSize < 1 { return invalid("shardSize", configuration.shardSize, "at least 1") }
        if configuration.samplesPerPass < 1 { return invalid("samplesPerPass", configuration.samplesPerPass, "at least 1") }
        if samplesPerSecond.isEmpty { return invalid("samplesPerSecond", "[]", "at least one repeat") }
        if let peak = fmaPeakGFLOPS, !(peak.isFinite && peak > 0) {
            return invalid("fmaPeakGFLOPS", peak, "a finite number above 0")
        }
        for value in samplesPerSecond where !(value.isFinite && value > 0) {
            return invalid("samplesPerSecond", value, "finite numbers above 0")
        }
        for (name, breakdown) in [("phases", phases), ("phasesMax", phasesMax)] {
            for phase in StepPhase.allCases where !(breakdown[phase].isFinite && breakdown[phase] >= 0) {
                return invalid("\(name).\(phase.rawValue)", breakdown[phase], "a finite number of seconds, 0 or more")
            }
        }
        return nil
    }
}

extension BenchMeasurement {
    /// Adds `other`, a later round's measurement of the same configuration:
    /// its repeats join this one's; phases, bytes and exchange times become
    /// the means over both, weighted by their repeats (each repeat times the
    /// same steps); the FMA peak is the higher of the two (per rank under
    /// mpirun, and their sum), as within one round.
    public mutating func pool(_ other: BenchMeasurement) {
        precondition(other.configuration == configuration, "only measurements of one configuration pool")
        let weight = Double(samplesPerSecond.count), otherWeight = Double(other.samplesPerSecond.count)
        func mean(_ a: Double, _ b: Double) -> Double { (a * weight + b * otherWeight) / (weight + otherWeight) }
        func mean(_ a: PhaseBreakdown, _ b: PhaseBreakdown) -> PhaseBreakdown {
            PhaseBreakdown(
                forward: mean(a.forward, b.forward), backward: mean(a.backward, b.backward),
                allReduce: mean(a.allReduce, b.allReduce), optimizer: mean(a.optimizer, b.optimizer),
                barrierWait: mean(a.barrierWait, b.barrierWait), exchange: mean(a.exchange, b.exchange))
        }
        func means(_ a: [Double]?, _ b: [Double]?) -> [Double]? {
            guard let a, let b, a.count == b.count else { return a ?? b }
            return zip(a, b).map { mean($0, $1) }
        }
        phases = mean(phases, other.phases)
        phasesMax = mean(phasesMax, other.phasesMax)
        if let ranks = rankPhases, let otherRanks = other.rankPhases, ranks.count == otherRanks.count {
            rankPhases = zip(ranks, otherRanks).map { mean($0, $1) }
        }
        bytesSentPerStep = means(bytesSentPerStep, other.bytesSentPerStep)
        exchangeAloneSeconds = means(exchangeAloneSeconds, other.exchangeAloneSeconds)
        if let peaks = rankFMAPeakGFLOPS, let otherPeaks = other.rankFMAPeakGFLOPS, peaks.count == otherPeaks.count {
            rankFMAPeakGFLOPS = zip(peaks, otherPeaks).map { max($0, $1) }
            fmaPeakGFLOPS = rankFMAPeakGFLOPS?.reduce(0, +)
        } else if let peak = fmaPeakGFLOPS, let otherPeak = other.fmaPeakGFLOPS {
            fmaPeakGFLOPS = max(peak, otherPeak)
        } else {
            fmaPeakGFLOPS = fmaPeakGFLOPS ?? other.fmaPeakGFLOPS
        }
        samplesPerSecond += other.samplesPerSecond
    }
}
