/// Where each worker thread of a parallel run goes: one worker per usable
/// physical core first, then the cores' second hardware threads (SMT
/// siblings), and so on.
///
/// Consecutive workers are spread round-robin over packages, then over the
/// NUMA nodes of a package, then over the L3 groups of a node, so two workers
/// on a two-socket machine land on different sockets and four workers on a
/// machine with four L3 groups use all four caches. Asking for more threads
/// than usable PUs wraps around (worker `i` shares the PU of worker
/// `i - usablePUs`) and sets ``oversubscribed``.
public struct Placement: Sendable, Hashable {
    /// One worker's place.
    public struct Slot: Sendable, Hashable {
        /// The worker index, `0..<threads`.
        public var worker: Int
        /// OS index of the PU (hardware thread) the worker runs on.
        public var pu: Int
        /// Index into ``Topology/cores`` of the PU's core.
        public var core: Int
        /// The core's package (socket).
        public var package: Int
        /// Index into ``Topology/numaNodes`` of the core's NUMA node.
        public var numaNode: Int
        /// The core's L3 group.
        public var l3Group: Int
    }

    /// The most workers a placement takes on a machine with `usablePUs`
    /// usable PUs: 8 per PU, and at least 64. Far more workers than PUs spin
    /// and yield against each other at every barrier, so such a run (and its
    /// exit, which joins every worker) would take minutes for seconds of work.
    public static func maximumThreads(usablePUs: Int) -> Int { max(64, 8 * usablePUs) }

    /// The machine the placement is for.
    public let topology: Topology
    /// One slot per worker, indexed by worker.
    public let slots: [Slot]
    /// Whether there are more workers than usable PUs, so some share a PU.
    public let oversubscribed: Bool

    /// Number of workers.
    public var threads: Int { slots.count }

    /// Places `threads` workers on the usable PUs of `topology`;
    /// ``ThreadCount/auto`` means one per usable physical core.
    ///
    /// - Throws: ``PlacementError`` when no PU is usable or the count is not in
    ///   `1...Placement.maximumThreads(usablePUs:)`.
    /// - Complexity: O(*n* + *p* log *p*) for *n* threads and *p* PUs.
    public init(topology: Topology, threads: ThreadCount) throws(PlacementError) {
        let order = Self.spreadOrder(topology)
        guard !order.isEmpty else { throw .noUsablePUs }
        let count: Int
        switch threads {
        case .auto: count = topology.usableCores.count
        case .fixed(let value): count = value
        }
        guard count >= 1 else { throw .invalidThreadCount(count) }
        let maximum = Self.maximumThreads(usablePUs: order.count)
        guard count <= maximum else {
            throw .tooManyThreads(requested: count, maximum: maximum, usablePUs: order.count)
        }
        self.topology = topology
        self.slots = (0..<count).map { worker in
            var slot = order[worker % order.count]
            slot.worker = worker
            return slot
        }
        self.oversubscribed = count > order.count
    }

    /// Every usable PU once, in the order workers take them: the first usable
    /// PU of each core (cores spread over packages, NUMA nodes and L3 groups),
    /// then the second usable PU of each core, and so on.
    static func spreadOrder(_ topology: Topology) -> [Slot] {
        let cores = spread(topology.usableCores, levels: [\.package, \.numaNode, \.l3Group])
        let usablePUs = cores.map { core in core.pus.filter(topology.usablePUs.contains) }
        let rounds = usablePUs.map(\.count).max() ?? 0
        var order: [Slot] = []
        order.reserveCapacity(topology.usablePUs.count)
        for round in 0..<rounds {
            for (core, pus) in zip(cores, usablePUs) where round < pus.count {
                order.append(
                    Slot(worker: order.count, pu: pus[round], core: core.index, package: core.package,
                         numaNode: core.numaNode, l3Group: core.l3Group))
            }
        }
        return order
    }

    /// Orders `cores` so that consecutive entries differ at the first level
    /// whenever possible: groups by the first key (in order of appearance),
    /// orders each group by the remaining keys, then deals the groups out
    /// round-robin.
    private static func spread(_ cores: [Topology.Core], levels: ArraySlice<KeyPath<Topology.Core, Int>>) -> [Topology.Core] {
        guard let key = levels.first, cores.count > 1 else { return cores }
        var groupOfKey: [Int: Int] = [:]
        var groups: [[Topology.Core]] = []
        for core in cores {
            let value = core[keyPath: key]
            if let group = groupOfKey[value] {
                groups[group].append(core)
            } else {
                groupOfKey[value] = groups.count
                groups.append([core])
            }
        }
        let ordered = groups.map { spread($0, levels: levels.dropFirst()) }
        var result: [Topology.Core] = []
        result.reserveCapacity(cores.count)
        var round = 0
        while result.count < cores.count {
            for group in ordered where round < group.count { result.append(group[round]) }
            round += 1
        }
        return result
    }
}

extension Placement {
    /// The report of `recur topology`: the machine (``Topology/describe()``)
    /// followed by one aligned row per worker (PU, core, package, NUMA node,
    /// L3 group) and, when oversubscribed, a line saying so.
    public func describe() -> String {
        var lines = [topology.describe(), ""]
        let smt = Set(slots.map(\.pu)).count > Set(slots.map(\.core)).count
        lines.append(
            "Placement of \(threads) worker\(threads == 1 ? "" : "s")"
                + (smt ? " (SMT siblings in use)" : " (one per core)") + ":")
        var rows = [["worker", "PU", "core", "package", "NUMA", "L3"]]
        for slot in slots {
            rows.append([slot.worker, slot.pu, slot.core, slot.package, slot.numaNode, slot.l3Group].map(String.init))
        }
        lines += Topology.alignedTable(rows).map { "  " + $0 }
        if oversubscribed {
            lines.append("Oversubscribed: \(threads) workers share \(topology.usablePUs.count) usable PUs.")
        }
        return lines.joined(separator: "\n")
    }
}

/// Workers could not be placed.
public enum PlacementError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The process may not run on any PU of the topology.
    case noUsablePUs
    /// The thread count is below 1.
    case invalidThreadCount(Int)
    /// The thread count exceeds ``Placement/maximumThreads(usablePUs:)``.
    case tooManyThreads(requested: Int, maximum: Int, usablePUs: Int)

    public var description: String {
        switch self {
        case .noUsablePUs:
            "placement: this process may not run on any processing unit of the topology"
        case .invalidThreadCount(let count):
            "--threads must be at least 1 (got \(count))"
        case .tooManyThreads(let requested, let maximum, let usablePUs):
            "--threads \(requested) is more than \(maximum) (8 per usable CPU, at least 64; this machine has "
                + "\(usablePUs) usable CPUs): so many workers would spin against each other"
        }
    }
}
