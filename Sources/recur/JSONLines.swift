import FoundationEssentials

/// `--json` output: one compact JSON object per line, snake_case keys.
enum JSONLines {
    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    static func print<Value: Encodable>(_ value: Value) {
        guard let data = try? encoder.encode(value) else { return }
        Console.line(String(decoding: data, as: UTF8.self))
    }
}
