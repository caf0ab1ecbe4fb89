import RecurSystem
import CHwloc
import Synchronization


/// One loaded hwloc topology: the only place this module calls hwloc.
///
/// After loading, the topology is only read, which hwloc allows from several
/// threads at once (binding, location and memory calls included).
final class HwlocTopology: @unchecked Sendable {
    /// What to load.
    enum Input {
        case system
        case xml(String)
        case synthetic(String)
    }

    /// An hwloc bitmap (a set of PU or NUMA node OS indices) owned by Swift.
    final class Bitmap: @unchecked Sendable {
        let bitmap: hwloc_bitmap_t

        init?() {
            guard let bitmap = hwloc_bitmap_alloc() else { return nil }
            self.bitmap = bitmap
        }

        deinit { hwloc_bitmap_free(bitmap) }
    }

    private let handle: hwloc_topology_t
    private let source: Topology.Source

    /// Loads a topology, keeping PUs outside the allowed set so they can be
    /// reported as unusable.
    init(_ input: Input) throws(TopologyError) {
        var created: hwloc_topology_t?
        guard hwloc_topology_init(&created) == 0, let topology = created else {
            throw .hwlocInitializationFailed(errno: Errno.current.code)
        }
        let source: Topology.Source
        switch input {
        case .system: source = .system
        case .xml: source = .xml
        case .synthetic(let text): source = .synthetic(text)
        }
        do throws(TopologyError) {
            try Self.configure(topology, input)
            guard hwloc_topology_load(topology) == 0 else {
                if case .xml = input { throw .invalidXML(detail: "hwloc_topology_load failed (errno \(Errno.current.code))") }
                throw .loadFailed(source: source.description, errno: Errno.current.code)
            }
        } catch {
            hwloc_topology_destroy(topology)
            throw error
        }
        self.handle = topology
        self.source = source
    }

    deinit { hwloc_topology_destroy(handle) }

    private static func configure(_ topology: hwloc_topology_t, _ input: Input) throws(TopologyError) {
        _ = hwloc_topology_set_flags(topology, UInt(HWLOC_TOPOLOGY_FLAG_INCLUDE_DISALLOWED.rawValue))
        switch input {
        case .system:
            break
        case .synthetic(let text):
            guard hwloc_topology_set_synthetic(topology, text) == 0 else { throw .invalidSyntheticDescription(text) }
        case .xml(let text):
            // hwloc takes the length including the terminating NUL as an Int32.
            let length = text.utf8.count
            guard length > 0 else { throw .invalidXML(detail: "the XML text is empty") }
            guard length < Int(Int32.max) else { throw .invalidXML(detail: "the XML text is \(length) bytes, too large") }
            let status = text.withCString { hwloc_topology_set_xmlbuffer(topology, $0, Int32(length + 1)) }
            guard status == 0 else { throw .invalidXML(detail: "hwloc_topology_set_xmlbuffer failed (errno \(Errno.current.code))") }
        }
    }

    // MARK: Reading the topology

    /// The topology as plain Swift values.
    func snapshot() throws(TopologyError) -> Topology {
        let numaObjects = objects(of: HWLOC_OBJ_NUMANODE)
        let numaNodes = numaObjects.map { node in
            Topology.NUMANode(osIndex: Int(node.pointee.os_index), memoryBytes: node.pointee.attr?.pointee.numanode.local_memory ?? 0)
        }
        let usable = usableBitmap()

        enum GroupKey: Hashable { case l3(UInt32), package(Int) }
        var coresByKey: [UInt64: Int] = [:]
        var l3Groups: [GroupKey: Int] = [:]
        var cores: [Topology.Core] = []
        var usablePUs = Set<Int>()
        for pu in objects(of: HWLOC_OBJ_PU) {
            let osIndex = Int(pu.pointee.os_index)
            if let usable, hwloc_bitmap_isset(usable.bitmap, pu.pointee.os_index) != 0 { usablePUs.insert(osIndex) }
            // A PU without a Core object above it (some VMs) is its own core.
            let core = hwloc_get_ancestor_obj_by_type(handle, HWLOC_OBJ_CORE, pu) ?? pu
            if let existing = coresByKey[core.pointee.gp_index] {
                cores[existing].pus.append(osIndex)
                continue
            }
            let package = hwloc_get_ancestor_obj_by_type(handle, HWLOC_OBJ_PACKAGE, pu).map { Int($0.pointee.logical_index) } ?? 0
            let groupKey = hwloc_get_ancestor_obj_by_type(handle, HWLOC_OBJ_L3CACHE, pu).map { GroupKey.l3($0.pointee.logical_index) }
                ?? .package(package)
            let l3Group = l3Groups[groupKey] ?? l3Groups.count
            l3Groups[groupKey] = l3Group
            let numaNode = numaObjects.firstIndex { hwloc_bitmap_isset($0.pointee.cpuset, pu.pointee.os_index) != 0 } ?? 0
            coresByKey[core.pointee.gp_index] = cores.count
            cores.append(Topology.Core(index: cores.count, pus: [osIndex], package: package, numaNode: numaNode, l3Group: l3Group))
        }
        return try Topology(
            source: source, cpuModel: cpuModel(), cores: cores,
            numaNodes: numaNodes.isEmpty ? [Topology.NUMANode(osIndex: 0, memoryBytes: 0)] : numaNodes,
            l2CacheBytes: cacheBytes(HWLOC_OBJ_L2CACHE), l3CacheBytes: cacheBytes(HWLOC_OBJ_L3CACHE),
            usablePUs: usablePUs)
    }

