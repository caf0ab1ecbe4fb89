import RecurCore
import RecurEngine

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What a run will allocate, checked against the machine before anything is,
/// so an oversized model is an error message rather than a crash.
public enum MemoryBudget {
    /// Bytes a run needs, roughly: the parameters, their gradient, Adam's two
    /// moments and the transposed copy, one gradient per shard of a batch,
    /// each worker's inputs and scratch space for its largest pass, and the
    /// batch's last-layer outputs kept for the linear layer's weight gradient.
    public static func estimatedBytes(
        shape: ModelShape, batchSize: Int, shardSize: Int, workers: Int,
        samplesPerPass: Int = ShardPlan.defaultSamplesPerPass
    ) -> Double {
        let parameters = Double(ParameterLayout(shape).count)
        let shards = Double((batchSize + shardSize - 1) / shardSize)
        let passSamples = DataParallelEngine.maxPassSamples(
            shardSize: shardSize, maxBatch: batchSize, samplesPerPass: samplesPerPass)
        let passInputs = Double(passSamples * shape.sampleInputCount)
        let workspace = Double(ShardPass.workspaceCount(shape: shape, samples: passSamples, keepsOutputs: true))
        let kept = Double(batchSize * (shape.flatFeatures + shape.classes))
        return 4 * (parameters * (5 + shards) + Double(workers) * (passInputs + workspace) + kept)
    }

    /// Throws when the estimate exceeds the machine's physical memory.
    public static func require(
        shape: ModelShape, batchSize: Int, shardSize: Int, workers: Int,
        samplesPerPass: Int = ShardPlan.defaultSamplesPerPass
    ) throws(RecurError) {
        let needed = estimatedBytes(
            shape: shape, batchSize: batchSize, shardSize: shardSize, workers: workers, samplesPerPass: samplesPerPass)
        let physical = Double(sysconf(Int32(_SC_PHYS_PAGES))) * Double(sysconf(Int32(_SC_PAGESIZE)))
        guard physical > 0, needed > physical else { return }
        throw .system(
            "--hidden \(shape.hidden) --layers \(shape.layers) --batch-size \(batchSize) --shard-size \(shardSize) "
                + "needs about \(gibibytes(needed)) of memory; this machine has \(gibibytes(physical))")
    }

    /// `bytes` in GiB with one decimal.
    static func gibibytes(_ bytes: Double) -> String {
        let tenths = Int((bytes / 1_073_741_824 * 10).rounded())
        return "\(tenths / 10).\(tenths % 10) GiB"
    }
}
