import FoundationEssentials

/// `--json` output: one compact JSON object per line, snake_case keys.
enum JSONLines {
    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // JSON has no NaN or infinity: a diverged figure is written as null
        // (encoded as a marker string first, replaced after encoding).
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: nonFiniteMarker, negativeInfinity: nonFiniteMarker, nan: nonFiniteMarker)
        return encoder
    }()

    /// Stands for a non-finite number until it is replaced by `null`.
    private static let nonFiniteMarker = "\u{1}recur-non-finite\u{1}"

    static func print<Value: Encodable>(_ value: Value) {
        do {
            Console.line(try line(value))
        } catch {
            Console.error("recur: cannot write a JSON line: \(error)")
        }
    }

    /// `value` as one line (no newline), or `{}` when it cannot be encoded.
    static func encode<Value: Encodable>(_ value: Value) -> String {
        (try? line(value)) ?? "{}"
    }

    private static func line<Value: Encodable>(_ value: Value) throws -> String {
        let text = String(decoding: try encoder.encode(value), as: UTF8.self)
        return text.replacing("\"\\u0001recur-non-finite\\u0001\"", with: "null")
    }
}
