import Foundation
import RecurCore
import RecurEngine
import RecurKernels
import RecurModel
import Testing

/// The engine's step across processes, without MPI: P "ranks" on threads of
/// this process, each with its own engine and one worker, passing slices of
/// partial sums, totals and updated parts through memory as ``StepExchange``
/// describes (what RecurDistributed's ChainExchange does over MPI). Their
/// parameters must equal one engine's.
@Suite("Step across processes (in-memory exchange)")
struct ExchangeStepTests {
    /// What the ranks share: each rank's chain buffer and totals, a
    /// semaphore per rank and slice for the chain, one per rank for the
    /// totals of its part, and the parameters every rank's part is copied
    /// through, with a barrier around reading them.
    final class Mesh: @unchecked Sendable {
        let size: Int
        let partition: GradientPartition
        let partials: [UnsafeMutablePointer<Float>]
        let totals: [UnsafeMutablePointer<Float>]
        let sliceArrived: [[DispatchSemaphore]]
        let partArrived: [DispatchSemaphore]
        let shared: UnsafeMutablePointer<Float>
        var sharedLoss: Float = 0
        private let condition = NSCondition()
        private var waiting = 0
        private var generation = 0

        init(size: Int, layout: ParameterLayout, sliceFloats: Int) {
            self.size = size
            let partition = GradientPartition(layout: layout, processes: size, sliceFloats: sliceFloats)
            self.partition = partition
            func buffer(_ count: Int) -> UnsafeMutablePointer<Float> {
                let buffer = UnsafeMutablePointer<Float>.allocate(capacity: count)
                buffer.initialize(repeating: 0, count: count)
                return buffer
            }
            partials = (0..<size).map { _ in buffer(partition.messageFloats) }
            totals = (0..<size).map { _ in buffer(partition.parameterFloats) }
            shared = buffer(partition.parameterFloats)
            sliceArrived = (0..<size).map { _ in partition.slices.map { _ in DispatchSemaphore(value: 0) } }
            partArrived = (0..<size).map { _ in DispatchSemaphore(value: 0) }
        }

        deinit {
            for buffer in partials + totals + [shared] { buffer.deallocate() }
        }

        /// Returns when every rank has called it.
        func barrier() {
            condition.lock()
            let arrivedIn = generation
            waiting += 1
            if waiting == size {
                waiting = 0
                generation += 1
                condition.broadcast()
            } else {
                while generation == arrivedIn { condition.wait() }
            }
            condition.unlock()
        }
    }

    final class Rank: StepExchange {
        let mesh: Mesh
        let rank: Int
        var receives = false
        var sends = false

        init(mesh: Mesh, rank: Int) {
            self.mesh = mesh
            self.rank = rank
        }

        var partition: GradientPartition { mesh.partition }
        var partials: UnsafeMutablePointer<Float> { mesh.partials[rank] }
        var ownedPart: Range<Int> { mesh.partition.parts[rank] }
        private var last: Int { mesh.size - 1 }

        func localShards(of shardCount: Int) -> Range<Int> {
            (shardCount * rank / mesh.size)..<(shardCount * (rank + 1) / mesh.size)
        }

        func begin(shardCount: Int) throws(ExchangeError) {
            let local = localShards(of: shardCount)
            receives = rank > 0 && local.lowerBound > 0
            sends = rank < last && (local.lowerBound > 0 || !local.isEmpty)
        }

        func receive(slice: Int) throws(ExchangeError) {
            if receives { mesh.sliceArrived[rank][slice].wait() }
        }

        func send(slice: Int) throws(ExchangeError) {
            if sends {
                let range = mesh.partition.slices[slice]
                (mesh.partials[rank + 1] + range.lowerBound).update(from: partials + range.lowerBound, count: range.count)
                mesh.sliceArrived[rank + 1][slice].signal()
            }
            guard rank == last else { return }
            for owner in 0..<last where mesh.partition.completingSlice[owner] == slice {
                let part = mesh.partition.parts[owner]
                (mesh.totals[owner] + part.lowerBound).update(from: partials + part.lowerBound, count: part.count)
                mesh.partArrived[owner].signal()
            }
        }

