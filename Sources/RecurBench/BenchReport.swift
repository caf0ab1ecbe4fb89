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

/// A benchmark report that cannot be built or read.
public enum BenchReportError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A setting of the benchmark is out of range.
    case invalidSetting(name: String, value: String, expected: String)
    /// A measured figure is out of range.
    case invalidMeasurement(configuration: BenchConfiguration, field: String, value: String, expected: String)
    /// Two measurements are of the same configuration.
    case duplicateConfiguration(BenchConfiguration)
    /// A report needs at least one measurement.
    case noMeasurements
    /// A batch size was asked for that no result has.
    case unknownBatchSize(Int, available: [Int])
    /// A JSON report could not be decoded.
    case malformedJSON(String)

    public var description: String {
        switch self {
        case let .invalidSetting(name, value, expected):
            "bench report: setting \(name) is \(value), expected \(expected)"
        case let .invalidMeasurement(configuration, field, value, expected):
            "bench report: \(field) of (\(configuration)) is \(value), expected \(expected)"
        case let .duplicateConfiguration(configuration):
            "bench report: (\(configuration)) is measured more than once"
        case .noMeasurements:
            "bench report: there are no measurements"
        case let .unknownBatchSize(size, available):
            "bench report: no results for batch size \(size); measured batch sizes: \(available.map(String.init).joined(separator: ", "))"
        case let .malformedJSON(reason):
            "bench report JSON: \(reason)"
        }
    }
}

extension BenchReport {
    /// A few lines describing the machine and the settings, for the top of the
    /// table and the plot's subtitle, e.g. "model: 2-layer tanh RNN, 34.26 MFLOP per sample".
    var summaryLines: [String] {
        let peak = settings.fmaPeakGFLOPSPerCore.map { "FMA peak \(DecimalFormat.fixed($0, digits: 1)) GFLOP/s per core" }
        return [
            "recur bench: \(machine.cpuModel) on \(machine.hostname), \(machine.date)",
            "machine: \(machine.topologySummary)",
            "build: recur \(machine.recurVersion), backend \(machine.backend), flags \(machine.buildFlags)",
            "model: \(settings.modelDescription), \(DecimalFormat.fixed(settings.flopsPerSample / 1e6, digits: 2)) MFLOP per sample",
            "run: \(settings.steps) measured steps after \(settings.warmup) warm-up steps, \(settings.repeats) repeats"
                + (settings.rounds > 1 ? " in each of \(settings.rounds) rounds; " : "; ")
                + (peak ?? "FMA peak not measured"),
        ]
    }
}
