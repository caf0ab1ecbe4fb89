import Foundation

/// How many inputs a fuzz test tries: a bounded default that keeps CI fast,
/// or `$RECUR_FUZZ_ITERATIONS` for a longer run of the same harness
/// (`RECUR_FUZZ_ITERATIONS=100000 swift test --filter Fuzz`). The seeds stay
/// fixed, so a longer run extends the default one.
public enum FuzzIterations {
    public static let environmentVariable = "RECUR_FUZZ_ITERATIONS"

    public static func count(default defaultCount: Int) -> Int {
        guard let text = ProcessInfo.processInfo.environment[environmentVariable], let count = Int(text), count > 0 else {
            return defaultCount
        }
        return count
    }
}
