#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Every call the engine makes into the C library, as swift-system keeps its
// own in one file: the rest of the module imports no platform module.

/// A POSIX thread.
typealias ThreadHandle = pthread_t

/// The calling thread.
@inline(__always)
func currentThread() -> ThreadHandle { pthread_self() }

/// Whether `a` and `b` are the same thread.
@inline(__always)
func sameThread(_ a: ThreadHandle, _ b: ThreadHandle) -> Bool { pthread_equal(a, b) != 0 }

/// Starts a thread running `body(context)`: the thread, or the `pthread_create` error code.
func startThread(
    context: UnsafeMutableRawPointer, body: @convention(c) (UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer?
) -> (thread: ThreadHandle?, status: Int32) {
    var thread = pthread_t()
    let status = pthread_create(&thread, nil, body, context)
    return (status == 0 ? thread : nil, status)
}

/// Waits for `thread` to end.
func joinThread(_ thread: ThreadHandle) { pthread_join(thread, nil) }

/// `bytes` bytes aligned to `alignment`, from the C heap, or nil.
func allocateAligned(bytes: Int, alignment: Int) -> UnsafeMutableRawPointer? {
    var memory: UnsafeMutableRawPointer?
    return posix_memalign(&memory, alignment, bytes) == 0 ? memory : nil
}

/// Frees memory from ``allocateAligned(bytes:alignment:)``.
func freeAligned(_ memory: UnsafeMutableRawPointer) { free(memory) }

/// Hands the CPU to another runnable thread, if any.
@inline(__always)
func yieldThread() { sched_yield() }

/// Sleeps for `nanoseconds` (less than a second).
func sleep(nanoseconds: Int) {
    var interval = timespec(tv_sec: 0, tv_nsec: nanoseconds)
    nanosleep(&interval, nil)
}

/// The `errno` of the calling thread's last failed call.
var lastErrorNumber: Int32 { errno }
