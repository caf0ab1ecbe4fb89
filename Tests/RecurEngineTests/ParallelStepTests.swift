import RecurCore
@testable import RecurEngine
import RecurKernels
import RecurModel
import Testing

/// Random samples of `shape`, for engine tests.
private func randomSource(shape: ModelShape, count: Int, seed: UInt64) -> ArraySampleSource {
    var random = RecurRandom(seed: seed)
    let size = shape.sampleInputCount
    return ArraySampleSource(
        inputs: (0..<(count * size)).map { _ in random.uniform(0, 1) },
        labels: (0..<count).map { _ in Int32(random.next() % UInt64(shape.classes)) }, sampleSize: size)
}

private let smallShape = ModelShape(inputSize: 5, sequenceLength: 6, hidden: 19, layers: 2, classes: 4)

private func makeEngine(
    threads: Int, shape: ModelShape, shardSize: Int, maxBatch: Int, seed: UInt64 = 7,
    samplesPerPass: Int = ShardPlan.defaultSamplesPerPass
) throws -> DataParallelEngine {
    let placement = try Placement(topology: try Topology.current(), threads: .fixed(threads))
    let pool = try WorkerPool(placement: placement, pinMode: .none)
    let parameters = Parameters(shape: shape, seed: seed)
    return try DataParallelEngine(
        pool: pool, parameters: parameters, optimizer: AdamState(layout: parameters.layout, learningRate: 1e-2),
        backend: Backends.best, shardSize: shardSize, maxBatch: maxBatch, samplesPerPass: samplesPerPass)
}

/// Trains `steps` steps over a fixed index sequence (the last batch short)
/// and returns the parameter bytes.
private func train(
    threads: Int, steps: Int, batch: Int, shardSize: Int, samplesPerPass: Int = ShardPlan.defaultSamplesPerPass
) throws -> [Float] {
    let source = randomSource(shape: smallShape, count: 97, seed: 3)
    let engine = try makeEngine(
        threads: threads, shape: smallShape, shardSize: shardSize, maxBatch: batch, samplesPerPass: samplesPerPass)
    var random = RecurRandom(seed: 11)
    for step in 0..<steps {
        let size = step == steps - 1 ? max(1, batch / 3) : batch
        let indices = (0..<size).map { _ in Int32(random.next() % 97) }
        let loss = indices.withUnsafeBufferPointer { engine.step(source: source, indices: $0) }
        #expect(loss.isFinite)
    }
    return Array(engine.parameters.storage.buffer)
}

@Test("Training gives the same bits at every thread count", arguments: [(10, 3), (8, 4), (2, 1)])
func sameBitsAtAnyThreadCount(batch: Int, shardSize: Int) throws {
    let reference = try train(threads: 1, steps: 21, batch: batch, shardSize: shardSize)
    for threads in [2, 3, 4] {
        let result = try train(threads: threads, steps: 21, batch: batch, shardSize: shardSize)
        #expect(result == reference, "threads \(threads), batch \(batch), shard \(shardSize)")
    }
}

@Test("Training gives the same bits with any number of shards per pass")
func sameBitsAtAnyPassSize() throws {
    // Batch 10 in shards of 3: passes of 1, 2 (and a short one), 3 and 4 shards.
    let reference = try train(threads: 1, steps: 21, batch: 10, shardSize: 3, samplesPerPass: 1)
    for samplesPerPass in [6, 9, 16] {
        for threads in [1, 2] {
            let result = try train(threads: threads, steps: 21, batch: 10, shardSize: 3, samplesPerPass: samplesPerPass)
            #expect(result == reference, "\(samplesPerPass) samples per pass, threads \(threads)")
        }
    }
}

@Test("The summed shard gradients equal one pass over the whole batch")
func shardedGradientMatchesWholeBatch() throws {
    let source = randomSource(shape: smallShape, count: 13, seed: 5)
    let engine = try makeEngine(threads: 3, shape: smallShape, shardSize: 4, maxBatch: 13)
    let reference = Model(parameters: Parameters(copying: engine.parameters), backend: Backends.best)
    let indices = (0..<13).map(Int32.init)
    let whole = reference.lossAndGradients(inputs: source.inputs, labels: source.labels)
    let loss = indices.withUnsafeBufferPointer { engine.step(source: source, indices: $0) }
    #expect(abs(loss - whole.loss) <= 1e-5 * abs(whole.loss))
    let layout = engine.parameters.layout
    for slot in layout.slots {
        let got = engine.gradient[slot.range], expected = whole.gradients[slot.range]
        let scale = expected.map { abs($0) }.max() ?? 0
        let difference = zip(got, expected).map { abs($0 - $1) }.max() ?? 0
        #expect(difference <= 1e-5 * max(scale, 1e-6), "\(slot.name)")
    }
    // The linear layer's weight gradient is one product over the batch in
    // both, so it has the same bits.
    let linear = layout.outputWeight.range
    #expect(Array(engine.gradient[linear]) == Array(whole.gradients[linear]))
}

