import Atomics
import RecurCore
import RecurModel

/// Where the engine gets its samples: copies the samples at `indices` into
/// `inputs` (`indices.count * sampleInputCount` floats) and `labels`, and,
/// where samples end before the model's last step, their lengths.
public protocol SampleSource: Sendable {
    func copySamples(_ indices: UnsafeBufferPointer<Int32>, inputs: UnsafeMutablePointer<Float>, labels: UnsafeMutablePointer<Int32>)

    /// Whether samples have lengths of their own (``ShardPass/lengths``);
    /// false by default: every sample has all the model's steps.
    var hasLengths: Bool { get }

    /// Copies the lengths of the samples at `indices`, each in
    /// `1...sequenceLength`, to `lengths`. Called only when ``hasLengths``.
    func copyLengths(_ indices: UnsafeBufferPointer<Int32>, into lengths: UnsafeMutablePointer<Int32>)
}

extension SampleSource {
    public var hasLengths: Bool { false }

    public func copyLengths(_ indices: UnsafeBufferPointer<Int32>, into lengths: UnsafeMutablePointer<Int32>) {
        preconditionFailure("\(Self.self) has no lengths")
    }
}

/// Data-parallel training on a ``WorkerPool``: every step, workers take
/// runs of consecutive shards of the batch from a shared queue and run
/// each run as one pass (``ShardPass``: wider products, a gradient per
/// shard) on their own scratch memory; then each worker, for its own blocks of parameters
/// (``UpdatePlan``), forms the batch's gradient (the shard gradients summed
/// in shard order, or for the linear layer's weight one product over the
/// outputs the shards kept), applies Adam to that part of the one shared
/// parameter buffer and refreshes that part of the transposed weights.
///
/// Worker 0 takes its passes from the front of the queue and adds each of
/// its shards' gradients straight into the batch's gradient as it goes
/// (``ShardPass/GradientOutput/chained(startsChain:)``); the other workers
/// take theirs from the back, into a buffer per shard. The sum after the
/// barrier then starts from worker 0's running sum: the same additions in
/// the same order, so the same bits, without writing and reading back a
/// buffer per shard for the leading shards (on one thread, for any).
///
/// One step is one `pool.run` with one barrier crossing and no locks. Which
/// worker runs a shard does not matter to the result: a step depends on the
/// batch and ``shardSize``, never on the worker count (see ``ShardPlan``).
public final class DataParallelEngine: @unchecked Sendable {
    public let pool: WorkerPool
    public let parameters: Parameters
    /// The optimizer ``step(source:indices:)`` updates; nil for an engine
    /// that only evaluates or computes gradients.
    public let optimizer: AdamState?
    /// How each step's batch gradient is formed from its shards'.
    public let reduction: any GradientReduction
    public let backend: any ComputeBackend
    /// Samples per gradient shard.
    public let shardSize: Int
    /// The largest batch a step takes.
    public let maxBatch: Int
    /// Samples a worker's pass over consecutive shards aims at (a speed
    /// setting only: see ``ShardPlan/shardsPerPass(workers:samplesPerPass:)``).
    public let samplesPerPass: Int

