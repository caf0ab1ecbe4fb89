/// The processor layout of a machine as plain data: packages, NUMA nodes,
/// L3 groups, caches, the physical cores with their processing units (PUs,
/// hardware threads), and which PUs this process may run on.
///
/// Discover the running machine with ``current()``; describe another machine
/// with an hwloc XML export (``init(xml:)``) or an hwloc synthetic description
/// (``init(synthetic:)``). The value holds no hwloc handle, so everything
/// derived from it (``Placement``) is pure and testable.
public struct Topology: Sendable, Hashable {
    /// Where the description came from.
    public enum Source: Sendable, Hashable, CustomStringConvertible {
        /// The running machine, discovered by hwloc.
        case system
        /// An hwloc XML export.
        case xml
        /// An hwloc synthetic description such as `pack:2 core:4 pu:2`.
        case synthetic(String)
        /// Built directly from Swift values.
        case manual

        public var description: String {
            switch self {
            case .system: "this machine"
            case .xml: "hwloc XML"
            case .synthetic(let text): "synthetic \"\(text)\""
            case .manual: "manual description"
            }
        }
    }

    /// Where the description came from.
    public let source: Source
    /// The processor model name (hwloc's `CPUModel` info), when known.
    public let cpuModel: String?
    /// The NUMA nodes, in hwloc's logical order; ``Core/numaNode`` indexes this array.
    public let numaNodes: [NUMANode]
    /// Size in bytes of one L2 cache, when known.
    public let l2CacheBytes: UInt64?
    /// Size in bytes of one L3 cache, when known.
    public let l3CacheBytes: UInt64?
    /// The physical cores in hwloc's logical order; `cores[i].index == i`.
    public let cores: [Core]
    /// OS indices of the PUs this process may run on: hwloc's allowed set
    /// (cgroup cpusets) intersected with the process's CPU binding (`taskset`).
    public private(set) var usablePUs: Set<Int>

    /// Creates a topology from plain values, checking that it is consistent.
    ///
    /// - Parameters:
    ///   - cores: Physical cores in order; their ``Core/index`` is set to the position.
    ///   - numaNodes: The NUMA nodes; every core's ``Core/numaNode`` must index this array.
    ///   - usablePUs: The PUs the process may use, or nil for every PU of `cores`.
    ///     Indices that are not a PU of `cores` are ignored.
    /// - Throws: ``TopologyError`` when there are no cores, a core has no PUs,
    ///   an index is negative or out of range, or a PU belongs to two cores.
    public init(
        source: Source = .manual, cpuModel: String? = nil, cores: [Core],
        numaNodes: [NUMANode] = [NUMANode(osIndex: 0, memoryBytes: 0)],
        l2CacheBytes: UInt64? = nil, l3CacheBytes: UInt64? = nil, usablePUs: Set<Int>? = nil
    ) throws(TopologyError) {
        guard !cores.isEmpty else { throw .noCores(source: source.description) }
        var seenPUs = Set<Int>()
        var numbered: [Core] = []
        numbered.reserveCapacity(cores.count)
        for (position, core) in cores.enumerated() {
            guard !core.pus.isEmpty else { throw .coreWithoutPUs(core: position) }
            guard core.package >= 0, core.l3Group >= 0, numaNodes.indices.contains(core.numaNode) else {
                throw .invalidCoreLocation(core: position)
            }
            for pu in core.pus {
                guard pu >= 0 else { throw .invalidCoreLocation(core: position) }
                guard seenPUs.insert(pu).inserted else { throw .duplicatePU(pu) }
            }
            var copy = core
            copy.index = position
            numbered.append(copy)
        }
        self.source = source
        self.cpuModel = cpuModel
        self.cores = numbered
        self.numaNodes = numaNodes
        self.l2CacheBytes = l2CacheBytes
        self.l3CacheBytes = l3CacheBytes
        self.usablePUs = usablePUs.map { $0.intersection(seenPUs) } ?? seenPUs
    }

    /// Discovers the running machine with hwloc, including the PUs outside this
    /// process's cgroup or binding (they are listed but not usable).
    ///
    /// - Throws: ``TopologyError`` when hwloc cannot load the topology.
    public static func current() throws(TopologyError) -> Topology {
        try HwlocTopology(.system).snapshot()
    }

    /// Loads a topology from an hwloc XML export (`lstopo --of xml`).
    /// A root `allowed_cpuset` attribute limits the usable PUs.
    ///
    /// - Throws: ``TopologyError`` when hwloc rejects the XML.
    public init(xml: String) throws(TopologyError) {
        self = try HwlocTopology(.xml(xml)).snapshot()
    }

    /// Builds a topology from an hwloc synthetic description, for example
    /// `pack:2 numa:1 l3:2 core:4 pu:2`. Every PU is usable.
    ///
    /// - Throws: ``TopologyError`` when hwloc rejects the description.
    public init(synthetic description: String) throws(TopologyError) {
        self = try HwlocTopology(.synthetic(description)).snapshot()
    }

    /// The same machine with the usable PUs limited to `pus` (intersected with
    /// the PUs already usable), as a `taskset` or cgroup cpuset would.
    public func restricted(to pus: some Sequence<Int>) -> Topology {
        var copy = self
        copy.usablePUs.formIntersection(pus)
        return copy
    }

    /// Number of packages (sockets) with at least one core.
    public var packageCount: Int { Set(cores.map(\.package)).count }

    /// Number of L3 groups (cores sharing one L3 cache) with at least one core.
    public var l3GroupCount: Int { Set(cores.map(\.l3Group)).count }

    /// Number of PUs (hardware threads) of all cores.
    public var puCount: Int { cores.reduce(0) { $0 + $1.pus.count } }

    /// The cores with at least one usable PU, in logical order.
    public var usableCores: [Core] { cores.filter { core in core.pus.contains(where: usablePUs.contains) } }
}