@Test("Worker 0 takes passes from the front of the shard queue, the others from the back, each shard once")
func shardQueueEnds() throws {
    let engine = try makeEngine(threads: 1, shape: smallShape, shardSize: 1, maxBatch: 10)
    engine.resetShardQueue(count: 10)
    var taken: [Int: [Range<Int>]] = [:]
    var worker = 0
    while let pass = engine.takePass(shardsPerPass: 3, worker: worker) {
        taken[worker, default: []].append(pass)
        worker = (worker + 1) % 3
    }
    #expect(taken[0] == [0..<3, 3..<4])
    #expect(taken[1] == [7..<10])
    #expect(taken[2] == [4..<7])
}

@Test("One worker adds every shard straight into the batch's gradient, with the bits of two workers")
func oneWorkerChainsEveryShard() throws {
    let source = randomSource(shape: smallShape, count: 13, seed: 5)
    let indices = (0..<13).map(Int32.init)
    let alone = try makeEngine(threads: 1, shape: smallShape, shardSize: 2, maxBatch: 13)
    let shared = try makeEngine(threads: 2, shape: smallShape, shardSize: 2, maxBatch: 13)
    let lossAlone = indices.withUnsafeBufferPointer { alone.lossAndGradients(source: source, indices: $0) }
    let lossShared = indices.withUnsafeBufferPointer { shared.lossAndGradients(source: source, indices: $0) }
    #expect(lossAlone == lossShared)
    #expect(alone.gradient.buffer.map(\.bitPattern) == shared.gradient.buffer.map(\.bitPattern))
    let floats = alone.parameters.layout.count
    func written(_ engine: DataParallelEngine) -> [Bool] {
        (0..<7).map { shard in UnsafeBufferPointer(start: engine.shardGradientPointers[shard], count: floats).contains { $0 != 0 } }
    }
    // Alone, no shard buffer was ever written and nothing was left to sum.
    // (Shared, how many shards worker 0 chained depends on timing.)
    #expect(written(alone) == Array(repeating: false, count: 7))
    #expect(alone.sumSourceCount == 1)
}

@Test("Evaluation counts the samples whose top logit is the label")
func evaluationMatchesSingleThread() throws {
    let source = randomSource(shape: smallShape, count: 23, seed: 9)
    let engine = try makeEngine(threads: 2, shape: smallShape, shardSize: 3, maxBatch: 8)
    let reference = Model(parameters: Parameters(copying: engine.parameters), backend: Backends.best)
    let whole = reference.lossAndGradients(inputs: source.inputs, labels: source.labels)
    var expectedCorrect = 0
    for i in 0..<23 {
        let row = whole.logits[(i * 4)..<(i * 4 + 4)]
        if row.firstIndex(of: row.max()!)! - i * 4 == Int(source.labels[i]) { expectedCorrect += 1 }
    }
    let result = engine.evaluate(source: source, count: 23)
    #expect(result.correct == expectedCorrect)
    #expect(abs(result.meanLoss - Double(whole.loss)) <= 1e-5)
}

@Test("Shard plans cover the batch")
func shardPlan() {
    let plan = ShardPlan(batch: 10, shardSize: 4)
    #expect(plan.shardCount == 3)
    #expect(plan.samples(of: 2) == 8..<10)
    #expect((0..<4).map { plan.shards(ofWorker: $0, workers: 4) } == [0..<0, 0..<1, 1..<2, 2..<3])
}

@Test("Passes are wide by default where a layer's recurrent weight takes more than half the L2")
func defaultPassSize() {
    func pass(_ cell: RecurrentCell, hidden: Int = 256, l2: UInt64?) -> Int {
        ShardPlan.defaultSamplesPerPass(for: ModelShape(hidden: hidden, layers: 2, cell: cell), l2CacheBytes: l2)
    }
    let mebibyte: UInt64 = 1 << 20
    // hidden 256: the RNN's 256 KiB weight, the GRU's 768 KiB, the LSTM's 1 MiB.
    #expect([RecurrentCell.rnnTanh, .rnnReLU, .gru, .lstm].map { pass($0, l2: mebibyte) } == [4, 4, 16, 16])
    #expect([RecurrentCell.rnnTanh, .gru, .lstm].map { pass($0, l2: 2 * mebibyte) } == [4, 4, 4])
    #expect(pass(.lstm, l2: nil) == pass(.lstm, l2: mebibyte), "an unknown L2 counts as 1 MiB")
    #expect(pass(.rnnTanh, hidden: 362, l2: mebibyte) == 4 && pass(.rnnTanh, hidden: 363, l2: mebibyte) == 16)
}

