/// The phases of one data-parallel training step, as the engine times them
/// (`--profile`, `recur bench`).
///
/// The cases are in the order a step runs them; tables, CSV columns and the
/// stacked bars of the plot all use this order.
public enum StepPhase: String, CaseIterable, Hashable, Sendable, Codable {
    /// The forward pass over the worker's shard.
    case forward
    /// Backpropagation through time over the worker's shard.
    case backward
    /// Summing the shards' gradients within the process ("shard sum"; the
    /// raw value keeps its old name for reports written before).
    case allReduce
    /// The exchange between processes: the chain of partial sums, the
    /// totals of this process's part and the other parts' updated
    /// parameters, waits included (runs across MPI ranks only; zero otherwise).
    case exchange
    /// The Adam update.
    case optimizer
    /// Time spent waiting for the slowest worker (load imbalance).
    case barrierWait

    /// A short human-readable name, e.g. "all-reduce".
    public var label: String {
        switch self {
        case .forward: "forward"
        case .backward: "backward (BPTT)"
        case .allReduce: "shard sum"
        case .exchange: "exchange (MPI)"
        case .optimizer: "optimizer"
        case .barrierWait: "barrier wait"
        }
    }

    /// The column stem used in CSV headers, e.g. "all_reduce".
    public var columnName: String {
        switch self {
        case .forward: "forward"
        case .backward: "backward"
        case .allReduce: "shard_sum"
        case .exchange: "exchange"
        case .optimizer: "optimizer"
        case .barrierWait: "barrier_wait"
        }
    }
}

/// Time one worker spent in each phase of training steps, in nanoseconds,
/// summed over the steps since the last reset.
public struct PhaseTimes: Hashable, Sendable {
    public var forward: Int64 = 0
    public var backward: Int64 = 0
    /// Forming the batch's gradient for the worker's blocks: summing the
    /// shards' gradients, and the linear layer's weight gradient over the batch.
    public var allReduce: Int64 = 0
    /// Waiting for the exchange between processes (every worker waits for it).
    public var exchange: Int64 = 0
    public var optimizer: Int64 = 0
    /// Waiting at barriers for slower workers: the cost of load imbalance.
    public var barrierWait: Int64 = 0
    public var steps: Int = 0

    public init() {}

    public var total: Int64 { forward + backward + allReduce + exchange + optimizer + barrierWait }
}

/// Seconds per training step spent in each phase of the step.
///
/// A breakdown is either the mean over workers or the maximum over workers,
/// phase by phase (see ``BenchMeasurement``).
public struct PhaseBreakdown: Hashable, Sendable {
    /// Seconds per step in the forward pass.
    public var forward: Double
    /// Seconds per step in backpropagation through time.
    public var backward: Double
    /// Seconds per step forming the batch's gradient: summing the shards'
    /// gradients, and the linear layer's weight gradient over the batch.
    public var allReduce: Double
    /// Seconds per step in the exchange between processes (0 for one process).
    public var exchange: Double
    /// Seconds per step in the optimizer update.
    public var optimizer: Double
    /// Seconds per step waiting at barriers for slower workers.
    public var barrierWait: Double

    public init(
        forward: Double, backward: Double, allReduce: Double, optimizer: Double, barrierWait: Double, exchange: Double = 0
    ) {
        self.forward = forward
        self.backward = backward
        self.allReduce = allReduce
        self.exchange = exchange
        self.optimizer = optimizer
        self.barrierWait = barrierWait
    }

    /// A breakdown with every phase at zero seconds.
    public static let zero = PhaseBreakdown(forward: 0, backward: 0, allReduce: 0, optimizer: 0, barrierWait: 0)

    /// The seconds per step of `phase`.
    public subscript(phase: StepPhase) -> Double {
        switch phase {
        case .forward: forward
        case .backward: backward
        case .allReduce: allReduce
        case .exchange: exchange
        case .optimizer: optimizer
        case .barrierWait: barrierWait
        }
    }

    /// The sum of all phases, in seconds per step.
    ///
    /// For a breakdown of per-phase maxima over workers this is the sum of the
    /// maxima, an upper bound on any one worker's step time.
    public var total: Double {
        StepPhase.allCases.reduce(0) { $0 + self[$1] }
    }
}

extension PhaseBreakdown: Codable {
    private enum CodingKeys: String, CodingKey {
        case forward, backward, shardSum, exchange, optimizer, barrierWait, total
        /// The shard sum's name in reports written before processes had an exchange.
        case allReduce
    }

    /// Decodes the phases; a `total` key, written by ``encode(to:)`` for
    /// readers of the JSON, is ignored because it is derived. Reads reports
    /// from before the exchange phase too: `allReduce` for the shard sum, no
    /// `exchange` (zero).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            forward: try container.decode(Double.self, forKey: .forward),
            backward: try container.decode(Double.self, forKey: .backward),
            allReduce: try container.decodeIfPresent(Double.self, forKey: .shardSum)
                ?? container.decode(Double.self, forKey: .allReduce),
            optimizer: try container.decode(Double.self, forKey: .optimizer),
            barrierWait: try container.decode(Double.self, forKey: .barrierWait),
            exchange: try container.decodeIfPresent(Double.self, forKey: .exchange) ?? 0)
    }

    /// Encodes the phases and their ``total``.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(forward, forKey: .forward)
        try container.encode(backward, forKey: .backward)
        try container.encode(allReduce, forKey: .shardSum)
        try container.encode(exchange, forKey: .exchange)
        try container.encode(optimizer, forKey: .optimizer)
        try container.encode(barrierWait, forKey: .barrierWait)
        try container.encode(total, forKey: .total)
    }
}

extension PhaseBreakdown {
    public enum Reduction: Sendable { case mean, max }

    /// Seconds per step of each phase, over workers' phase times.
    public init(_ workers: [PhaseTimes], reduce: Reduction) {
        let steps = Double(max(workers.first?.steps ?? 1, 1))
        func value(_ phase: KeyPath<PhaseTimes, Int64>) -> Double {
            let values = workers.map { Double($0[keyPath: phase]) }
            let combined = reduce == .mean ? values.reduce(0, +) / Double(max(values.count, 1)) : (values.max() ?? 0)
            return combined / steps / 1e9
        }
        self.init(
            forward: value(\.forward), backward: value(\.backward), allReduce: value(\.allReduce),
            optimizer: value(\.optimizer), barrierWait: value(\.barrierWait), exchange: value(\.exchange))
    }
}