        func ownedTotals() throws(ExchangeError) -> UnsafePointer<Float> {
            guard rank != last else { return UnsafePointer(partials) }
            if !ownedPart.isEmpty { mesh.partArrived[rank].wait() }
            return UnsafePointer(mesh.totals[rank])
        }

        func shareParameters(_ parameters: UnsafeMutablePointer<Float>) throws(ExchangeError) -> Float {
            (mesh.shared + ownedPart.lowerBound).update(from: parameters + ownedPart.lowerBound, count: ownedPart.count)
            if rank == last { mesh.sharedLoss = partials[mesh.partition.parameterFloats] }
            mesh.barrier()
            for (owner, part) in mesh.partition.parts.enumerated() where owner != rank {
                (parameters + part.lowerBound).update(from: mesh.shared + part.lowerBound, count: part.count)
            }
            let loss = mesh.sharedLoss
            // Nobody writes the next step's parts before everyone has read these.
            mesh.barrier()
            return loss
        }
    }

    private static func source(shape: ModelShape, count: Int) -> ArraySampleSource {
        var random = RecurRandom(seed: 3)
        let size = shape.sampleInputCount
        return ArraySampleSource(
            inputs: (0..<(count * size)).map { _ in random.uniform(0, 1) },
            labels: (0..<count).map { _ in Int32(random.next() % UInt64(shape.classes)) }, sampleSize: size)
    }

    private static func engine(shape: ModelShape, shardSize: Int, batch: Int) throws -> DataParallelEngine {
        let placement = try Placement(topology: try Topology.current(), threads: .fixed(1))
        let pool = try WorkerPool(placement: placement, pinMode: .none)
        let parameters = Parameters(shape: shape, seed: 7)
        return try DataParallelEngine(
            pool: pool, parameters: parameters, optimizer: AdamState(layout: parameters.layout, learningRate: 1e-2),
            backend: Backends.best, shardSize: shardSize, maxBatch: batch)
    }

    /// The batches of a run: `steps` of `batch` indices, the last one short.
    private static func batches(steps: Int, batch: Int, count: Int) -> [[Int32]] {
        var random = RecurRandom(seed: 11)
        return (0..<steps).map { step in
            (0..<(step == steps - 1 ? max(1, batch / 3) : batch)).map { _ in Int32(random.next() % UInt64(count)) }
        }
    }

    /// Parameters and losses after the batches on one engine alone.
    private static func alone(shape: ModelShape, shardSize: Int, batch: Int, batches: [[Int32]]) throws -> ([Float], [Float]) {
        let data = source(shape: shape, count: 61)
        let engine = try engine(shape: shape, shardSize: shardSize, batch: batch)
        let losses = batches.map { indices in indices.withUnsafeBufferPointer { engine.step(source: data, indices: $0) } }
        return (Array(engine.parameters.storage.buffer), losses)
    }

    /// Parameters and losses of every rank after the batches on `size` ranks.
    private static func ranks(
        _ size: Int, shape: ModelShape, shardSize: Int, batch: Int, batches: [[Int32]], sliceFloats: Int
    ) throws -> [([Float], [Float])] {
        let data = source(shape: shape, count: 61)
        let engines = try (0..<size).map { _ in try engine(shape: shape, shardSize: shardSize, batch: batch) }
        let mesh = Mesh(size: size, layout: engines[0].parameters.layout, sliceFloats: sliceFloats)
        let results = Results(count: size)
        let group = DispatchGroup()
        for rank in 0..<size {
            let exchange = Rank(mesh: mesh, rank: rank)
            let engine = engines[rank]
            let work = Work { [results] in
                var losses: [Float] = []
                for indices in batches {
                    let loss = try? indices.withUnsafeBufferPointer { try engine.step(source: data, indices: $0, exchange: exchange) }
                    losses.append(loss ?? .nan)
                }
                results.set(rank, (Array(engine.parameters.storage.buffer), losses))
            }
            let thread = Thread { work.run(); group.leave() }
            group.enter()
            thread.start()
        }
        group.wait()
        return results.values
    }