    let shape: ModelShape
    let layout: ParameterLayout
    let packedLayout: PackedLayout
    let packed: FloatBuffer
    /// The summed gradient of the last step (not written by a step across processes).
    public let gradient: FloatBuffer
    let maxShards: Int
    /// Samples of the largest pass: a worker's inputs and workspace hold one.
    let maxPassSamples: Int
    let passInputFloats: Int
    // Per shard its gradient; per worker its workspace and the inputs of its
    // pass. Each is allocated and first touched by the worker that uses it
    // for a full batch.
    let shardGradients: WorkerSlots<PinnedMemory?>
    let passInputs: WorkerSlots<PinnedMemory?>
    let workspaces: WorkerSlots<PinnedMemory?>
    // Raw pointers into the memory above, read on every step: reading them
    // takes no reference counts, which 16 workers would contend on.
    let passInputPointers: UnsafeMutablePointer<UnsafeMutablePointer<Float>>
    let workspacePointers: UnsafeMutablePointer<UnsafeMutablePointer<Float>>
    let shardLogits: UnsafeMutablePointer<Float>
    let shardLabels: UnsafeMutablePointer<Int32>
    let shardLengths: UnsafeMutablePointer<Int32>
    let shardGradientPointers: UnsafeMutablePointer<UnsafeMutablePointer<Float>>
    /// What a step's sum adds up, in order (at most `maxShards + 1`
    /// pointers, ``setSumSources(running:shards:)``): a running sum that
    /// already holds the leading shards (worker 0's chain in ``gradient``,
    /// or the previous process's partial sums), then the other shards'
    /// buffers. A single-process step has `sumSourceCount` of them, set by
    /// worker 0 before the barrier.
    let sumSources: UnsafeMutablePointer<UnsafeMutablePointer<Float>>
    var sumSourceCount = 0
    /// `maxShards` pointers to ``gradient``: the buffers of a pass that adds
    /// its shards to the batch's gradient.
    let batchGradientPointers: UnsafeMutablePointer<UnsafeMutablePointer<Float>>
    /// The workers' shares of a step across processes, made on the first one.
    var exchangeWorkCache: ExchangeWork?
    let shardLosses: UnsafeMutablePointer<Float>
    let shardCorrect: UnsafeMutablePointer<Int>
    /// The batch's last-layer outputs and logit gradients, where every pass
    /// puts them (workspaces have no room for them), kept by the
    /// shards for the linear layer's weight gradient.
    let keptTop: FloatBuffer
    let keptLogitGradient: FloatBuffer
    let kept: KeptOutputs
    /// The shards of the current job not taken yet, `front..<back`, packed
    /// as `back << 32 | front` so both ends move with one compare-and-swap.
    let shardQueue = ManagedAtomic<UInt64>(0)
    let updatePlan: UpdatePlan
    /// One cache line of phase times per worker, so workers never share a line.
    let phaseTimes: UnsafeMutablePointer<PhaseTimes>
    static let phaseStride = (MemoryLayout<PhaseTimes>.stride + 63) / 64 * 64 / MemoryLayout<PhaseTimes>.stride

    /// - Parameters:
    ///   - shardSize: samples per gradient shard. Results are bit-identical
    ///     across thread counts for a fixed shard size; at most
    ///     `maxBatch / shardSize` workers have shards to run.
    ///   - samplesPerPass: how many samples a worker runs through the data
    ///     path together, in whole shards; results do not depend on it.
    ///   - optimizer: nil for an engine that never steps.
    public init(
        pool: WorkerPool, parameters: Parameters, optimizer: AdamState? = nil, backend: any ComputeBackend,
        shardSize: Int, maxBatch: Int, samplesPerPass: Int = ShardPlan.defaultSamplesPerPass,
        reduction: any GradientReduction = ShardOrderedSum()
    ) throws(PinnedMemoryError) {
        precondition(shardSize >= 1 && maxBatch >= 1 && samplesPerPass >= 1, "sizes must be positive")
        self.pool = pool
        self.parameters = parameters
        self.optimizer = optimizer
        self.reduction = reduction
        self.backend = backend
        self.shardSize = shardSize
        self.maxBatch = maxBatch
        self.samplesPerPass = samplesPerPass
        shape = parameters.shape
        layout = parameters.layout
        packedLayout = PackedLayout(shape)
        packed = FloatBuffer(count: packedLayout.count)
        gradient = FloatBuffer(count: layout.count)
        maxShards = ShardPlan(batch: maxBatch, shardSize: shardSize).shardCount
        maxPassSamples = Self.maxPassSamples(shardSize: shardSize, maxBatch: maxBatch, samplesPerPass: samplesPerPass)
        passInputFloats = maxPassSamples * shape.sampleInputCount + ParameterLayout.alignment
        shardGradients = WorkerSlots(count: maxShards, initial: nil)
        passInputs = WorkerSlots(count: pool.count, initial: nil)
        workspaces = WorkerSlots(count: pool.count, initial: nil)
        passInputPointers = .allocate(capacity: pool.count)
        workspacePointers = .allocate(capacity: pool.count)
        shardLogits = .allocate(capacity: maxShards * shardSize * shape.classes)
        shardLogits.initialize(repeating: 0, count: maxShards * shardSize * shape.classes)
        shardLabels = .allocate(capacity: maxShards * shardSize)
        shardLabels.initialize(repeating: 0, count: maxShards * shardSize)
        shardLengths = .allocate(capacity: maxShards * shardSize)
        shardLengths.initialize(repeating: 0, count: maxShards * shardSize)
        shardGradientPointers = .allocate(capacity: maxShards)
        sumSources = .allocate(capacity: maxShards + 1)
        batchGradientPointers = .allocate(capacity: maxShards)
        batchGradientPointers.initialize(repeating: gradient.pointer, count: maxShards)
        shardLosses = .allocate(capacity: maxShards)
        shardLosses.initialize(repeating: 0, count: maxShards)
        shardCorrect = .allocate(capacity: maxShards)
        shardCorrect.initialize(repeating: 0, count: maxShards)
        keptTop = FloatBuffer(count: maxBatch * shape.headFeatures + ParameterLayout.alignment)
        keptLogitGradient = FloatBuffer(count: maxBatch * shape.classes)
        kept = KeptOutputs(top: keptTop.pointer, logitGradient: keptLogitGradient.pointer)
        phaseTimes = .allocate(capacity: pool.count * Self.phaseStride)
        phaseTimes.initialize(repeating: PhaseTimes(), count: pool.count * Self.phaseStride)
        updatePlan = UpdatePlan(layout: layout, workers: pool.count)
        try allocateWorkerMemory()
        refreshPackedWeights()
    }

