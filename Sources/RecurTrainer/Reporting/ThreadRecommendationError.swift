/// Results that a thread count cannot be recommended from.
public enum ThreadRecommendationError: Error, Hashable, Sendable, CustomStringConvertible {
    /// There are no results.
    case noResults
    /// The results are of more than one batch size.
    case mixedBatchSizes([Int])
    /// The results are of more than one shard size.
    case mixedShardSizes([Int])
    /// The tolerance is not in 0..<1.
    case invalidTolerance(Double)

    public var description: String {
        switch self {
        case .noResults:
            "recur tune: there are no benchmark results to recommend a thread count from"
        case let .mixedBatchSizes(sizes):
            "recur tune: results mix batch sizes \(sizes.map(String.init).joined(separator: ", ")); recommend for one at a time"
        case let .mixedShardSizes(sizes):
            "recur tune: results mix shard sizes \(sizes.map(String.init).joined(separator: ", ")); recommend for one at a time"
        case let .invalidTolerance(tolerance):
            "recur tune: tolerance \(tolerance) is out of range, expected 0 or more and less than 1"
        }
    }
}
