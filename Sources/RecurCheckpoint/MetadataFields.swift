/// Typed reads of safetensors metadata (every value is a string), each
/// failing with the key, the text found and what was expected.
package struct MetadataFields {
    package let metadata: [String: String]

    package init(_ metadata: [String: String]) { self.metadata = metadata }

    /// The text of `key`.
    package func text(_ key: String) throws(ModelFileIssue) -> String {
        guard let value = metadata[key] else { throw .missingMetadata(key) }
        return value
    }

    /// A decimal integer of at least `minimum`.
    package func integer(_ key: String, atLeast minimum: Int) throws(ModelFileIssue) -> Int {
        let value = try text(key)
        guard let number = Int(value), number >= minimum else {
            throw .invalidMetadata(key: key, value: value, expected: "an integer of at least \(minimum)")
        }
        return number
    }

    /// A decimal integer of at least `minimum`, or nil when `key` is absent.
    package func optionalInteger(_ key: String, atLeast minimum: Int) throws(ModelFileIssue) -> Int? {
        metadata[key] == nil ? nil : try integer(key, atLeast: minimum)
    }

    /// An unsigned 64-bit decimal integer.
    package func unsigned(_ key: String) throws(ModelFileIssue) -> UInt64 {
        let value = try text(key)
        guard let number = UInt64(value) else {
            throw .invalidMetadata(key: key, value: value, expected: "an unsigned 64-bit integer")
        }
        return number
    }

    /// A finite number in `range`, written as Swift or Python print it ("0.001", "1e-08").
    package func number(_ key: String, in range: Range<Double>) throws(ModelFileIssue) -> Double {
        try Self.number(try text(key), key: key, in: range)
    }

    /// Two finite numbers in `range` separated by a comma, as in `betas` = "0.9,0.999".
    package func pair(_ key: String, in range: Range<Double>) throws(ModelFileIssue) -> (Double, Double) {
        let value = try text(key)
        let parts = value.split(separator: ",", omittingEmptySubsequences: false)
        guard parts.count == 2 else {
            throw .invalidMetadata(key: key, value: value, expected: "two numbers separated by a comma")
        }
        return (
            try Self.number(String(parts[0]), key: key, in: range, whole: value),
            try Self.number(String(parts[1]), key: key, in: range, whole: value)
        )
    }

    /// `number` and `pair` write numbers this way: Swift's shortest
    /// round-tripping form, so reading gives back the same `Double`.
    package static func format(_ value: Double) -> String { "\(value)" }

    /// `first,second` with both numbers formatted as ``format(_:)``.
    package static func format(_ first: Double, _ second: Double) -> String { "\(format(first)),\(format(second))" }

    private static func number(
        _ text: String, key: String, in range: Range<Double>, whole: String? = nil
    ) throws(ModelFileIssue) -> Double {
        let trimmed = text.trimmingSpaces
        guard let number = Double(trimmed), number.isFinite, range.contains(number) else {
            let bounds =
                range.upperBound == .infinity
                ? "of at least \(format(range.lowerBound))"
                : "in [\(format(range.lowerBound)), \(format(range.upperBound)))"
            throw .invalidMetadata(
                key: key, value: whole ?? text,
                expected: whole == nil ? "a number \(bounds)" : "two numbers \(bounds) separated by a comma")
        }
        return number
    }
}

extension String {
    /// The string without leading and trailing spaces.
    fileprivate var trimmingSpaces: String {
        String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}
