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
