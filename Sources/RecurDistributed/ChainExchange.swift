import RecurCore
import RecurEngine

/// The exchange between ranks of every step: a chain in rank order,
/// pipelined in slices, that ends in a reduce-scatter, then an all-gather
/// of the parameters each rank updated (ZeRO-1's data flow, with the
/// single-process summation order).
///
/// Rank r computes the batch's shards `ProcessGroup.shards(of:rank:)`.
/// Every receive of a step is posted when it begins. Rank 0 sums its shards'
/// gradients slice by slice (``GradientPartition``) and sends each slice to
/// rank 1 as soon as it is summed; rank 1 continues each slice with its own
/// shards, left to right, as soon as it arrives, and sends it on while it
/// works on the next. The last rank's slices are the single-process step's
/// totals; it sends each rank the totals of that rank's part (slice by
/// slice, as they are done). Each rank applies Adam to its part, and an
/// all-gather gives every rank every updated part; a small all-gather of
/// two floats per rank carries the loss (from the last rank) and the stop
/// requests (the largest wins). Floating-point addition is done in the
/// single-process order, so the result does not depend on the number of
/// ranks; only copies cross the network.
///
/// Time: the chain takes about one message time plus (P - 2) slice times
/// (and one slice's compute per rank), not P - 1 whole messages in sequence.
///
/// Traffic per step, for N floats of parameters, rank r's part p_r and
/// P ranks (``bytesSent`` counts it so): every rank but the last sends the
/// chain's N + 1 floats; the last sends the other ranks' totals,
/// N - p_last; the all-gathers move N - p_r floats and 2(P - 1) floats into
/// rank r, and summed over the ranks as many out, so each rank is counted as
/// sending what it receives (Open MPI picks the algorithm, and with it who
/// forwards what). About 2N per rank.
public final class ChainExchange: StepExchange {
    public let group: ProcessGroup
    public let partition: GradientPartition
    public let partials: UnsafeMutablePointer<Float>
    /// The totals of this rank's part, as the last rank sends them
    /// (the last rank's own are in `partials`).
    private let totals: UnsafeMutablePointer<Float>
    /// Each rank's part, as MPI's all-gather takes them; valid while a
    /// gather is in flight, so allocated once.
    private let partCounts: UnsafeMutablePointer<Int32>
    private let partDisplacements: UnsafeMutablePointer<Int32>
    /// Loss and stop request of this rank, then every rank's (2 x P floats).
    private let endOfStep: UnsafeMutablePointer<Float>
    private let endsOfStep: UnsafeMutablePointer<Float>
    /// This step's receives of the chain, one per slice (nil when this rank
    /// receives no partial sums), and of the totals of its part.
    private var chainReceives: [MessagePassing.Request?]
    private var totalsReceives: [MessagePassing.Request] = []
    /// Sends in flight, with the rank each goes to.
    private var sends: [(request: MessagePassing.Request, to: Int)] = []
    private var receivesPartials = false
    private var sendsPartials = false
    /// This rank's stop request (a signal number), read when it shares its
    /// parameters; the last step's agreed request is ``agreedStop``.
    public var localStop: () -> Int32? = { nil }
    /// The stop request every rank saw at the end of the last step: the
    /// largest signal number any rank had received (nil: none).
    public private(set) var agreedStop: Int32?
    /// Bytes this rank sent per step as the type's doc counts them, and the
    /// time spent in the exchange, since the last reset.
    public private(set) var bytesSent = 0
    public private(set) var nanoseconds: Int64 = 0
    public private(set) var steps = 0

