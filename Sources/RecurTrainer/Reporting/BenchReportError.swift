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
