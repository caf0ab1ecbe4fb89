import RecurCore
import RecurModel

extension DataParallelEngine {
    /// One training step of a batch that several processes share (the same
    /// `indices` on every process), driven as ``StepExchange`` describes: this
    /// process computes only the shards `exchange` gives it; then, slice by
    /// slice, continues the previous process's partial sums with its own
    /// shards and passes each slice on while it works on the next; applies
    /// Adam to its part of the parameters only, with the batch's totals for
    /// that part; and receives the other parts, updated by their owners.
    /// Returns the batch's mean loss before the update.
    ///
    /// The sums are ``ShardOrderedSum``'s left-to-right sums continued
    /// across processes, and the linear layer's weight gradient one chain of
    /// fused multiply-adds over the batch's samples continued the same way;
    /// Adam is element-wise. So the parameters after the step are
    /// bit-identical to the single-process ``step(source:indices:)`` for any
    /// number of processes and any split of the shards between them. The
    /// Adam moments are current only in ``StepExchange/ownedPart``: gather
    /// them before saving them. ``gradient`` is not written.
    ///
    /// - Complexity: per slice, one `pool.run` over the slice's floats times
    ///   (1 + this process's shards); Adam over the owned part.
    public func step(
        source: any SampleSource, indices: UnsafeBufferPointer<Int32>, exchange: some StepExchange
    ) throws(ExchangeError) -> Float {
        guard let optimizer else { preconditionFailure("step(source:indices:exchange:) needs an engine with an optimizer") }
        let global = ShardPlan(batch: indices.count, shardSize: shardSize)
        precondition(global.batch >= 1 && global.batch <= maxBatch, "batch must be 1...maxBatch")
        let partition = exchange.partition
        precondition(partition.parameterFloats == layout.count, "the exchange was made for another parameter count")
        let work = exchangeWork(for: partition, ownedPart: exchange.ownedPart)
        let localShards = exchange.localShards(of: global.shardCount)
        let samples = localShards.isEmpty
            ? 0..<0 : global.samples(of: localShards.lowerBound).lowerBound..<global.samples(of: localShards.upperBound - 1).upperBound
        let floats = layout.count
        let partials = exchange.partials
        let adamStep = optimizer.nextStep
        let gradientScale = 1 / Float(global.batch)
        let plan = ShardPlan(batch: max(samples.count, 1), shardSize: shardSize)
        let localIndices = SharedIndices(buffer: UnsafeBufferPointer(rebasing: indices[samples]))

        var exchangeTime: Int64 = 0
        var exchangeStart = monotonicNanoseconds()
        try exchange.begin(shardCount: global.shardCount)
        exchangeTime += monotonicNanoseconds() - exchangeStart

        // 1. This process's shards, forward and BPTT.
        if !samples.isEmpty {
            let shardsPerPass = plan.shardsPerPass(workers: pool.count, samplesPerPass: samplesPerPass)
            resetShardQueue(count: plan.shardCount)
            pool.run { [self] worker in
                var times = phaseTimes[worker * Self.phaseStride]
                var clock = monotonicNanoseconds()
                // Every shard in a buffer of its own: the chain continues the
                // previous process's sums, which arrive only after the passes.
                _ = runPasses(
                    of: plan, shardsPerPass: shardsPerPass, source: source, indices: localIndices, worker: worker,
                    gradientScale: gradientScale, chaining: false, times: &times, clock: &clock)
                phaseTimes[worker * Self.phaseStride] = times
            }
        }

        // 2. The chain, a slice at a time: the previous process's partial sums
        //    (in `partials`), continued with this process's shards, passed on.
        let hasIncoming = localShards.lowerBound > 0
        let localCount = samples.isEmpty ? 0 : plan.shardCount
        if hasIncoming || localCount > 0 {
            let sourceCount = setSumSources(running: hasIncoming ? partials : nil, shards: 0..<localCount)
            let chained = ChainedSources(pointers: sumSources, count: sourceCount, hasIncoming: hasIncoming, partials: partials)
            let localSamples = samples.count
            for slice in partition.slices.indices {
                exchangeStart = monotonicNanoseconds()
                try exchange.receive(slice: slice)
                exchangeTime += monotonicNanoseconds() - exchangeStart
                if localCount > 0 {
                    pool.run { [self] worker in
                        let partials = chained.partials
                        var times = phaseTimes[worker * Self.phaseStride]
                        let start = monotonicNanoseconds()
                        // In place: the sum reads each element of `partials` before it writes it.
                        for range in work.sums[slice][worker] {
                            backend.sum(chained.pointers, count: chained.count, into: partials, range: range)
                        }
                        for block in work.outputBlocks[slice][worker] {
                            guard let columns = updatePlan.blocks[block].outputColumns else { continue }
                            if chained.hasIncoming {
                                backend.accumulateOutputWeightGradient(
                                    shape: shape, layout: layout, kept: kept, samples: localSamples, columns: columns,
                                    gradients: partials)
                            } else {
                                backend.outputWeightGradient(
                                    shape: shape, layout: layout, kept: kept, samples: localSamples, columns: columns,
                                    gradients: partials)
                            }
                        }
                        times.allReduce += monotonicNanoseconds() - start
                        phaseTimes[worker * Self.phaseStride] = times
                    }
                }
                if slice == partition.slices.count - 1 {
                    // The loss, summed in shard order as the single-process step does.
                    var loss: Float = hasIncoming ? partials[floats] : 0
                    for shard in 0..<localCount { loss += shardLosses[shard] }
                    partials[floats] = loss
                }
                exchangeStart = monotonicNanoseconds()
                try exchange.send(slice: slice)
                exchangeTime += monotonicNanoseconds() - exchangeStart
            }
        }

        // 3. Adam on this process's part, with the batch's totals for it.
        exchangeStart = monotonicNanoseconds()
        let totals = SharedGradients(pointer: try exchange.ownedTotals())
        exchangeTime += monotonicNanoseconds() - exchangeStart
        pool.run { [self] worker in
            var times = phaseTimes[worker * Self.phaseStride]
            let start = monotonicNanoseconds()
            for range in work.owned[worker] {
                backend.adam(adamStep, parameters: parameters.pointer, gradients: totals.pointer,
                             firstMoment: optimizer.firstMoment.pointer, secondMoment: optimizer.secondMoment.pointer,
                             range: range)
            }
            times.optimizer += monotonicNanoseconds() - start
            phaseTimes[worker * Self.phaseStride] = times
        }

        // 4. Every part from its owner; then the packed weights.
        exchangeStart = monotonicNanoseconds()
        let lossSum = try exchange.shareParameters(parameters.pointer)
        exchangeTime += monotonicNanoseconds() - exchangeStart
        let waited = exchangeTime
        pool.run { [self] worker in
            var times = phaseTimes[worker * Self.phaseStride]
            // Every worker waited for the exchange.
            times.exchange += waited
            let start = monotonicNanoseconds()
            for block in updatePlan.blocks[updatePlan.assignment[worker]] { refreshPackedWeights(of: block) }
            times.optimizer += monotonicNanoseconds() - start
            times.steps += 1
            phaseTimes[worker * Self.phaseStride] = times
        }
        optimizer.steps += 1
        return lossSum / Float(global.batch)
    }

