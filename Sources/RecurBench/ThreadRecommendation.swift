import RecurCore
import RecurTrainer

/// The thread count `recur tune` recommends for one batch size: the fewest
/// threads whose median throughput is within a tolerance of the fastest.
public struct ThreadRecommendation: Hashable, Sendable, CustomStringConvertible {
    /// More threads that trained slower than fewer.
    public struct Slowdown: Hashable, Sendable {
        /// The larger thread count.
        public var threads: Int
        /// The fastest smaller thread count.
        public var fasterThreads: Int
        /// How much slower `threads` is than `fasterThreads`, as a share of
        /// the latter's throughput (0.12 is 12 % slower).
        public var shortfall: Double

        /// E.g. "16 threads are 12% slower than 8".
        public var description: String {
            "\(threads) threads are \(ThreadRecommendation.percent(shortfall)) slower than \(fasterThreads)"
        }
    }

    /// The batch size of the results.
    public let batchSize: Int
    /// The shard size of the results.
    public let shardSize: Int
    /// The recommended thread count.
    public let threads: Int
    /// The pass size (`--pass-samples`) of the fastest result at ``threads``.
    public let samplesPerPass: Int
    /// Median samples/s at the recommended thread count.
    public let samplesPerSecond: Double
    /// The thread count with the highest median throughput.
    public let fastestThreads: Int
    /// Median samples/s at ``fastestThreads``.
    public let fastestSamplesPerSecond: Double
    /// The share of the fastest throughput that fewer threads may give up.
    public let tolerance: Double
    /// Every thread count that is slower than a smaller one, compared with the
    /// fastest smaller one, in ascending order of threads.
    public let slowdowns: [Slowdown]
    /// The model's options for ``commandLine``, e.g. `["--cell", "lstm"]`.
    public let modelArguments: [String]
    /// The pass size `recur train` picks for this model here without
    /// `--pass-samples`.
    public let defaultSamplesPerPass: Int

    /// Recommends a thread count from `results`, which must all have the same
    /// batch size and shard size. When several results have the same thread
    /// count (with and without pinning, or with other pass sizes), the
    /// fastest of them stands for that count, and its pass size goes with the
    /// recommendation.
    ///
    /// - Parameters:
    ///   - results: Benchmark results of one batch size, in any order.
    ///   - tolerance: The share of the best median throughput (0.03 is 3 %)
    ///     that the recommendation may fall short of in exchange for fewer
    ///     threads; from 0 up to, not including, 1.
    ///   - modelArguments: The model's options, for ``commandLine``.
    ///   - defaultSamplesPerPass: The pass size `recur train` picks for the
    ///     model here; ``commandLine`` names `--pass-samples` when the
    ///     recommendation's differs.
    /// - Throws: ``ThreadRecommendationError`` when `results` is empty, mixes
    ///   batch sizes or shard sizes, or `tolerance` is out of range.
    /// - Complexity: O(*n* log *n*) for *n* results.
    public init(
        results: [BenchResult], tolerance: Double = 0.03, modelArguments: [String] = [],
        defaultSamplesPerPass: Int = ShardPlan.defaultSamplesPerPass
    ) throws(ThreadRecommendationError) {
        guard tolerance.isFinite, tolerance >= 0, tolerance < 1 else { throw .invalidTolerance(tolerance) }
        guard let batchSize = results.first?.configuration.batchSize else { throw .noResults }
        let batchSizes = Set(results.map(\.configuration.batchSize))
        guard batchSizes.count == 1 else { throw .mixedBatchSizes(batchSizes.sorted()) }
        let shardSizes = Set(results.map(\.configuration.shardSize))
        guard shardSizes.count == 1, let shardSize = shardSizes.first else { throw .mixedShardSizes(shardSizes.sorted()) }

        // The fastest result at each thread count stands for it.
        var fastestAt: [Int: BenchResult] = [:]
        for result in results where result.medianSamplesPerSecond > fastestAt[result.configuration.threads]?.medianSamplesPerSecond ?? -1 {
            fastestAt[result.configuration.threads] = result
        }
        let counts = fastestAt.mapValues(\.medianSamplesPerSecond).sorted { $0.key < $1.key }
        var fastest = counts[0]
        for count in counts where count.value > fastest.value { fastest = count }
        let chosen = counts.first { $0.value >= fastest.value * (1 - tolerance) } ?? fastest

        var slowdowns: [Slowdown] = []
        var fastestSoFar = counts[0]
        for count in counts.dropFirst() {
            if count.value < fastestSoFar.value {
                slowdowns.append(Slowdown(threads: count.key, fasterThreads: fastestSoFar.key, shortfall: 1 - count.value / fastestSoFar.value))
            } else {
                fastestSoFar = count
            }
        }

        self.batchSize = batchSize
        self.shardSize = shardSize
        self.threads = chosen.key
        self.samplesPerPass = fastestAt[chosen.key]!.configuration.samplesPerPass
        self.samplesPerSecond = chosen.value
        self.fastestThreads = fastest.key
        self.fastestSamplesPerSecond = fastest.value
        self.tolerance = tolerance
        self.slowdowns = slowdowns
        self.modelArguments = modelArguments
        self.defaultSamplesPerPass = defaultSamplesPerPass
    }

    /// The command that trains with the recommendation, e.g.
    /// "recur train --threads 8 --batch-size 256" (with the model's options,
    /// and `--shard-size` and `--pass-samples` when they are not the
    /// defaults).
    public var commandLine: String {
        (["recur train"] + modelArguments).joined(separator: " ")
            + " --threads \(threads) --batch-size \(batchSize)"
            + (shardSize == TrainingOptions().shardSize ? "" : " --shard-size \(shardSize)")
            + (samplesPerPass == defaultSamplesPerPass ? "" : " --pass-samples \(samplesPerPass)")
    }

    /// The recommendation, the fastest thread count when it differs, every
    /// slowdown, and the command line, one sentence per line, e.g.
    ///
    ///     Recommended: 8 threads at batch size 256 (11000.0 samples/s).
    ///     16 threads are 2.1% faster (11231.0 samples/s), within the 3% tolerance, so fewer threads are preferred.
    ///     Use: recur train --threads 8 --batch-size 256
    public var description: String {
        let rate = { DecimalFormat.fixed($0, digits: 1) }
        var lines = ["Recommended: \(threads) thread\(threads == 1 ? "" : "s") at batch size \(batchSize) (\(rate(samplesPerSecond)) samples/s)."]
        if fastestThreads != threads {
            let gain = fastestSamplesPerSecond / samplesPerSecond - 1
            lines.append(
                "\(fastestThreads) threads are \(Self.percent(gain)) faster (\(rate(fastestSamplesPerSecond)) samples/s), "
                    + "within the \(Self.percent(tolerance)) tolerance, so fewer threads are preferred.")
        }
        lines += slowdowns.map { $0.description + "." }
        lines.append("Use: \(commandLine)")
        return lines.joined(separator: "\n")
    }

    /// `share` as a percentage: whole percent from 10 % up, otherwise with one
    /// decimal unless it is zero, e.g. "12%", "2.5%", "3%".
    static func percent(_ share: Double) -> String {
        let text = DecimalFormat.fixed(share * 100, digits: share >= 0.1 ? 0 : 1)
        return (text.hasSuffix(".0") ? String(text.dropLast(2)) : text) + "%"
    }
}

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