    private func objects(of type: hwloc_obj_type_t) -> [hwloc_obj_t] {
        let count = hwloc_get_nbobjs_by_type(handle, type)
        guard count > 0 else { return [] }
        return (0..<UInt32(count)).compactMap { hwloc_get_obj_by_type(handle, type, $0) }
    }

    private func cacheBytes(_ type: hwloc_obj_type_t) -> UInt64? {
        guard let cache = objects(of: type).first, let size = cache.pointee.attr?.pointee.cache.size, size > 0 else { return nil }
        return size
    }

    /// hwloc's `CPUModel` info, set on packages by the Linux and x86 backends.
    private func cpuModel() -> String? {
        let candidates = objects(of: HWLOC_OBJ_PACKAGE) + [hwloc_get_root_obj(handle)].compactMap { $0 }
        for object in candidates {
            if let text = hwloc_obj_get_info_by_name(object, "CPUModel") {
                let model = String(cString: text).split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
                if !model.isEmpty { return model }
            }
        }
        return nil
    }

    /// The process binding the first time this process read it. Worker pools
    /// bind their calling thread to one PU, and Linux reports the process
    /// binding from its threads' bindings, so a later read would see only that
    /// PU and a second pool would crowd onto it.
    private static let startupBinding = Mutex<Bitmap?>(nil)

    /// The allowed PUs intersected, on the running machine, with the process
    /// binding as it was before Recur bound any thread.
    private func usableBitmap() -> Bitmap? {
        guard let usable = Bitmap(), let allowed = hwloc_topology_get_allowed_cpuset(handle) else { return nil }
        _ = hwloc_bitmap_copy(usable.bitmap, allowed)
        guard hwloc_topology_is_thissystem(handle) != 0 else { return usable }
        Self.startupBinding.withLock { saved in
            if saved == nil, let binding = Bitmap(),
                hwloc_get_cpubind(handle, binding.bitmap, Int32(HWLOC_CPUBIND_PROCESS.rawValue)) == 0
            {
                saved = binding
            }
            if let saved { _ = hwloc_bitmap_and(usable.bitmap, usable.bitmap, saved.bitmap) }
        }
        return usable
    }

    /// Number of NUMA nodes of this topology.
    var numaNodeCount: Int { Int(max(0, hwloc_get_nbobjs_by_type(handle, HWLOC_OBJ_NUMANODE))) }

    // MARK: Binding threads

    /// Binds the calling thread to the PU with OS index `pu`.
    ///
    /// - Returns: nil on success, else the `errno` hwloc reported.
    func bindCurrentThread(toPU pu: Int) -> Int32? {
        guard let pu = UInt32(exactly: pu), let set = Bitmap() else { return EINVAL }
        _ = hwloc_bitmap_only(set.bitmap, pu)
        return bindCurrentThread(to: set)
    }

    /// Binds the calling thread to the PUs of `set`.
    ///
    /// - Returns: nil on success, else the `errno` hwloc reported.
    func bindCurrentThread(to set: Bitmap) -> Int32? {
        hwloc_set_cpubind(handle, set.bitmap, Int32(HWLOC_CPUBIND_THREAD.rawValue)) == 0 ? nil : Errno.current.code
    }

    /// The calling thread's current CPU binding, or nil when the OS won't say.
    func currentThreadBinding() -> Bitmap? {
        guard let set = Bitmap(), hwloc_get_cpubind(handle, set.bitmap, Int32(HWLOC_CPUBIND_THREAD.rawValue)) == 0 else { return nil }
        return set
    }

    /// The OS index of the PU the calling thread last ran on.
    func lastPUOfCurrentThread() -> Int? {
        guard let set = Bitmap(),
            hwloc_get_last_cpu_location(handle, set.bitmap, Int32(HWLOC_CPUBIND_THREAD.rawValue)) == 0
        else { return nil }
        let first = hwloc_bitmap_first(set.bitmap)
        return first >= 0 ? Int(first) : nil
    }

    // MARK: Memory

    /// Allocates `bytes` bound to the NUMA node with OS index `node`
    /// (page-aligned), or nil when hwloc cannot allocate.
    func allocate(bytes: Int, onNUMANode node: Int) -> UnsafeMutableRawPointer? {
        guard let node = UInt32(exactly: node), let nodeset = Bitmap() else { return nil }
        _ = hwloc_bitmap_only(nodeset.bitmap, node)
        return hwloc_alloc_membind(
            handle, bytes, nodeset.bitmap, HWLOC_MEMBIND_BIND, Int32(HWLOC_MEMBIND_BYNODESET.rawValue))
    }

    /// Frees memory from ``allocate(bytes:onNUMANode:)``.
    func free(_ pointer: UnsafeMutableRawPointer, bytes: Int) {
        _ = hwloc_free(handle, pointer, bytes)
    }
}
