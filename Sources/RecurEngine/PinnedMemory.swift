import RecurSystem

/// A zero-filled, 64-byte-aligned buffer of floats, optionally bound to one
/// NUMA node; freed when the last reference goes away.
///
/// Linux places a page on the NUMA node of the thread that first writes it,
/// and the zero fill is that first write. So a worker should allocate its
/// own buffers itself, from inside a ``WorkerPool/run(_:)`` job, with
/// ``WorkerPool/allocate(floats:worker:)``: on a machine with several NUMA
/// nodes the pages are also explicitly bound to the worker's node.
public final class PinnedMemory: @unchecked Sendable {
    /// Alignment of ``pointer`` in bytes (a cache line; pages when NUMA-bound).
    public static let alignment = 64

    /// The first float.
    public let pointer: UnsafeMutablePointer<Float>
    /// Number of floats.
    public let count: Int
    private let owner: HwlocTopology?
    private let byteCount: Int

    /// The floats as a buffer.
    public var buffer: UnsafeMutableBufferPointer<Float> { UnsafeMutableBufferPointer(start: pointer, count: count) }

    /// Allocates `floats` zero-filled floats, 64-byte aligned, not bound to a
    /// NUMA node (pages land on the node of the calling thread).
    ///
    /// - Throws: ``PinnedMemoryError`` for a negative or oversized count or
    ///   when memory runs out.
    public convenience init(floats: Int) throws(PinnedMemoryError) {
        try self.init(floats: floats, numaNode: nil)
    }

    /// Allocates `floats` zero-filled floats, bound to the NUMA node with OS
    /// index `numaNode.osIndex` of `numaNode.topology` when given and hwloc
    /// can; otherwise like ``init(floats:)``.
    init(floats: Int, numaNode: (topology: HwlocTopology, osIndex: Int)?) throws(PinnedMemoryError) {
        guard floats >= 0 else { throw .negativeCount(floats) }
        let elements = max(floats, 1)
        let (bytes, overflow) = elements.multipliedReportingOverflow(by: MemoryLayout<Float>.stride)
        guard !overflow, bytes <= Int.max - Self.alignment else { throw .tooLarge(floats: floats) }
        let rounded = (bytes + Self.alignment - 1) / Self.alignment * Self.alignment
        let raw: UnsafeMutableRawPointer
        if let numaNode, let memory = numaNode.topology.allocate(bytes: rounded, onNUMANode: numaNode.osIndex) {
            raw = memory
            owner = numaNode.topology
        } else {
            guard let memory = SystemCalls.allocateAligned(bytes: rounded, alignment: Self.alignment) else {
                throw .allocationFailed(bytes: rounded)
            }
            raw = memory
            owner = nil
        }
        byteCount = rounded
        pointer = raw.initializeMemory(as: Float.self, repeating: 0, count: elements)
        count = floats
    }

    deinit {
        let raw = UnsafeMutableRawPointer(pointer)
        if let owner {
            owner.free(raw, bytes: byteCount)
        } else {
            SystemCalls.freeAligned(raw)
        }
    }
}

/// A worker buffer could not be allocated.
public enum PinnedMemoryError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The requested number of floats is negative.
    case negativeCount(Int)
    /// The requested number of floats does not fit in memory's address range.
    case tooLarge(floats: Int)
    /// There is no worker with this index.
    case unknownWorker(Int, workers: Int)
    /// The allocator returned no memory for `bytes` bytes.
    case allocationFailed(bytes: Int)

    public var description: String {
        switch self {
        case .negativeCount(let count):
            "pinned memory: cannot allocate a negative number of floats (\(count))"
        case .tooLarge(let floats):
            "pinned memory: \(floats) floats is too large to allocate"
        case .unknownWorker(let worker, let workers):
            "pinned memory: no worker \(worker) in a pool of \(workers)"
        case .allocationFailed(let bytes):
            "pinned memory: out of memory allocating \(bytes) bytes"
        }
    }
}