    deinit {
        shardLabels.deallocate()
        shardLengths.deallocate()
        shardLogits.deallocate()
        shardGradientPointers.deallocate()
        sumSources.deallocate()
        batchGradientPointers.deallocate()
        passInputPointers.deallocate()
        workspacePointers.deallocate()
        shardLosses.deallocate()
        shardCorrect.deallocate()
        phaseTimes.deallocate()
    }

    private func allocateWorkerMemory() throws(PinnedMemoryError) {
        let plan = ShardPlan(batch: maxBatch, shardSize: shardSize)
        let workers = pool.count
        let workspaceFloats = ShardPass.workspaceCount(shape: shape, samples: maxPassSamples, keepsOutputs: true)
        let failures = WorkerSlots<PinnedMemoryError?>(count: workers, initial: nil)
        pool.run { [self] worker in
            do throws(PinnedMemoryError) {
                workspaces[worker] = try pool.allocate(floats: workspaceFloats, worker: worker)
                passInputs[worker] = try pool.allocate(floats: passInputFloats, worker: worker)
                for shard in plan.shards(ofWorker: worker, workers: workers) {
                    shardGradients[shard] = try pool.allocate(floats: layout.count, worker: worker)
                }
            } catch {
                failures[worker] = error
            }
        }
        if let error = failures.values.lazy.compactMap({ $0 }).first { throw error }
        for shard in 0..<maxShards { shardGradientPointers[shard] = shardGradients[shard]!.pointer }
        for worker in 0..<workers {
            workspacePointers[worker] = workspaces[worker]!.pointer
            passInputPointers[worker] = passInputs[worker]!.pointer
        }
    }

    /// Samples in the largest pass the engine runs, for sizing its buffers.
    public static func maxPassSamples(shardSize: Int, maxBatch: Int, samplesPerPass: Int) -> Int {
        let plan = ShardPlan(batch: maxBatch, shardSize: shardSize)
        return min(maxBatch, plan.maxShardsPerPass(samplesPerPass: samplesPerPass) * shardSize)
    }

    /// Rebuilds the packed weights from the parameters; call after
    /// changing the parameters outside ``step(source:indices:)``.
    public func refreshPackedWeights() {
        pool.run { [self] worker in
            for block in updatePlan.blocks[updatePlan.assignment[worker]] { refreshPackedWeights(of: block) }
        }
    }