    /// - Parameter layout: the model's parameters; the slices are
    ///   `group.sliceFloats` long.
    public init(group: ProcessGroup, layout: ParameterLayout) {
        self.group = group
        partition = GradientPartition(layout: layout, processes: group.size, sliceFloats: group.sliceFloats)
        partials = .allocate(capacity: partition.messageFloats)
        partials.initialize(repeating: 0, count: partition.messageFloats)
        totals = .allocate(capacity: partition.parameterFloats)
        totals.initialize(repeating: 0, count: partition.parameterFloats)
        partCounts = .allocate(capacity: group.size)
        partDisplacements = .allocate(capacity: group.size)
        for (rank, part) in partition.parts.enumerated() {
            partCounts[rank] = Int32(part.count)
            partDisplacements[rank] = Int32(part.lowerBound)
        }
        endOfStep = .allocate(capacity: 2)
        endOfStep.initialize(repeating: 0, count: 2)
        endsOfStep = .allocate(capacity: 2 * group.size)
        endsOfStep.initialize(repeating: 0, count: 2 * group.size)
        chainReceives = Array(repeating: nil, count: partition.slices.count)
    }

    deinit {
        partials.deallocate()
        totals.deallocate()
        partCounts.deallocate()
        partDisplacements.deallocate()
        endOfStep.deallocate()
        endsOfStep.deallocate()
    }

    public func resetCounters() {
        bytesSent = 0
        nanoseconds = 0
        steps = 0
    }

    public func localShards(of shardCount: Int) -> Range<Int> {
        group.shards(of: shardCount)
    }

    public var ownedPart: Range<Int> { partition.parts[group.rank] }

    private var last: Int { group.size - 1 }

    /// The totals of `slice` that go to `owner`: the slice's gradient within the owner's part.
    private func piece(of slice: Int, for owner: Int) -> Range<Int> {
        partition.slices[slice].clamped(to: partition.parts[owner])
    }

    public func begin(shardCount: Int) throws(ExchangeError) {
        let start = monotonicNanoseconds()
        defer { nanoseconds += monotonicNanoseconds() - start }
        let rank = group.rank
        let local = localShards(of: shardCount)
        // Earlier ranks had shards exactly when this rank's start past 0.
        receivesPartials = rank > 0 && local.lowerBound > 0
        sendsPartials = rank < last && (local.lowerBound > 0 || !local.isEmpty)
        let messages = group.messages
        do {
            for slice in partition.slices.indices {
                let range = partition.slices[slice]
                chainReceives[slice] = receivesPartials
                    ? try messages.receive(
                        floats: partials + range.lowerBound, count: range.count, from: rank - 1, tag: ProcessGroup.gradientTag)
                    : nil
                let piece = piece(of: slice, for: rank)
                if rank != last && !piece.isEmpty {
                    totalsReceives.append(try messages.receive(
                        floats: totals + piece.lowerBound, count: piece.count, from: last, tag: ProcessGroup.totalsTag))
                }
            }
        } catch {
            throw ExchangeError(error.description)
        }
    }

    public func receive(slice: Int) throws(ExchangeError) {
        guard chainReceives[slice] != nil else { return }
        let start = monotonicNanoseconds()
        defer { nanoseconds += monotonicNanoseconds() - start }
        do {
            try group.messages.wait(&chainReceives[slice]!, timeout: group.timeout) {
                group.peerFailure(group.rank - 1, "slice \(slice + 1) of \(partition.slices.count) of its partial sums")
            }
            chainReceives[slice] = nil
        } catch {
            throw ExchangeError(error.description)
        }
    }

    public func send(slice: Int) throws(ExchangeError) {
        let start = monotonicNanoseconds()
        defer { nanoseconds += monotonicNanoseconds() - start }
        let rank = group.rank
        let messages = group.messages
        do {
            if sendsPartials {
                let range = partition.slices[slice]
                sends.append((try messages.send(
                    floats: partials + range.lowerBound, count: range.count, to: rank + 1, tag: ProcessGroup.gradientTag), rank + 1))
                bytesSent += range.count * MemoryLayout<Float>.stride
            }
            if rank == last {
                for owner in 0..<last {
                    let piece = piece(of: slice, for: owner)
                    guard !piece.isEmpty else { continue }
                    sends.append((try messages.send(
                        floats: partials + piece.lowerBound, count: piece.count, to: owner, tag: ProcessGroup.totalsTag), owner))
                    bytesSent += piece.count * MemoryLayout<Float>.stride
                }
            }
        } catch {
            throw ExchangeError(error.description)
        }
    }

