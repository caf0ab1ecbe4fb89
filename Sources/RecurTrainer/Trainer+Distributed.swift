import RecurCore
import RecurData
import RecurDistributed
import RecurEngine
import RecurRuntime

/// Training across processes (`mpirun -np P recur train`): every rank
/// loads the data and draws the same order from the seed, computes its
/// shards of every batch, and takes part in the step's exchange
/// (``ChainExchange``); the parameters stay bit-identical on every rank and
/// to a single-process run. Rank 0 alone reports and writes files.
extension Trainer {
    /// One optimizer step on the samples `batch`: alone, or this rank's
    /// part of it and the exchange.
    func step(_ batch: ArraySlice<Int32>) throws(RecurError) -> Float {
        guard let exchange else {
            return batch.withUnsafeBufferPointer { engine.step(source: train, indices: $0) }
        }
        let indices = UnsafeMutableBufferPointer<Int32>.allocate(capacity: batch.count)
        defer { indices.deallocate() }
        _ = indices.initialize(from: batch)
        do {
            return try engine.step(source: train, indices: UnsafeBufferPointer(indices), exchange: exchange)
        } catch {
            throw .system(error.description)
        }
    }

    /// Refuses to start when the ranks were given different options, data,
    /// kernel builds or starting points: each is hashed, and the first that
    /// differs from rank 0's is named.
    func requireSameRun() throws(RecurError) {
        guard let group else { return }
        var fingerprint = RunFingerprint()
        fingerprint.add("recur build (kernel \(setup.backend.name))", setup.backend.name)
        fingerprint.add("model (--cell, --head, --hidden, --layers)", options.shape.description)
        fingerprint.add("--seed", "\(options.seed)")
        fingerprint.add("--batch-size", "\(options.batchSize)")
        fingerprint.add("--shard-size", "\(options.shardSize)")
        fingerprint.add("--lr", "\(options.learningRate)")
        fingerprint.add("--epochs", "\(options.epochs)")
        fingerprint.add("--steps", "\(options.steps.map(String.init) ?? "-")")
        fingerprint.add("--eval-limit", "\(options.evaluationLimit.map(String.init) ?? "-")")
        fingerprint.add("--checkpoint-every", "\(options.checkpointEvery.map(String.init) ?? "-")")
        fingerprint.add("--exchange-slice-floats", "\(group.sliceFloats)")
        fingerprint.add("training data", Self.digest(of: train))
        fingerprint.add("test data", Self.digest(of: test))
        fingerprint.add(
            "starting parameters (--load or --resume checkpoint)",
            raw: UnsafeRawBufferPointer(start: engine.parameters.pointer, count: engine.parameters.layout.count * 4))
        fingerprint.add("starting step (--resume checkpoint)", "\(engine.optimizer?.steps ?? 0)")
        do {
            try group.requireSame(fingerprint)
        } catch {
            throw .usage(error.description)
        }
    }

    /// A digest of every sample of `data` as the engine reads it (inputs,
    /// labels, lengths), a few thousand samples at a time.
    static func digest(of data: Dataset) -> RunFingerprint.Digest {
        var digest = RunFingerprint.Digest()
        let chunk = 4096
        var indices = [Int32](repeating: 0, count: chunk)
        var inputs = [Float](repeating: 0, count: chunk * data.sampleSize)
        var labels = [Int32](repeating: 0, count: chunk)
        var first = 0
        while first < data.count {
            let count = min(chunk, data.count - first)
            for i in 0..<count { indices[i] = Int32(first + i) }
            indices.withUnsafeBufferPointer { all in
                let batch = UnsafeBufferPointer(rebasing: all[0..<count])
                inputs.withUnsafeMutableBufferPointer { values in
                    labels.withUnsafeMutableBufferPointer { labels in
                        data.copySamples(batch, inputs: values.baseAddress!, labels: labels.baseAddress!)
                        digest.update(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: values[0..<(count * data.sampleSize)])))
                        digest.update(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: labels[0..<count])))
                    }
                }
                if data.hasLengths {
                    labels.withUnsafeMutableBufferPointer { lengths in
                        data.copyLengths(batch, into: lengths.baseAddress!)
                        digest.update(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: lengths[0..<count])))
                    }
                }
            }
            first += count
        }
        return digest
    }

    /// The first `count` samples of `data` split between ranks in whole batches, the correct
    /// counts added and the losses summed in the single-process order.
    func evaluateAcrossRanks(_ data: Dataset, count: Int) throws(RecurError) -> (correct: Int, meanLoss: Double) {
        guard let group else { return engine.evaluate(source: data, count: count) }
        let samples = group.evaluationSamples(count: count, batch: engine.maxBatch)
        let local = engine.evaluate(source: data, samples: samples)
        do {
            let lossSum = try group.chain { start in local.shardLosses.reduce(start) { $0 + Double($1) } }
            let all = try group.allGather([UInt64(local.correct), lossSum.bitPattern], what: "the evaluation")
            let correct = all.reduce(0) { $0 + Int($1[0]) }
            let total = Double(bitPattern: all[group.size - 1][1])
            return (correct, count > 0 ? total / Double(count) : 0)
        } catch {
            throw .system(error.description)
        }
    }

    /// The exchange's traffic and time per step, for the summary.
    var exchangeSummary: ExchangeSummary? {
        guard let exchange, let group, exchange.steps > 0 else { return nil }
        return ExchangeSummary(
            processes: group.size, rank: group.rank, slices: exchange.partition.slices.count,
            bytesSentPerStep: Double(exchange.bytesSent) / Double(exchange.steps),
            secondsPerStep: Double(exchange.nanoseconds) / 1e9 / Double(exchange.steps))
    }
}

/// What a run across processes spent on the exchange between them (rank 0's view).
public struct ExchangeSummary: Codable, Sendable {
    public var processes: Int
    public var rank: Int
    /// The slices the chain of partial sums was cut into (``GradientPartition``).
    public var slices: Int
    /// Bytes this rank sent per step, as ``ChainExchange`` counts them.
    public var bytesSentPerStep: Double
    /// Seconds per step this rank spent in the exchange, waiting included.
    public var secondsPerStep: Double
}

/// The observer of ranks other than 0: they report nothing.
final class QuietObserver: TrainingObserver {
    func started(_ start: TrainingStart) {}
    func stepped(_ progress: StepProgress) {}
    func finishedEpoch(_ report: EpochReport) {}
    func savedCheckpoint(_ saved: CheckpointSaved) {}
    func finished(_ summary: TrainingSummary) {}
}