    /// Rebuilds the packed weights of `block`'s units from the parameters
    /// (nothing for a block of the linear layer, which is read as stored).
    @inline(__always)
    func refreshPackedWeights(of block: UpdatePlan.Block) {
        guard let rows = block.packed else { return }
        backend.packWeights(
            layout: layout, packedLayout: packedLayout, parameters: parameters.pointer, packed: packed.pointer,
            layer: rows.layer, units: rows.units)
    }

    /// Puts shards `0..<count` in the queue of the next job.
    func resetShardQueue(count: Int) {
        shardQueue.store(UInt64(count) << 32, ordering: .relaxed)
    }

    /// The shards of the calling worker's next pass of the current job, up
    /// to `shardsPerPass` of them from the front of the queue (worker 0) or
    /// from its back (every other worker), or nil when all are taken.
    @inline(__always)
    func takePass(shardsPerPass: Int, worker: Int) -> Range<Int>? {
        var current = shardQueue.load(ordering: .relaxed)
        while true {
            let front = Int(current & 0xFFFF_FFFF), back = Int(current >> 32)
            guard front < back else { return nil }
            let pass = worker == 0 ? front..<min(back, front + shardsPerPass) : max(front, back - shardsPerPass)..<back
            let next = worker == 0 ? UInt64(back) << 32 | UInt64(pass.upperBound) : UInt64(pass.lowerBound) << 32 | UInt64(front)
            let (exchanged, original) = shardQueue.compareExchange(expected: current, desired: next, ordering: .relaxed)
            if exchanged { return pass }
            current = original
        }
    }

    /// The calling worker's part of a step's forward and BPTT: passes of
    /// `plan`'s shards taken from the shared queue until none is left,
    /// their time added to `times`; `clock` is the time the work began and
    /// becomes the time it ended. With `chaining`, worker 0's passes (the
    /// queue's front, so the batch's leading shards in order) add their
    /// gradients to ``gradient``; returns how many shards did.
    @inline(__always)
    func runPasses(
        of plan: ShardPlan, shardsPerPass: Int, source: any SampleSource, indices: SharedIndices, worker: Int,
        gradientScale: Float, chaining: Bool, times: inout PhaseTimes, clock: inout Int64
    ) -> Int {
        var chained = 0
        let chains = chaining && worker == 0
        while let shards = takePass(shardsPerPass: shardsPerPass, worker: worker) {
            var pass = gatherPass(shards, plan: plan, source: source, indices: indices, worker: worker,
                                  gradientScale: gradientScale, withGradients: true)
            if chains {
                pass.gradients = UnsafePointer(batchGradientPointers)
                pass.gradientOutput = .chained(startsChain: shards.lowerBound == 0)
                chained = shards.upperBound
            }
            _ = backend.forward(pass)
            let forwardEnd = monotonicNanoseconds()
            times.forward += forwardEnd - clock
            backend.backward(pass)
            clock = monotonicNanoseconds()
            times.backward += clock - forwardEnd
        }
        return chained
    }

    /// One training step on the samples at `indices` (at most ``maxBatch``):
    /// mean cross-entropy loss, its gradient, one Adam update. Returns the
    /// batch's mean loss before the update. The engine must have an optimizer.
    public func step(source: any SampleSource, indices: UnsafeBufferPointer<Int32>) -> Float {
        guard let optimizer else { preconditionFailure("step(source:indices:) needs an engine with an optimizer") }
        return run(source: source, indices: indices, optimizer: optimizer)
    }

    /// The mean loss of the samples at `indices` and its gradient, left in
    /// ``gradient``, without updating anything; ``logits(count:)`` then
    /// holds the batch's logits. What `recur verify` checks.
    public func lossAndGradients(source: any SampleSource, indices: UnsafeBufferPointer<Int32>) -> Float {
        run(source: source, indices: indices, optimizer: nil)
    }

    /// The logits of the first `count` samples of the last step's batch.
    public func logits(count: Int) -> [Float] {
        Array(UnsafeBufferPointer(start: shardLogits, count: min(count, maxShards * shardSize) * shape.classes))
    }

