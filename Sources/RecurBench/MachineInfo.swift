/// The machine a benchmark ran on, as the report describes it.
///
/// Everything is supplied by the caller (hwloc topology, CPU identification,
/// build information); this type only carries and prints it.
public struct MachineInfo: Hashable, Sendable, Codable {
    /// The CPU's marketing name, e.g. "AMD EPYC 9654 96-Core Processor".
    public var cpuModel: String
    /// Physical CPU packages (sockets).
    public var packages: Int
    /// NUMA nodes.
    public var numaNodes: Int
    /// Physical cores.
    public var cores: Int
    /// Processing units (hardware threads).
    public var pus: Int
    /// Processing units this process may run on (its CPU affinity mask).
    public var usablePUs: Int
    /// Size of one L2 cache in bytes.
    public var l2Bytes: Int
    /// Size of one L3 cache in bytes.
    public var l3Bytes: Int
    /// The kernel backend in use, e.g. "avx512", "avx2" or "portable".
    public var backend: String
    /// The compiler flags of the build, as one string.
    public var buildFlags: String
    /// The version of `recur` that ran the benchmark.
    public var recurVersion: String
    /// The machine's host name.
    public var hostname: String
    /// When the benchmark ran, as an ISO-8601 string (e.g. "2025-11-25T13:18:00Z").
    public var date: String

    public init(
        cpuModel: String, packages: Int, numaNodes: Int, cores: Int, pus: Int, usablePUs: Int,
        l2Bytes: Int, l3Bytes: Int, backend: String, buildFlags: String, recurVersion: String,
        hostname: String, date: String
    ) {
        self.cpuModel = cpuModel
        self.packages = packages
        self.numaNodes = numaNodes
        self.cores = cores
        self.pus = pus
        self.usablePUs = usablePUs
        self.l2Bytes = l2Bytes
        self.l3Bytes = l3Bytes
        self.backend = backend
        self.buildFlags = buildFlags
        self.recurVersion = recurVersion
        self.hostname = hostname
        self.date = date
    }

    /// The CPU topology in one line, e.g.
    /// "packages 2, NUMA nodes 8, cores 192, PUs 384 (384 usable), L2 1 MiB, L3 32 MiB".
    public var topologySummary: String {
        "packages \(packages), NUMA nodes \(numaNodes), cores \(cores), PUs \(pus) (\(usablePUs) usable), "
            + "L2 \(Self.byteCount(l2Bytes)), L3 \(Self.byteCount(l3Bytes))"
    }

    /// `bytes` in the largest binary unit that divides it, e.g. "1 MiB", "48 KiB", "1000 B".
    static func byteCount(_ bytes: Int) -> String {
        for (unit, size) in [("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)]
        where bytes >= size && bytes % size == 0 {
            return "\(bytes / size) \(unit)"
        }
        return "\(bytes) B"
    }
}
