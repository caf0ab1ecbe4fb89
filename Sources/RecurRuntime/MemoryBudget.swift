import RecurSystem
import RecurCore
import RecurEngine

/// What a run will allocate, checked against the machine before anything is,
/// so an oversized model is an error message rather than a crash.
public enum MemoryBudget {
    /// The largest batch the estimate computes exactly; beyond it the
    /// estimate is infinite (its inputs alone would need terabytes).
    static let largestEstimatedBatch = 1 << 30

    /// Bytes a run needs, roughly: the parameters, their gradient, Adam's two
    /// moments and the transposed copy, one gradient per shard of a batch,
    /// each worker's inputs and scratch space for its largest pass, the
    /// batch's last-layer outputs kept for the linear layer's weight
    /// gradient, and the logits and labels of every shard (which grow with
    /// the shard size, not the batch: a shard larger than the batch still
    /// has room for a whole shard).
    ///
    /// Computed in floating point from sizes that are checked first, so no
    /// value of the options can overflow it: absurd ones give `.infinity`.
    public static func estimatedBytes(
        shape: ModelShape, batchSize: Int, shardSize: Int, workers: Int,
        samplesPerPass: Int = ShardPlan.defaultSamplesPerPass
    ) -> Double {
        guard batchSize >= 1, shardSize >= 1, workers >= 1, samplesPerPass >= 1 else { return 0 }
        guard batchSize <= largestEstimatedBatch else { return .infinity }
        let parameters = Double(ParameterLayout(shape).count)
        let shardCount = batchSize / shardSize + (batchSize % shardSize == 0 ? 0 : 1)
        let passSamples =
            shardSize >= batchSize
            ? batchSize
            : DataParallelEngine.maxPassSamples(
                shardSize: shardSize, maxBatch: batchSize, samplesPerPass: min(samplesPerPass, batchSize))
        let passInputs = Double(passSamples) * Double(shape.sampleInputCount)
        let workspace = Double(ShardPass.workspaceCount(shape: shape, samples: passSamples, keepsOutputs: true))
        let kept = Double(batchSize) * Double(shape.headFeatures + shape.classes)
        let shardOutputs = Double(shardCount) * Double(shardSize) * Double(shape.classes + 1)
        return 4 * (parameters * (5 + Double(shardCount)) + Double(workers) * (passInputs + workspace) + kept + shardOutputs)
    }

    /// Throws when the estimate exceeds the machine's physical memory.
    public static func require(
        shape: ModelShape, batchSize: Int, shardSize: Int, workers: Int,
        samplesPerPass: Int = ShardPlan.defaultSamplesPerPass
    ) throws(RecurError) {
        let needed = estimatedBytes(
            shape: shape, batchSize: batchSize, shardSize: shardSize, workers: workers, samplesPerPass: samplesPerPass)
        let physical = SystemCalls.physicalMemory
        guard physical > 0, needed > physical else { return }
        throw .system(
            "--hidden \(shape.hidden) --layers \(shape.layers) --batch-size \(batchSize) --shard-size \(shardSize) "
                + "needs \(needed < 1_125_899_906_842_624 ? "about \(gibibytes(needed))" : "more than 1 PiB") of memory; "
                + "this machine has \(gibibytes(physical))")
    }

    /// `bytes` in GiB with one decimal.
    static func gibibytes(_ bytes: Double) -> String {
        guard bytes < 1e18 else { return "\(bytes / 1_073_741_824) GiB" }
        let tenths = Int((bytes / 1_073_741_824 * 10).rounded())
        return "\(tenths / 10).\(tenths % 10) GiB"
    }
}
