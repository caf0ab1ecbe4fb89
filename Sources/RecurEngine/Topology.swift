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

extension Topology {
    /// One physical core and the hardware threads (PUs) it runs.
    public struct Core: Sendable, Hashable {
        /// Position in ``Topology/cores`` (hwloc's logical core index).
        public var index: Int
        /// OS indices of the core's PUs (the numbers `taskset` and
        /// `/proc/cpuinfo` use), in hwloc's logical order.
        public var pus: [Int]
        /// Logical index of the package (socket) holding the core.
        public var package: Int
        /// Index into ``Topology/numaNodes`` of the NUMA node local to the core.
        public var numaNode: Int
        /// Index of the group of cores sharing the core's L3 cache; on machines
        /// without an L3 cache every package is one group.
        public var l3Group: Int

        public init(index: Int = 0, pus: [Int], package: Int = 0, numaNode: Int = 0, l3Group: Int = 0) {
            self.index = index
            self.pus = pus
            self.package = package
            self.numaNode = numaNode
            self.l3Group = l3Group
        }
    }

    /// One NUMA node: a memory bank and the cores closest to it.
    public struct NUMANode: Sendable, Hashable {
        /// The operating system's node number (as in `numactl --hardware`).
        public var osIndex: Int
        /// Local memory in bytes, 0 when unknown.
        public var memoryBytes: UInt64

        public init(osIndex: Int, memoryBytes: UInt64) {
            self.osIndex = osIndex
            self.memoryBytes = memoryBytes
        }
    }
}

extension Topology {
    /// A multi-line report of the machine: model, packages, NUMA nodes, L3
    /// groups, caches, cores, PUs and the PUs this process may use, as
    /// aligned `label  value` lines.
    public func describe() -> String {
        var lines: [(String, String)] = []
        lines.append(("Machine", (cpuModel ?? "unknown CPU model") + " (\(source))"))
        lines.append(("Packages", String(packageCount)))
        let nodes = numaNodes.enumerated().map { index, node in
            node.memoryBytes > 0 ? "node \(index): \(Self.formatBytes(node.memoryBytes))" : "node \(index)"
        }
        lines.append(("NUMA nodes", "\(numaNodes.count) (\(nodes.joined(separator: ", ")))"))
        lines.append(("L3 groups", String(l3GroupCount)))
        lines.append(("L2 cache", l2CacheBytes.map { "\(Self.formatBytes($0)) each" } ?? "unknown"))
        lines.append(("L3 cache", l3CacheBytes.map { "\(Self.formatBytes($0)) each" } ?? "unknown"))
        lines.append(("Cores", String(cores.count)))
        let perCore = Set(cores.map(\.pus.count)).sorted()
        let perCoreText = perCore.count == 1 ? "\(perCore[0])" : "\(perCore.first ?? 0)-\(perCore.last ?? 0)"
        lines.append(("PUs", "\(puCount) (\(perCoreText) per core)"))
        let usableText = usablePUs.count == puCount ? "all" : Self.formatRanges(usablePUs.sorted())
        lines.append(("Usable", "\(usablePUs.count) of \(puCount) PUs, \(usableCores.count) of \(cores.count) cores: \(usableText)"))
        let width = lines.map(\.0.count).max() ?? 0
        return lines.map { label, value in label + String(repeating: " ", count: width - label.count + 2) + value }
            .joined(separator: "\n")
    }

    /// `[0, 1, 2, 5, 7, 8]` as `0-2,5,7-8`.
    static func formatRanges(_ sorted: [Int]) -> String {
        var parts: [String] = []
        var index = 0
        while index < sorted.count {
            var end = index
            while end + 1 < sorted.count, sorted[end + 1] == sorted[end] + 1 { end += 1 }
            parts.append(end == index ? "\(sorted[index])" : "\(sorted[index])-\(sorted[end])")
            index = end + 1
        }
        return parts.isEmpty ? "none" : parts.joined(separator: ",")
    }

    /// A byte count in the largest binary unit that keeps it at least 1,
    /// with one decimal unless it is whole: `32 MiB`, `1.5 GiB`, `512 B`.
    static func formatBytes(_ bytes: UInt64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"]
        var unit = 0
        var scale: UInt64 = 1
        while unit + 1 < units.count, bytes / scale >= 1024 {
            scale *= 1024
            unit += 1
        }
        let whole = bytes / scale
        let tenths = (bytes % scale) * 10 / scale
        return tenths == 0 && bytes % scale == 0 ? "\(whole) \(units[unit])" : "\(whole).\(tenths) \(units[unit])"
    }

    /// Rows of cells as lines with right-aligned columns two spaces apart.
    static func alignedTable(_ rows: [[String]]) -> [String] {
        let columns = rows.map(\.count).max() ?? 0
        let widths = (0..<columns).map { column in rows.map { column < $0.count ? $0[column].count : 0 }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { column, cell in String(repeating: " ", count: widths[column] - cell.count) + cell }
                .joined(separator: "  ")
        }
    }
}

/// A topology could not be discovered, loaded or built.
public enum TopologyError: Error, Equatable, Sendable, CustomStringConvertible {
    /// hwloc could not allocate a topology (`errno` given).
    case hwlocInitializationFailed(errno: Int32)
    /// hwloc rejected a synthetic description.
    case invalidSyntheticDescription(String)
    /// hwloc rejected an XML topology; `detail` says at which step.
    case invalidXML(detail: String)
    /// hwloc failed to load the topology of `source` (`errno` given).
    case loadFailed(source: String, errno: Int32)
    /// The topology of `source` has no cores (no PUs).
    case noCores(source: String)
    /// A core has no PUs.
    case coreWithoutPUs(core: Int)
    /// A core has a negative PU, package or L3 group, or a NUMA node out of range.
    case invalidCoreLocation(core: Int)
    /// A PU OS index belongs to more than one core.
    case duplicatePU(Int)

    public var description: String {
        switch self {
        case .hwlocInitializationFailed(let code):
            "topology: hwloc_topology_init failed (errno \(code))"
        case .invalidSyntheticDescription(let text):
            "topology: hwloc rejected the synthetic description \"\(text)\" (expected e.g. \"pack:2 core:4 pu:2\")"
        case .invalidXML(let detail):
            "topology: hwloc rejected the XML topology: \(detail)"
        case .loadFailed(let source, let code):
            "topology: hwloc failed to load the topology of \(source) (errno \(code))"
        case .noCores(let source):
            "topology: the topology of \(source) has no processing units"
        case .coreWithoutPUs(let core):
            "topology: core \(core) has no processing units"
        case .invalidCoreLocation(let core):
            "topology: core \(core) has a negative PU, package or L3 group index, or an unknown NUMA node"
        case .duplicatePU(let pu):
            "topology: PU \(pu) is listed under more than one core"
        }
    }
}
