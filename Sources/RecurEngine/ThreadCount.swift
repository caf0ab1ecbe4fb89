/// How many worker threads to run: `auto` (one per usable physical core) or
/// a fixed number.
public enum ThreadCount: Sendable, Hashable, CustomStringConvertible {
    /// One worker per usable physical core.
    case auto
    /// Exactly this many workers.
    case fixed(Int)

    /// Parses a command-line value: `auto` (any case) or a positive integer.
    /// Returns nil for anything else, including 0, negative numbers and
    /// numbers that do not fit an `Int`.
    public init?(argument: String) {
        if argument.lowercased() == "auto" {
            self = .auto
        } else if let value = Int(argument), value >= 1 {
            self = .fixed(value)
        } else {
            return nil
        }
    }

    public var description: String {
        switch self {
        case .auto: "auto"
        case .fixed(let value): String(value)
        }
    }
}