    public func ownedTotals() throws(ExchangeError) -> UnsafePointer<Float> {
        let start = monotonicNanoseconds()
        defer { nanoseconds += monotonicNanoseconds() - start }
        do {
            for index in totalsReceives.indices {
                try group.messages.wait(&totalsReceives[index], timeout: group.timeout) {
                    group.peerFailure(last, "the batch's totals of this rank's part")
                }
            }
            totalsReceives.removeAll(keepingCapacity: true)
        } catch {
            throw ExchangeError(error.description)
        }
        return UnsafePointer(group.rank == last ? partials : totals)
    }

    public func shareParameters(_ parameters: UnsafeMutablePointer<Float>) throws(ExchangeError) -> Float {
        let start = monotonicNanoseconds()
        defer {
            nanoseconds += monotonicNanoseconds() - start
            steps += 1
        }
        let rank = group.rank, size = group.size
        endOfStep[0] = rank == last ? partials[partition.parameterFloats] : 0
        endOfStep[1] = Float(localStop() ?? 0)
        let messages = group.messages
        do {
            var parts = try messages.allGather(inPlace: parameters, counts: partCounts, displacements: partDisplacements)
            var ends = try messages.allGather(endOfStep, bytes: 2 * MemoryLayout<Float>.stride, into: endsOfStep)
            bytesSent += (partition.parameterFloats - ownedPart.count + 2 * (size - 1)) * MemoryLayout<Float>.stride
            try messages.wait(&ends, timeout: group.timeout) { gatherFailure("the ranks' losses and stop requests") }
            try messages.wait(&parts, timeout: group.timeout) { gatherFailure("the updated parameters") }
            try waitForSends()
        } catch {
            throw ExchangeError(error.description)
        }
        var stop: Float = 0
        for other in 0..<size { stop = max(stop, endsOfStep[2 * other + 1]) }
        agreedStop = stop > 0 ? Int32(stop) : nil
        return endsOfStep[2 * last]
    }

    /// Gives every rank the Adam moments of every part (each rank keeps
    /// only its own part's current): called by all ranks before rank 0
    /// saves them. Two all-gathers of N floats.
    public func gatherMoments(_ first: UnsafeMutablePointer<Float>, _ second: UnsafeMutablePointer<Float>) throws(ExchangeError) {
        let messages = group.messages
        do {
            var firstRequest = try messages.allGather(inPlace: first, counts: partCounts, displacements: partDisplacements)
            var secondRequest = try messages.allGather(inPlace: second, counts: partCounts, displacements: partDisplacements)
            try messages.wait(&firstRequest, timeout: group.timeout) { gatherFailure("the optimizer's moments") }
            try messages.wait(&secondRequest, timeout: group.timeout) { gatherFailure("the optimizer's moments") }
        } catch {
            throw ExchangeError(error.description)
        }
    }

    /// Completes this step's sends: the peers received them once their own
    /// parts arrived, so this returns at once unless a peer failed.
    private func waitForSends() throws(DistributedError) {
        for index in sends.indices {
            let peer = sends[index].to
            try group.messages.wait(&sends[index].request, timeout: group.timeout) {
                group.peerFailure(peer, "it to receive this rank's gradient")
            }
        }
        sends.removeAll(keepingCapacity: true)
    }

    /// The message for an all-gather that did not complete in time: with
    /// two ranks it names the other; beyond, MPI cannot say which is missing.
    private func gatherFailure(_ what: String) -> String {
        if group.size == 2 { return group.peerFailure(1 - group.rank, what) }
        return "rank \(group.rank): not every rank sent \(what) within \(ProcessGroup.seconds(group.timeout)); "
            + "a rank stopped, hung or lost its connection"
    }
}