    /// The workers' shares of a step across processes for `partition`,
    /// made on the first such step and kept while the partition is the same.
    func exchangeWork(for partition: GradientPartition, ownedPart: Range<Int>) -> ExchangeWork {
        if let work = exchangeWorkCache, work.partition == partition, work.ownedPart == ownedPart { return work }
        let work = ExchangeWork(partition: partition, ownedPart: ownedPart, layout: layout, plan: updatePlan, workers: pool.count)
        exchangeWorkCache = work
        return work
    }
}

/// What each worker does in a step across processes: per slice, the ranges
/// whose shard gradients it sums and the linear layer's weight blocks it
/// continues; and the ranges of the owned part it applies Adam to.
///
/// Ranges cover exactly the tensors (padding is neither summed nor updated);
/// each worker gets about the same number of floats, cut on 64-byte lines so
/// that no two workers write the same line.
struct ExchangeWork: Sendable {
    let partition: GradientPartition
    let ownedPart: Range<Int>
    /// `sums[slice][worker]`: ranges of the flat buffer.
    let sums: [[[Range<Int>]]]
    /// `outputBlocks[slice][worker]`: indices of ``UpdatePlan/blocks`` with
    /// output columns (all in the slice that holds `fc.weight`).
    let outputBlocks: [[[Int]]]
    /// `owned[worker]`: ranges of the owned part.
    let owned: [[Range<Int>]]

