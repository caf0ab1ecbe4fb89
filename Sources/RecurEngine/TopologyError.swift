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
