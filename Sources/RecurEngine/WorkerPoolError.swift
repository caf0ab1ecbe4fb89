/// A worker pool could not start.
public enum WorkerPoolError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Pinning needs this machine's topology, and hwloc could not load it.
    case topology(TopologyError)
    /// Worker `worker` could not be bound to PU `pu` (`errno` given).
    case bindingFailed(worker: Int, pu: Int, errno: Int32)
    /// `pthread_create` failed for worker `worker` (its error code given).
    case threadCreationFailed(worker: Int, code: Int32)

    public var description: String {
        switch self {
        case .topology(let error):
            "worker pool: --pin core needs this machine's topology: \(error)"
        case .bindingFailed(let worker, let pu, let code):
            "worker pool: --pin core could not bind worker \(worker) to PU \(pu) (errno \(code)); is the PU outside this process's cpuset?"
        case .threadCreationFailed(let worker, let code):
            "worker pool: could not start the thread of worker \(worker) (pthread_create error \(code))"
        }
    }
}
