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
