import FoundationEssentials

/// `--json` output: one compact JSON object per line, snake_case keys.
enum JSONLines {
    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // JSON has no NaN or infinity; a diverged figure is still reported.
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return encoder
    }()

    static func print<Value: Encodable>(_ value: Value) {
        do {
            Console.line(String(decoding: try encoder.encode(value), as: UTF8.self))
        } catch {
            Console.error("recur: cannot write a JSON line: \(error)")
        }
    }
}