    /// - Complexity: O(tensors x (slices + workers) + blocks).
    init(partition: GradientPartition, ownedPart: Range<Int>, layout: ParameterLayout, plan: UpdatePlan, workers: Int) {
        self.partition = partition
        self.ownedPart = ownedPart
        let summed = layout.slots.filter { $0.name != layout.outputWeight.name }.map(\.range)
        let tensors = layout.slots.map(\.range)
        let outputBlocks = plan.blocks.indices.filter { plan.blocks[$0].outputColumns != nil }
        sums = partition.slices.map { slice in Self.split(Self.clip(summed, to: slice), workers: workers) }
        self.outputBlocks = partition.slices.map { slice in
            guard slice.contains(partition.outputWeight.lowerBound) else { return Array(repeating: [], count: workers) }
            return (0..<workers).map { worker in
                Array(outputBlocks[(outputBlocks.count * worker / workers)..<(outputBlocks.count * (worker + 1) / workers)])
            }
        }
        owned = Self.split(Self.clip(tensors, to: ownedPart), workers: workers)
    }

    /// The parts of `ranges` inside `bounds`, empty ones dropped.
    static func clip(_ ranges: [Range<Int>], to bounds: Range<Int>) -> [Range<Int>] {
        ranges.map { $0.clamped(to: bounds) }.filter { !$0.isEmpty }
    }

    /// `ranges` (ascending, disjoint) cut into `workers` runs of about equal
    /// floats, each cut moved down to a 64-byte line of the flat buffer.
    static func split(_ ranges: [Range<Int>], workers: Int) -> [[Range<Int>]] {
        let total = ranges.reduce(0) { $0 + $1.count }
        // The flat index where each worker's share starts.
        var cuts: [Int] = []
        var range = 0, before = 0
        for worker in 0..<workers {
            let target = total * worker / workers
            while range < ranges.count && before + ranges[range].count <= target {
                before += ranges[range].count
                range += 1
            }
            let flat = range < ranges.count ? ranges[range].lowerBound + (target - before) : Int.max
            let aligned = range < ranges.count
                ? max(ranges[range].lowerBound, flat / ParameterLayout.alignment * ParameterLayout.alignment) : Int.max
            cuts.append(max(aligned, cuts.last ?? Int.min))
        }
        return (0..<workers).map { worker in
            let bounds = cuts[worker]..<(worker + 1 < workers ? cuts[worker + 1] : Int.max)
            return clip(ranges, to: bounds)
        }
    }
}

/// The sources and buffer of a chained sum, read by every worker during
/// one `pool.run` while the step keeps them alive.
private struct ChainedSources: @unchecked Sendable {
    let pointers: UnsafePointer<UnsafeMutablePointer<Float>>
    let count: Int
    let hasIncoming: Bool
    let partials: UnsafeMutablePointer<Float>

    init(pointers: UnsafeMutablePointer<UnsafeMutablePointer<Float>>, count: Int, hasIncoming: Bool, partials: UnsafeMutablePointer<Float>) {
        self.pointers = UnsafePointer(pointers)
        self.count = count
        self.hasIncoming = hasIncoming
        self.partials = partials
    }
}

/// The owned part's totals, read by every worker during one `pool.run`.
private struct SharedGradients: @unchecked Sendable {
    let pointer: UnsafePointer<Float>
}
