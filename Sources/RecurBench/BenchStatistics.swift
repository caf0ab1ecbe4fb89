/// The statistics a benchmark report computes.
public enum BenchStatistics {
    /// The median of `values`: the middle value of the sorted values, or the
    /// mean of the two middle values when there is an even number of them;
    /// nil when `values` is empty.
    ///
    /// - Complexity: O(*n* log *n*) for *n* values.
    public static func median(_ values: [Double]) -> Double? {
        let sorted = values.sorted()
        let middle = sorted.count / 2
        guard !sorted.isEmpty else { return nil }
        if sorted.count % 2 == 1 { return sorted[middle] }
        return (sorted[middle - 1] + sorted[middle]) / 2
    }

    /// How many times faster `throughput` is than `baseline`, the throughput
    /// of one thread at the same batch size.
    public static func speedup(throughput: Double, baseline: Double) -> Double {
        throughput / baseline
    }

    /// The share of linear scaling achieved: `throughput / (threads * baseline)`,
    /// 1 when `threads` workers are exactly `threads` times as fast as one.
    public static func efficiency(throughput: Double, baseline: Double, threads: Int) -> Double {
        throughput / (Double(threads) * baseline)
    }
}