    @Test(
        "P ranks train to one engine's bits and losses, in one slice and in many, also with ranks that have no shard",
        arguments: [
            ModelShape(inputSize: 5, sequenceLength: 6, hidden: 19, layers: 2, classes: 4),
            ModelShape(inputSize: 3, sequenceLength: 5, hidden: 16, layers: 1, classes: 5, cell: .lstm, head: .lastStep),
            ModelShape(inputSize: 4, sequenceLength: 4, hidden: 12, layers: 2, classes: 3, cell: .gru),
        ])
    func sameBits(shape: ModelShape) throws {
        // Batches of 10 in shards of 3: 4 shards, and 2 in the short last batch.
        let batches = Self.batches(steps: 7, batch: 10, count: 61)
        let reference = try Self.alone(shape: shape, shardSize: 3, batch: 10, batches: batches)
        let floats = ParameterLayout(shape).count
        // One slice for everything, the default, and slices of 32 floats (many of them).
        for sliceFloats in [floats + 1, GradientPartition.defaultSliceFloats, 32] {
            for size in [1, 2, 3, 5] {
                let results = try Self.ranks(
                    size, shape: shape, shardSize: 3, batch: 10, batches: batches, sliceFloats: sliceFloats)
                for (rank, result) in results.enumerated() {
                    #expect(result.0 == reference.0, "\(size) ranks, slices of \(sliceFloats), rank \(rank): parameters differ")
                    #expect(result.1 == reference.1, "\(size) ranks, slices of \(sliceFloats), rank \(rank): losses differ")
                }
            }
        }
    }

    @Test("the partition: slices and parts cover the buffer in order on 64-byte lines, fc.weight whole in one slice")
    func partition() {
        let shapes = [
            ModelShape(inputSize: 5, sequenceLength: 6, hidden: 19, layers: 2, classes: 4),
            ModelShape(inputSize: 28, sequenceLength: 28, hidden: 256, layers: 2, classes: 10),
        ]
        for shape in shapes {
            let layout = ParameterLayout(shape)
            for processes in [1, 2, 3, 4, 7] {
                for sliceFloats in [1, 32, 1000, GradientPartition.defaultSliceFloats] {
                    let partition = GradientPartition(layout: layout, processes: processes, sliceFloats: sliceFloats)
                    let label = "\(shape), P=\(processes), slices of \(sliceFloats)"
                    #expect(partition.slices.first?.lowerBound == 0 && partition.slices.last?.upperBound == layout.count + 1, "\(label)")
                    #expect(zip(partition.slices, partition.slices.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound }, "\(label)")
                    #expect(partition.slices.dropLast().allSatisfy { $0.upperBound % ParameterLayout.alignment == 0 }, "\(label)")
                    let weight = layout.outputWeight.range
                    #expect(partition.slices.filter { $0.overlaps(weight) }.count == 1, "\(label)")
                    #expect(partition.slices.allSatisfy { !$0.isEmpty }, "\(label)")
                    if sliceFloats < weight.count {
                        // Cut where it can be: more than the slice holding fc.weight and the one after it.
                        #expect(partition.slices.count > 2, "\(label)")
                    }
                    #expect(partition.parts.count == processes && partition.parts.first?.lowerBound == 0, "\(label)")
                    #expect(partition.parts.last?.upperBound == layout.count, "\(label)")
                    #expect(zip(partition.parts, partition.parts.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound }, "\(label)")
                    #expect(partition.parts.allSatisfy { $0.lowerBound % ParameterLayout.alignment == 0 }, "\(label)")
                    let sizes = partition.parts.map(\.count)
                    #expect(sizes.max()! - sizes.min()! <= ParameterLayout.alignment * 2, "\(label): \(sizes)")
                    for (part, slice) in zip(partition.parts, partition.completingSlice) where !part.isEmpty {
                        #expect(slice.map { partition.slices[$0].contains(part.upperBound - 1) } == true, "\(label)")
                    }
                }
            }
        }
    }
}

/// Each rank's results, written by its thread.
private final class Results: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [([Float], [Float])?]

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ value: ([Float], [Float])) {
        lock.lock()
        slots[index] = value
        lock.unlock()
    }

    var values: [([Float], [Float])] {
        lock.lock()
        defer { lock.unlock() }
        return slots.map { $0 ?? ([], []) }
    }
}

/// A rank's work, handed to its thread.
private final class Work: @unchecked Sendable {
    let body: () -> Void
    init(_ body: @escaping () -> Void) { self.body = body }
    func run() { body() }
}
