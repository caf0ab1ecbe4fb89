import FoundationEssentials

extension BenchReport {
    /// The whole report as pretty-printed JSON with keys in sorted order, so
    /// reports of different runs diff cleanly.
    ///
    /// Besides the measurements, every result carries its derived figures
    /// (median, min, max, speedup, efficiency, gflops, peakShare) and every
    /// phase breakdown its `total`; speedup, efficiency and peakShare are left
    /// out when they are unknown. Times are in seconds per step.
    ///
    /// - Throws: `EncodingError` from `JSONEncoder`; a report built by `init`
    ///   holds only finite numbers, so this does not happen in practice.
    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self) + "\n"
    }

    /// Reads a report written by ``json()``.
    ///
    /// - Throws: ``BenchReportError/malformedJSON(_:)`` when `json` is not a
    ///   report, or another ``BenchReportError`` when a value is out of range.
    public init(json: String) throws(BenchReportError) {
        do {
            self = try JSONDecoder().decode(BenchReport.self, from: Data(json.utf8))
        } catch let error as BenchReportError {
            throw error
        } catch let DecodingError.keyNotFound(key, context) {
            throw .malformedJSON("missing key \(Self.path(context.codingPath + [key]))")
        } catch let DecodingError.typeMismatch(type, context) {
            throw .malformedJSON("\(Self.path(context.codingPath)) is not of type \(type)")
        } catch let DecodingError.valueNotFound(type, context) {
            throw .malformedJSON("\(Self.path(context.codingPath)) is null, expected \(type)")
        } catch {
            throw .malformedJSON("not valid JSON")
        }
    }

    /// A coding path as a dotted string, e.g. "results[2].phases.forward".
    private static func path(_ keys: [any CodingKey]) -> String {
        var path = ""
        for key in keys {
            if let index = key.intValue {
                path += "[\(index)]"
            } else {
                path += path.isEmpty ? key.stringValue : "." + key.stringValue
            }
        }
        return path.isEmpty ? "the top level" : path
    }
}
