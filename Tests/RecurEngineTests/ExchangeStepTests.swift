import Foundation
import RecurCore
import RecurEngine
import RecurKernels
import RecurModel
import Testing

/// The engine's step across processes, without MPI: P "ranks" on threads of
/// this process, each with its own engine and one worker, passing partial
/// sums through memory as ``StepExchange`` describes (what RecurDistributed's
/// ChainExchange does over MPI). Their parameters must equal one engine's.
@Suite("Step across processes (in-memory exchange)")
struct ExchangeStepTests {
    /// The chain between ranks in memory: a mailbox per rank for the
    /// previous rank's partial sums, one buffer for the last rank's totals.
    final class Chain: @unchecked Sendable {
        let size: Int
        let floats: Int
        let mailboxes: [UnsafeMutablePointer<Float>]
        let arrived: [DispatchSemaphore]
        let totals: UnsafeMutablePointer<Float>
        let totalsReady: [DispatchSemaphore]
        let copied = DispatchSemaphore(value: 0)

        init(size: Int, floats: Int) {
            self.size = size
            self.floats = floats
            mailboxes = (0..<size).map { _ in
                let buffer = UnsafeMutablePointer<Float>.allocate(capacity: floats + 1)
                buffer.initialize(repeating: 0, count: floats + 1)
                return buffer
            }
            arrived = (0..<size).map { _ in DispatchSemaphore(value: 0) }
            totals = .allocate(capacity: floats + 1)
            totals.initialize(repeating: 0, count: floats + 1)
            totalsReady = (0..<size).map { _ in DispatchSemaphore(value: 0) }
        }

        deinit {
            for mailbox in mailboxes { mailbox.deallocate() }
            totals.deallocate()
        }
    }

    final class Rank: StepExchange {
        let chain: Chain
        let rank: Int
        let outgoing: UnsafeMutablePointer<Float>

        init(chain: Chain, rank: Int) {
            self.chain = chain
            self.rank = rank
            outgoing = .allocate(capacity: chain.floats + 1)
            outgoing.initialize(repeating: 0, count: chain.floats + 1)
        }

        deinit { outgoing.deallocate() }

        func localShards(of shardCount: Int) -> Range<Int> {
            (shardCount * rank / chain.size)..<(shardCount * (rank + 1) / chain.size)
        }

        func receivePartial(floats: Int, shardCount: Int) throws(ExchangeError) -> UnsafePointer<Float>? {
            guard rank > 0, localShards(of: shardCount).lowerBound > 0 else { return nil }
            chain.arrived[rank].wait()
            return UnsafePointer(chain.mailboxes[rank])
        }

        func complete(floats: Int, shardCount: Int) throws(ExchangeError) {
            let local = localShards(of: shardCount)
            let last = chain.size - 1
            if rank < last && (local.lowerBound > 0 || !local.isEmpty) {
                chain.mailboxes[rank + 1].update(from: outgoing, count: floats + 1)
                chain.arrived[rank + 1].signal()
            }
            if rank == last {
                chain.totals.update(from: outgoing, count: floats + 1)
                for other in 0..<last { chain.totalsReady[other].signal() }
                // The totals stay until every rank has its copy.
                for _ in 0..<last { chain.copied.wait() }
            } else {
                chain.totalsReady[rank].wait()
                outgoing.update(from: chain.totals, count: floats + 1)
                chain.copied.signal()
            }
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
        _ size: Int, shape: ModelShape, shardSize: Int, batch: Int, batches: [[Int32]]
    ) throws -> [([Float], [Float])] {
        let data = source(shape: shape, count: 61)
        let engines = try (0..<size).map { _ in try engine(shape: shape, shardSize: shardSize, batch: batch) }
        let chain = Chain(size: size, floats: engines[0].parameters.layout.count)
        let results = Results(count: size)
        let group = DispatchGroup()
        for rank in 0..<size {
            let exchange = Rank(chain: chain, rank: rank)
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
        "P ranks train to one engine's bits and losses, also with ranks that have no shard",
        arguments: [
            ModelShape(inputSize: 5, sequenceLength: 6, hidden: 19, layers: 2, classes: 4),
            ModelShape(inputSize: 3, sequenceLength: 5, hidden: 16, layers: 1, classes: 5, cell: .lstm, head: .lastStep),
            ModelShape(inputSize: 4, sequenceLength: 4, hidden: 12, layers: 2, classes: 3, cell: .gru),
        ])
    func sameBits(shape: ModelShape) throws {
        // Batches of 10 in shards of 3: 4 shards, and 2 in the short last batch.
        let batches = Self.batches(steps: 7, batch: 10, count: 61)
        let reference = try Self.alone(shape: shape, shardSize: 3, batch: 10, batches: batches)
        for size in [1, 2, 3, 5] {
            for (rank, result) in try Self.ranks(size, shape: shape, shardSize: 3, batch: 10, batches: batches).enumerated() {
                #expect(result.0 == reference.0, "\(size) ranks, rank \(rank): parameters differ")
                #expect(result.1 == reference.1, "\(size) ranks, rank \(rank): losses differ")
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