    /// One step's forward and backward passes and its gradient reduction,
    /// then, with an optimizer, its update.
    private func run(source: any SampleSource, indices: UnsafeBufferPointer<Int32>, optimizer: AdamState?) -> Float {
        let plan = ShardPlan(batch: indices.count, shardSize: shardSize)
        precondition(plan.batch >= 1 && plan.batch <= maxBatch, "batch must be 1...maxBatch")
        let adamStep = optimizer?.nextStep
        let gradientScale = 1 / Float(plan.batch)
        let indices = SharedIndices(buffer: indices)
        let shardsPerPass = plan.shardsPerPass(workers: pool.count, samplesPerPass: samplesPerPass)
        resetShardQueue(count: plan.shardCount)
        pool.run { [self] worker in
            var times = phaseTimes[worker * Self.phaseStride]
            var clock = monotonicNanoseconds()
            let chained = runPasses(
                of: plan, shardsPerPass: shardsPerPass, source: source, indices: indices, worker: worker,
                gradientScale: gradientScale, chaining: true, times: &times, clock: &clock)
            if worker == 0 {
                sumSourceCount = setSumSources(running: chained > 0 ? gradient.pointer : nil, shards: chained..<plan.shardCount)
            }
            pool.barrier.wait()
            var now = monotonicNanoseconds()
            times.barrierWait += now - clock
            clock = now
            let shardGradients = ShardGradients(
                shape: shape, layout: layout, backend: backend, shards: sumSources,
                shardCount: sumSourceCount, samples: plan.batch, kept: kept, batchGradient: gradient.pointer)

            for block in updatePlan.blocks[updatePlan.assignment[worker]] {
                reduction.reduce(block, of: shardGradients, plan: updatePlan)
                now = monotonicNanoseconds()
                times.allReduce += now - clock
                clock = now
                guard let optimizer, let adamStep else { continue }
                for range in updatePlan.ranges(of: block) {
                    backend.adam(adamStep, parameters: parameters.pointer, gradients: gradient.pointer,
                                 firstMoment: optimizer.firstMoment.pointer, secondMoment: optimizer.secondMoment.pointer,
                                 range: range)
                }
                refreshPackedWeights(of: block)
                now = monotonicNanoseconds()
                times.optimizer += now - clock
                clock = now
            }
            times.steps += 1
            phaseTimes[worker * Self.phaseStride] = times
        }
        optimizer?.steps += 1
        var loss: Float = 0
        for shard in 0..<plan.shardCount { loss += shardLosses[shard] }
        return loss / Float(plan.batch)
    }

    /// Fills ``sumSources`` with `running` (when set: a partial sum that
    /// already holds the shards before `shards`), then the buffers of
    /// `shards`, in order; returns how many it holds.
    func setSumSources(running: UnsafeMutablePointer<Float>?, shards: Range<Int>) -> Int {
        var count = 0
        if let running {
            sumSources[0] = running
            count = 1
        }
        for shard in shards {
            sumSources[count] = shardGradientPointers[shard]
            count += 1
        }
        return count
    }

    /// Forward passes only over `count` samples of `source` (indices
    /// `0..<count`), in batches of ``maxBatch``: the number classified
    /// correctly and the mean loss.
    public func evaluate(source: any SampleSource, count: Int) -> (correct: Int, meanLoss: Double) {
        let result = evaluate(source: source, samples: 0..<count)
        let loss = result.shardLosses.reduce(0.0) { $0 + Double($1) }
        return (result.correct, count > 0 ? loss / Double(count) : 0)
    }

