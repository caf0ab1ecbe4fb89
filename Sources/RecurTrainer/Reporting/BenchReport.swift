/// The outcome of `recur bench`: the machine, the settings and one analysed
/// result per configuration of the sweep.
///
/// The report renders itself as a terminal table (``table()``), JSON
/// (``json()``), CSV (``csv()``) and an SVG plot (``svg(phaseBatchSize:)``);
/// writing the files is up to the caller.
public struct BenchReport: Hashable, Sendable {
    /// The machine the benchmark ran on.
    public let machine: MachineInfo
    /// How the benchmark was run.
    public let settings: BenchSettings
    /// One result per configuration, ordered by batch size, then threads, then
    /// pinning (unpinned first), then shard size.
    public let results: [BenchResult]

    /// Analyses `measurements`.
    ///
    /// Speedup and efficiency compare each result with the one-thread result of
    /// the same batch size: the one with the same pinning, shard size and pass
    /// size when there is one, otherwise the first in report order. Without a one-thread
    /// result at that batch size they are nil.
    ///
    /// - Throws: ``BenchReportError`` when a setting or a measured figure is
    ///   out of range (e.g. no repeats, a non-finite or non-positive
    ///   throughput, a negative phase time), there are no measurements, or a
    ///   configuration appears twice.
    /// - Complexity: O(*n* log *n* + *n* *b*) for *n* measurements and *b*
    ///   one-thread measurements.
    public init(machine: MachineInfo, settings: BenchSettings, measurements: [BenchMeasurement]) throws(BenchReportError) {
        if let error = settings.validationError { throw error }
        guard !measurements.isEmpty else { throw .noMeasurements }
        var seen = Set<BenchConfiguration>()
        for measurement in measurements {
            if let error = measurement.validationError { throw error }
            guard seen.insert(measurement.configuration).inserted else {
                throw .duplicateConfiguration(measurement.configuration)
            }
        }
        let ordered = measurements.sorted { BenchConfiguration.areInReportOrder($0.configuration, $1.configuration) }
        let singleThreaded = ordered.filter { $0.configuration.threads == 1 }
        self.machine = machine
        self.settings = settings
        self.results = ordered.map { measurement in
            let configuration = measurement.configuration
            let sameBatch = singleThreaded.filter { $0.configuration.batchSize == configuration.batchSize }
            var oneThread = configuration
            oneThread.threads = 1
            let baseline = sameBatch.first { $0.configuration == oneThread } ?? sameBatch.first
            return BenchResult(
                measurement: measurement,
                baseline: baseline.flatMap { BenchStatistics.median($0.samplesPerSecond) },
                settings: settings)
        }
    }

    /// The distinct batch sizes of the results, ascending.
    public var batchSizes: [Int] {
        var sizes: [Int] = []
        for result in results where sizes.last != result.configuration.batchSize {
            sizes.append(result.configuration.batchSize)
        }
        return sizes
    }
}

extension BenchReport: Codable {
    private enum CodingKeys: String, CodingKey {
        case machine, settings, results
    }

    /// Decodes a report and analyses its measurements again, so the derived
    /// figures always agree with the measured ones; derived keys in the
    /// input are ignored.
    ///
    /// - Throws: `DecodingError` for missing or mistyped keys, and
    ///   ``BenchReportError`` for values out of range.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        try self.init(
            machine: container.decode(MachineInfo.self, forKey: .machine),
            settings: container.decode(BenchSettings.self, forKey: .settings),
            measurements: container.decode([BenchMeasurement].self, forKey: .results))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(machine, forKey: .machine)
        try container.encode(settings, forKey: .settings)
        try container.encode(results, forKey: .results)
    }
}
