/// Class names written into metadata strings (a checkpoint's `class_names`,
/// a safetensors data file's `classes`) as a JSON array of strings, which
/// Python reads back with `json.loads`; a plain comma-separated list is
/// read too.
public enum ClassNames {
    /// `names` as a JSON array: `["Standing","Running"]`.
    public static func encode(_ names: [String]) -> String {
        "[" + names.map(quoted).joined(separator: ",") + "]"
    }

    /// The names in `text`: a JSON array of strings, or names separated by
    /// commas; nil when a JSON array is malformed or a name is empty.
    public static func decode(_ text: String) -> [String]? {
        let scalars = Array(text.unicodeScalars)
        var position = 0
        func skipSpaces() { while position < scalars.count && " \t\n\r".unicodeScalars.contains(scalars[position]) { position += 1 } }
        skipSpaces()
        guard position < scalars.count, scalars[position] == "[" else {
            let names = text.split(separator: ",", omittingEmptySubsequences: false).map { String($0).trimmingSpaces }
            return names.contains(where: \.isEmpty) ? nil : names
        }
        position += 1
        var names: [String] = []
        skipSpaces()
        if position < scalars.count && scalars[position] == "]" { return [] }
        while true {
            skipSpaces()
            guard position < scalars.count, scalars[position] == "\"" else { return nil }
            position += 1
            var name = String.UnicodeScalarView()
            while true {
                guard position < scalars.count else { return nil }
                let scalar = scalars[position]
                position += 1
                if scalar == "\"" { break }
                guard scalar == "\\" else { name.append(scalar); continue }
                guard position < scalars.count else { return nil }
                let escaped = scalars[position]
                position += 1
                switch escaped {
                case "\"", "\\", "/": name.append(escaped)
                case "n": name.append("\n")
                case "t": name.append("\t")
                case "r": name.append("\r")
                case "b": name.append("\u{8}")
                case "f": name.append("\u{c}")
                case "u":
                    guard position + 4 <= scalars.count,
                        let code = UInt32(String(String.UnicodeScalarView(scalars[position..<position + 4])), radix: 16),
                        let decoded = Unicode.Scalar(code)
                    else { return nil }
                    name.append(decoded)
                    position += 4
                default: return nil
                }
            }
            names.append(String(name))
            skipSpaces()
            guard position < scalars.count else { return nil }
            if scalars[position] == "]" {
                position += 1
                skipSpaces()
                return position == scalars.count && !names.contains(where: \.isEmpty) ? names : nil
            }
            guard scalars[position] == "," else { return nil }
            position += 1
        }
    }

    private static func quoted(_ name: String) -> String {
        var out = "\""
        for scalar in name.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}

extension String {
    /// The string without leading and trailing spaces and tabs.
    var trimmingSpaces: String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