    /// Forward passes only over the samples `samples` of `source`, in
    /// batches of ``maxBatch`` from `samples.lowerBound`: the number
    /// classified correctly and each shard's summed loss, in order. Ranges
    /// that start on multiples of ``maxBatch`` have the single evaluation's
    /// shards, so processes that split a test set that way and add the
    /// losses in order get its bits.
    public func evaluate(source: any SampleSource, samples: Range<Int>) -> (correct: Int, shardLosses: [Float]) {
        var correct = 0
        var losses: [Float] = []
        var indices = [Int32](repeating: 0, count: maxBatch)
        var first = samples.lowerBound
        while first < samples.upperBound {
            let batch = min(maxBatch, samples.upperBound - first)
            for i in 0..<batch { indices[i] = Int32(first + i) }
            let plan = ShardPlan(batch: batch, shardSize: shardSize)
            let shardsPerPass = plan.shardsPerPass(workers: pool.count, samplesPerPass: samplesPerPass)
            indices.withUnsafeBufferPointer { all in
                let batchIndices = SharedIndices(buffer: UnsafeBufferPointer(rebasing: all[0..<batch]))
                resetShardQueue(count: plan.shardCount)
                pool.run { [self] worker in
                    while let shards = takePass(shardsPerPass: shardsPerPass, worker: worker) {
                        let pass = gatherPass(shards, plan: plan, source: source, indices: batchIndices, worker: worker,
                                              gradientScale: 0, withGradients: false)
                        _ = backend.forward(pass)
                        for shard in 0..<pass.shards.shardCount {
                            shardCorrect[shards.lowerBound + shard] = countCorrect(pass, shard: shard)
                        }
                    }
                }
            }
            for shard in 0..<plan.shardCount {
                correct += shardCorrect[shard]
                losses.append(shardLosses[shard])
            }
            first += batch
        }
        return (correct, losses)
    }

    /// Phase times summed since the last ``resetPhaseTimes()``, per worker.
    public var workerPhaseTimes: [PhaseTimes] {
        (0..<pool.count).map { phaseTimes[$0 * Self.phaseStride] }
    }

    public func resetPhaseTimes() {
        for worker in 0..<pool.count { phaseTimes[worker * Self.phaseStride] = PhaseTimes() }
    }

    /// Copies the samples of shards `shards` into the worker's input buffer
    /// and describes the pass over them. Labels, logits and losses of shards
    /// sit side by side, so they form the batch's in order.
    func gatherPass(
        _ shards: Range<Int>, plan: ShardPlan, source: any SampleSource, indices: SharedIndices,
        worker: Int, gradientScale: Float, withGradients: Bool
    ) -> ShardPass {
        let samples = plan.samples(of: shards.lowerBound).lowerBound..<plan.samples(of: shards.upperBound - 1).upperBound
        let inputs = passInputPointers[worker]
        let labels = shardLabels + samples.lowerBound
        let sampleIndices = UnsafeBufferPointer(rebasing: indices.buffer[samples])
        source.copySamples(sampleIndices, inputs: inputs, labels: labels)
        var lengths: UnsafeMutablePointer<Int32>?
        if source.hasLengths {
            lengths = shardLengths + samples.lowerBound
            source.copyLengths(sampleIndices, into: shardLengths + samples.lowerBound)
        }
        return ShardPass(
            shape: shape, layout: layout, packedLayout: packedLayout,
            parameters: parameters.pointer, packed: packed.pointer,
            inputs: inputs, labels: labels, lengths: lengths.map { UnsafePointer($0) }, samples: samples.count,
            shardSize: shardSize, gradientScale: gradientScale,
            workspace: workspacePointers[worker],
            gradients: withGradients ? UnsafePointer(shardGradientPointers + shards.lowerBound) : nil,
            losses: shardLosses + shards.lowerBound,
            logits: shardLogits + samples.lowerBound * shape.classes,
            kept: kept.rows(samples, shape: shape))
    }

    /// Samples of shard `shard` of the pass whose largest logit is the
    /// label's (first maximum wins).
    func countCorrect(_ pass: ShardPass, shard: Int) -> Int {
        guard let logits = pass.logits else { return 0 }
        let classes = shape.classes
        var correct = 0
        for i in pass.shards.samples(of: shard) {
            let row = logits + i * classes
            var best = 0
            for c in 1..<classes where row[c] > row[best] { best = c }
            if best == Int(pass.labels[i]) { correct += 1 }
        }
        return correct
    }
}

/// A batch's sample indices, read by every worker during one `pool.run`
/// while the caller keeps them alive.
struct SharedIndices: @unchecked Sendable {
    let buffer: UnsafeBufferPointer<Int32>
}
