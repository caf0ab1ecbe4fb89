/// Workers could not be placed.
public enum PlacementError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The process may not run on any PU of the topology.
    case noUsablePUs
    /// The thread count is below 1.
    case invalidThreadCount(Int)
    /// The thread count exceeds ``Placement/maximumThreads``.
    case tooManyThreads(requested: Int, maximum: Int)

    public var description: String {
        switch self {
        case .noUsablePUs:
            "placement: this process may not run on any processing unit of the topology"
        case .invalidThreadCount(let count):
            "placement: --threads must be at least 1 (got \(count))"
        case .tooManyThreads(let requested, let maximum):
            "placement: --threads \(requested) is more than the supported \(maximum)"
        }
    }
}
