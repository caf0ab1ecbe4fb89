extension VerificationReport {
    /// The report as JSON, keys in a fixed order:
    /// `{"reference", "shape": {"hidden", "layers", "input_size", "seq_len",
    /// "classes"}, "batch", "adam_steps", "tolerance", "passed", "tensors":
    /// [{"name", "elements", "relative_error", "norm", "passed"}, ...]}`,
    /// with `norm` either `"max"` or `"l2"`.
    /// Errors are numbers in Swift's shortest round-tripping form; an
    /// infinite error (NaN or size mismatch) is `null`.
    public func json() -> String {
        func number(_ value: Double) -> String { value.isFinite ? "\(value)" : "null" }
        let shapeFields = shape.metadataFields.map { "\"\($0.key)\": \($0.value)" }.joined(separator: ", ")
        let tensors = rows.map { row in
            "    {\"name\": \(Self.jsonString(row.name)), \"elements\": \(row.elements), "
                + "\"relative_error\": \(number(row.relativeError)), \"norm\": \"\(row.norm.rawValue)\", "
                + "\"passed\": \(row.passed)}"
        }
        return """
            {
              "reference": \(Self.jsonString(reference)),
              "shape": {\(shapeFields)},
              "batch": \(batchSize),
              "adam_steps": \(adamSteps),
              "tolerance": \(number(tolerance)),
              "passed": \(passed),
              "tensors": [
            \(tensors.joined(separator: ",\n"))
              ]
            }

            """
    }

    /// `text` as a JSON string literal: quotes, backslashes and control
    /// characters escaped.
    static func jsonString(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}
