import RecurCore
import RecurModel

extension DataParallelEngine {
    /// One training step of a batch that several processes share (the same
    /// `indices` on every process): this process computes only the shards
    /// `exchange` gives it, starts each parameter's sum from the partial sum of
    /// the shards before them, and passes its own on; the last process's sum
    /// is the batch's gradient, which every process receives and applies with
    /// the same Adam step. Returns the batch's mean loss before the update.
    ///
    /// The sums are ``ShardOrderedSum``'s left-to-right sums continued
    /// across processes, and the linear layer's weight gradient one chain of
    /// fused multiply-adds over the batch's samples continued the same way,
    /// so the parameters after the step are bit-identical to the
    /// single-process ``step(source:indices:)`` for any number of processes
    /// and any split of the shards between them.
    public func step(
        source: any SampleSource, indices: UnsafeBufferPointer<Int32>, exchange: some StepExchange
    ) throws(ExchangeError) -> Float {
        guard let optimizer else { preconditionFailure("step(source:indices:exchange:) needs an engine with an optimizer") }
        let global = ShardPlan(batch: indices.count, shardSize: shardSize)
        precondition(global.batch >= 1 && global.batch <= maxBatch, "batch must be 1...maxBatch")
        let localShards = exchange.localShards(of: global.shardCount)
        let samples = localShards.isEmpty
            ? 0..<0 : global.samples(of: localShards.lowerBound).lowerBound..<global.samples(of: localShards.upperBound - 1).upperBound
        let floats = layout.count
        let outgoing = exchange.outgoing
        let adamStep = optimizer.nextStep
        let gradientScale = 1 / Float(global.batch)
        let plan = ShardPlan(batch: max(samples.count, 1), shardSize: shardSize)
        let localIndices = SharedIndices(buffer: UnsafeBufferPointer(rebasing: indices[samples]))

        // 1. This process's shards, forward and BPTT.
        if !samples.isEmpty {
            let shardsPerPass = plan.shardsPerPass(workers: pool.count, samplesPerPass: samplesPerPass)
            nextShard.store(0, ordering: .relaxed)
            pool.run { [self] worker in
                var times = phaseTimes[worker * Self.phaseStride]
                var clock = monotonicNanoseconds()
                runPasses(
                    of: plan, shardsPerPass: shardsPerPass, source: source, indices: localIndices, worker: worker,
                    gradientScale: gradientScale, times: &times, clock: &clock)
                phaseTimes[worker * Self.phaseStride] = times
            }
        }

        // 2. The partial sums of the shards before these.
        var exchangeStart = monotonicNanoseconds()
        let incoming = try exchange.receivePartial(floats: floats, shardCount: global.shardCount)
        var exchangeTime = monotonicNanoseconds() - exchangeStart

        // 3. Continue the sums with this process's shards.
        let localCount = samples.isEmpty ? 0 : plan.shardCount
        let sources = chainedSumSources
        var sourceCount = 0
        if let incoming {
            sources[0] = UnsafeMutablePointer(mutating: incoming)
            sourceCount = 1
        }
        for shard in 0..<localCount { sources[sourceCount + shard] = shardGradientPointers[shard] }
        sourceCount += localCount
        if sourceCount > 0 {
            let chained = ChainedSources(pointers: sources, count: sourceCount, incoming: incoming, outgoing: outgoing)
            let localSamples = samples.count
            pool.run { [self] worker in
                let incoming = chained.incoming, outgoing = chained.outgoing
                var times = phaseTimes[worker * Self.phaseStride]
                let start = monotonicNanoseconds()
                for block in updatePlan.blocks[updatePlan.assignment[worker]] {
                    if let columns = block.outputColumns {
                        if let incoming {
                            for range in updatePlan.ranges(of: block) {
                                (outgoing + range.lowerBound).update(from: incoming + range.lowerBound, count: range.count)
                            }
                        }
                        guard localSamples > 0 else { continue }
                        if incoming != nil {
                            backend.accumulateOutputWeightGradient(
                                shape: shape, layout: layout, kept: kept, samples: localSamples, columns: columns,
                                gradients: outgoing)
                        } else {
                            backend.outputWeightGradient(
                                shape: shape, layout: layout, kept: kept, samples: localSamples, columns: columns,
                                gradients: outgoing)
                        }
                    } else {
                        for range in updatePlan.ranges(of: block) {
                            backend.sum(chained.pointers, count: chained.count, into: outgoing, range: range)
                        }
                    }
                }
                times.allReduce += monotonicNanoseconds() - start
                phaseTimes[worker * Self.phaseStride] = times
            }
            // The loss, summed in shard order as the single-process step does.
            var loss: Float = incoming?[floats] ?? 0
            for shard in 0..<localCount { loss += shardLosses[shard] }
            outgoing[floats] = loss
        }

        // 4. Pass the sums on; receive the batch's.
        exchangeStart = monotonicNanoseconds()
        try exchange.complete(floats: floats, shardCount: global.shardCount)
        exchangeTime += monotonicNanoseconds() - exchangeStart

        // 5. Every process applies the same update to all parameters.
        let waited = exchangeTime
        let totals = ChainedSources(pointers: sources, count: 0, incoming: UnsafePointer(outgoing), outgoing: outgoing)
        pool.run { [self] worker in
            let gradients = totals.incoming!
            var times = phaseTimes[worker * Self.phaseStride]
            // Every worker waited for the exchange.
            times.exchange += waited
            let start = monotonicNanoseconds()
            for block in updatePlan.blocks[updatePlan.assignment[worker]] {
                for range in updatePlan.ranges(of: block) {
                    backend.adam(adamStep, parameters: parameters.pointer, gradients: gradients,
                                 firstMoment: optimizer.firstMoment.pointer, secondMoment: optimizer.secondMoment.pointer,
                                 range: range)
                }
                if let rows = block.packed {
                    backend.packWeights(
                        layout: layout, packedLayout: packedLayout, parameters: parameters.pointer, packed: packed.pointer,
                        layer: rows.layer, units: rows.units)
                }
            }
            times.optimizer += monotonicNanoseconds() - start
            times.steps += 1
            phaseTimes[worker * Self.phaseStride] = times
        }
        optimizer.steps += 1
        gradient.pointer.update(from: outgoing, count: floats)
        return outgoing[floats] / Float(global.batch)
    }
}

/// The sources and buffers of a chained sum, read by every worker during
/// one `pool.run` while the step keeps them alive.
private struct ChainedSources: @unchecked Sendable {
    let pointers: UnsafePointer<UnsafeMutablePointer<Float>>
    let count: Int
    let incoming: UnsafePointer<Float>?
    let outgoing: UnsafeMutablePointer<Float>

    init(
        pointers: UnsafeMutablePointer<UnsafeMutablePointer<Float>>, count: Int, incoming: UnsafePointer<Float>?,
        outgoing: UnsafeMutablePointer<Float>
    ) {
        self.pointers = UnsafePointer(pointers)
        self.count = count
        self.incoming = incoming
        self.outgoing = outgoing
    }
}
