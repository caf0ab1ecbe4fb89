#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What a new worker thread needs, passed through `pthread_create`'s context pointer.
private final class WorkerThreadContext {
    let shared: WorkerPoolShared
    let worker: Int

    init(shared: WorkerPoolShared, worker: Int) {
        self.shared = shared
        self.worker = worker
    }
}

/// Starts a pthread running worker `worker`'s loop.
///
/// A free function on purpose: the C entry point below must not inherit an
/// actor isolation (a closure written inside an `@main` type would be
/// main-actor code and trap when the new thread runs it).
///
/// - Returns: The thread, or the `pthread_create` error code.
func startWorkerThread(_ shared: WorkerPoolShared, worker: Int) -> Result<pthread_t, WorkerPoolError> {
    let context = Unmanaged.passRetained(WorkerThreadContext(shared: shared, worker: worker))
    var thread = pthread_t()
    let status = pthread_create(
        &thread, nil,
        { raw in
            guard let raw else { return nil }
            let context = Unmanaged<WorkerThreadContext>.fromOpaque(raw).takeRetainedValue()
            context.shared.workerLoop(worker: context.worker)
            return nil
        }, context.toOpaque())
    guard status == 0 else {
        context.release()
        return .failure(.threadCreationFailed(worker: worker, code: status))
    }
    return .success(thread)
}
