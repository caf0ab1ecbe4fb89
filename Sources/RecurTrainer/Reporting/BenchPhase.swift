/// The phases of one data-parallel training step that the benchmark times.
///
/// The cases are in the order a step runs them; tables, CSV columns and the
/// stacked bars of the plot all use this order.
public enum BenchPhase: String, CaseIterable, Hashable, Sendable, Codable {
    /// The forward pass over the worker's shard.
    case forward
    /// Backpropagation through time over the worker's shard.
    case backward
    /// Summing the workers' gradients.
    case allReduce
    /// The Adam update.
    case optimizer
    /// Time spent waiting for the slowest worker (load imbalance).
    case barrierWait

    /// A short human-readable name, e.g. "all-reduce".
    public var label: String {
        switch self {
        case .forward: "forward"
        case .backward: "backward (BPTT)"
        case .allReduce: "all-reduce"
        case .optimizer: "optimizer"
        case .barrierWait: "barrier wait"
        }
    }

    /// The column stem used in CSV headers, e.g. "all_reduce".
    public var columnName: String {
        switch self {
        case .forward: "forward"
        case .backward: "backward"
        case .allReduce: "all_reduce"
        case .optimizer: "optimizer"
        case .barrierWait: "barrier_wait"
        }
    }
}
