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
/// totals; it sends each rank the totals of that rank's part, in one
/// message as soon as the slice that completes the part is done. Each rank
/// applies Adam to its part and sends it to every other rank (an all-gather
/// in one round of point-to-point messages, so a missing peer is named),
/// with two floats: the loss (the last rank's is the batch's) and its stop
/// request (the largest wins). Floating-point addition is done in the
/// single-process order, so the result does not depend on the number of
/// ranks; only copies cross the network.
///
/// Time: the chain takes about one message time plus (P - 2) slice times
/// (and one slice's compute per rank), not P - 1 whole messages in sequence.
///
/// Traffic per step, for N floats of parameters, rank r's part p_r and
/// P ranks (``bytesSent`` counts it so): every rank but the last sends the
/// chain's N + 1 floats; the last sends the other ranks' totals,
/// N - p_last; every rank sends its part and two floats to each other rank,
/// (P - 1)(p_r + 2). About 2N per rank (p_r is about N / P).
public final class ChainExchange: StepExchange {
    public let group: ProcessGroup
    public let partition: GradientPartition
    public let partials: UnsafeMutablePointer<Float>
    /// The totals of this rank's part, as the last rank sends them
    /// (the last rank's own are in `partials`).
    private let totals: UnsafeMutablePointer<Float>
    /// Loss and stop request of this rank, then every rank's (2 x P floats).
    private let endOfStep: UnsafeMutablePointer<Float>
    private let endsOfStep: UnsafeMutablePointer<Float>
    /// This step's receives of the chain, one per slice (nil when this rank
    /// receives no partial sums), and of the totals of its part (nil on the
    /// last rank, which has them).
    private var chainReceives: [MessagePassing.Request?]
    private var totalsReceive: MessagePassing.Request?
    /// Sends in flight, and the all-gather's receives, with the peer of each
    /// (kept between steps, so a step allocates nothing).
    private var sends: [(request: MessagePassing.Request, to: Int)] = []
    private var partReceives: [(request: MessagePassing.Request, from: Int)] = []
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
        endOfStep = .allocate(capacity: 2)
        endOfStep.initialize(repeating: 0, count: 2)
        endsOfStep = .allocate(capacity: 2 * group.size)
        endsOfStep.initialize(repeating: 0, count: 2 * group.size)
        chainReceives = Array(repeating: nil, count: partition.slices.count)
    }

    deinit {
        partials.deallocate()
        totals.deallocate()
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
            }
            let part = ownedPart
            if rank != last && !part.isEmpty {
                totalsReceive = try messages.receive(
                    floats: totals + part.lowerBound, count: part.count, from: last, tag: ProcessGroup.totalsTag)
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
                // Each owner's totals, in one message, as soon as its part is complete.
                for owner in 0..<last where partition.completingSlice[owner] == slice {
                    let part = partition.parts[owner]
                    sends.append((try messages.send(
                        floats: partials + part.lowerBound, count: part.count, to: owner, tag: ProcessGroup.totalsTag), owner))
                    bytesSent += part.count * MemoryLayout<Float>.stride
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
            if totalsReceive != nil {
                try group.messages.wait(&totalsReceive!, timeout: group.timeout) {
                    group.peerFailure(last, "the batch's totals of this rank's part")
                }
                totalsReceive = nil
            }
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
        do {
            bytesSent += try shareParts(of: parameters, what: "its updated parameters", withEndOfStep: true)
            try waitForSends()
        } catch {
            throw ExchangeError(error.description)
        }
        (endsOfStep + 2 * rank).update(from: endOfStep, count: 2)
        var stop: Float = 0
        for other in 0..<size { stop = max(stop, endsOfStep[2 * other + 1]) }
        agreedStop = stop > 0 ? Int32(stop) : nil
        return endsOfStep[2 * last]
    }

    /// Gives every rank the Adam moments of every part (each rank keeps
    /// only its own part's current): called by all ranks before rank 0
    /// saves them. Sends 2 x p_r floats to each other rank.
    public func gatherMoments(_ first: UnsafeMutablePointer<Float>, _ second: UnsafeMutablePointer<Float>) throws(ExchangeError) {
        do {
            for moments in [first, second] {
                _ = try shareParts(of: moments, what: "its part of the optimizer's moments", withEndOfStep: false)
                try waitForSends()
            }
        } catch {
            throw ExchangeError(error.description)
        }
    }

    /// The all-gather of the parts of `buffer`, in place: this rank's part
    /// goes to every other rank directly and theirs come into their places
    /// (one round: each rank sends (P - 1) x p_r floats and receives
    /// N - p_r, as a ring all-gather would, without its P - 1 steps);
    /// with `withEndOfStep`, each rank's loss and stop request too. Returns
    /// the bytes sent; the sends are left in ``sends``.
    private func shareParts(
        of buffer: UnsafeMutablePointer<Float>, what: String, withEndOfStep: Bool
    ) throws(DistributedError) -> Int {
        let rank = group.rank, messages = group.messages
        let own = ownedPart
        var bytes = 0
        for other in 0..<group.size where other != rank {
            let part = partition.parts[other]
            if !part.isEmpty {
                partReceives.append((try messages.receive(
                    floats: buffer + part.lowerBound, count: part.count, from: other, tag: ProcessGroup.partsTag), other))
            }
            if withEndOfStep {
                partReceives.append((try messages.receive(
                    floats: endsOfStep + 2 * other, count: 2, from: other, tag: ProcessGroup.endOfStepTag), other))
            }
        }
        for other in 0..<group.size where other != rank {
            if !own.isEmpty {
                sends.append((try messages.send(
                    floats: buffer + own.lowerBound, count: own.count, to: other, tag: ProcessGroup.partsTag), other))
                bytes += own.count * MemoryLayout<Float>.stride
            }
            if withEndOfStep {
                sends.append((try messages.send(floats: endOfStep, count: 2, to: other, tag: ProcessGroup.endOfStepTag), other))
                bytes += 2 * MemoryLayout<Float>.stride
            }
        }
        for index in partReceives.indices {
            let peer = partReceives[index].from
            try messages.wait(&partReceives[index].request, timeout: group.timeout) { group.peerFailure(peer, what) }
        }
        partReceives.removeAll(keepingCapacity: true)
        return bytes
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
}