@Test("Passes join shards up to their size without giving any worker more than an even deal")
func shardsPerPass() {
    func size(batch: Int, shardSize: Int, workers: Int) -> Int {
        ShardPlan(batch: batch, shardSize: shardSize).shardsPerPass(workers: workers, samplesPerPass: 16)
    }
    #expect(ShardPlan(batch: 64, shardSize: 4).shardsPerPass(workers: 1) == ShardPlan.defaultSamplesPerPass / 4)
    // The seed model's batch of 64 in shards of 4, by worker count.
    #expect([1, 2, 3, 4, 5, 8, 16, 32].map { size(batch: 64, shardSize: 4, workers: $0) } == [4, 4, 3, 4, 4, 2, 1, 1])
    #expect(size(batch: 256, shardSize: 4, workers: 16) == 4)
    #expect(size(batch: 64, shardSize: 16, workers: 1) == 1)
    #expect(size(batch: 64, shardSize: 32, workers: 1) == 1)
    #expect(size(batch: 10, shardSize: 3, workers: 1) == 4)
    // The bound itself, for every small case: no worker runs more shards
    // than the most an even deal of single shards gives one.
    for shards in 1...40 {
        for workers in 1...17 {
            let plan = ShardPlan(batch: shards * 2, shardSize: 2)
            let perPass = plan.shardsPerPass(workers: workers, samplesPerPass: 16)
            let passes = (shards + perPass - 1) / perPass
            #expect(perPass >= 1 && perPass <= plan.maxShardsPerPass(samplesPerPass: 16))
            #expect((passes + workers - 1) / workers * perPass <= (shards + workers - 1) / workers)
        }
    }
}

@Test("Update plans cover every parameter once and every packed column once", arguments: [1, 3, 16, 40])
func updatePlan(workers: Int) {
    let small = ModelShape(inputSize: 5, sequenceLength: 3, hidden: 19, layers: 3, classes: 4)
    var cells = [ModelShape.mnist, small]
    for cell in [RecurrentCell.lstm, .gru] {
        for head in ModelHead.allCases {
            var shape = small
            shape.cell = cell
            shape.head = head
            cells.append(shape)
        }
    }
    for shape in cells {
        let layout = ParameterLayout(shape)
        let plan = UpdatePlan(layout: layout, workers: workers)
        #expect(plan.assignment.count == workers)
        #expect(plan.assignment.first?.lowerBound == 0 && plan.assignment.last?.upperBound == plan.blocks.count)
        for (a, b) in zip(plan.assignment, plan.assignment.dropFirst()) { #expect(a.upperBound == b.lowerBound) }
        var covered = [Int](repeating: 0, count: layout.count)
        for block in plan.blocks { for range in plan.ranges(of: block) { for i in range { covered[i] += 1 } } }
        for slot in layout.slots { #expect(covered[slot.range].allSatisfy { $0 == 1 }, "\(slot.name)") }
        #expect(covered.reduce(0, +) == layout.parameterCount)
        for layer in 0..<shape.layers {
            let units = plan.blocks.compactMap { $0.packed }.filter { $0.layer == layer }.flatMap { Array($0.units) }
            #expect(units == Array(0..<shape.hidden))
        }
        // A recurrent block holds its units' rows of every gate of every tensor of the layer.
        for block in plan.blocks {
            guard let rows = block.packed else { continue }
            let tensors = layout.layers[rows.layer].all
            let covered = plan.ranges(of: block).reduce(0) { $0 + $1.count }
            let expected = tensors.reduce(0) { $0 + $1.count } / shape.hidden * rows.units.count
            #expect(covered == expected)
        }
        // Linear-weight blocks cover its input columns once, each block all
        // rows of its columns.
        let width = shape.headFeatures
        let linearBlocks = plan.blocks.filter { $0.outputColumns != nil }
        #expect(linearBlocks.flatMap { Array($0.outputColumns!) } == Array(0..<width))
        for block in linearBlocks {
            let columns = block.outputColumns!
            let expected = (0..<shape.classes).map { row in
                let start = layout.outputWeight.offset + row * width
                return (start + columns.lowerBound)..<(start + columns.upperBound)
            }
            #expect(Array(plan.ranges(of: block)) == expected)
        }
    }
}
