import FoundationEssentials

extension VerificationReport {
    /// The report as pretty-printed JSON with keys in sorted order:
    /// `{"adam_steps", "batch", "passed", "reference", "shape": {"classes",
    /// "hidden", "input_size", "layers", "seq_len"}, "tensors": [{"elements",
    /// "name", "norm", "passed", "relative_error"}, ...], "tolerance"}`, with
    /// `norm` either `"max"` or `"l2"`. An infinite error (NaN or size
    /// mismatch) is `null`.
    ///
    /// - Throws: `EncodingError` from `JSONEncoder`; non-finite numbers are
    ///   written as `null`, so this does not happen in practice.
    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(JSONDocument(self)), as: UTF8.self) + "\n"
    }
}

/// What ``VerificationReport/json()`` writes, with its key names.
private struct JSONDocument: Encodable {
    struct Tensor: Encodable {
        var name: String
        var elements: Int
        var relativeError: Double
        var norm: String
        var passed: Bool

        enum CodingKeys: String, CodingKey {
            case name, elements, norm, passed
            case relativeError = "relative_error"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(name, forKey: .name)
            try container.encode(elements, forKey: .elements)
            try container.encode(norm, forKey: .norm)
            try container.encode(passed, forKey: .passed)
            // null, not an omitted key, for an infinite error.
            if relativeError.isFinite {
                try container.encode(relativeError, forKey: .relativeError)
            } else {
                try container.encodeNil(forKey: .relativeError)
            }
        }
    }

    var reference: String
    var shape: [String: Int]
    var batch: Int
    var adamSteps: Int
    var tolerance: Double
    var passed: Bool
    var tensors: [Tensor]

    enum CodingKeys: String, CodingKey {
        case reference, shape, batch, tolerance, passed, tensors
        case adamSteps = "adam_steps"
    }

    init(_ report: VerificationReport) {
        reference = report.reference
        shape = Dictionary(uniqueKeysWithValues: report.shape.metadataFields.map { ($0.key, $0.value) })
        batch = report.batchSize
        adamSteps = report.adamSteps
        tolerance = report.tolerance
        passed = report.passed
        tensors = report.rows.map {
            Tensor(name: $0.name, elements: $0.elements, relativeError: $0.relativeError, norm: $0.norm.rawValue,
                   passed: $0.passed)
        }
    }
}
