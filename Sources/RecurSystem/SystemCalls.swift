// Every call Recur makes into the C library, as swift-system keeps its own
// in one file: small typed wrappers that retry on EINTR and report failures
// as `Errno`. No other module imports the platform's C module for a system
// call (the kernels import it for libm only; RecurCore reads the monotonic
// clock itself, inlined into the hot loops).

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#else
#error("RecurSystem needs a POSIX C library")
#endif

/// A POSIX thread.
package typealias ThreadHandle = pthread_t

/// The standard streams the command-line tool writes to.
package enum StandardStream: Sendable {
    case output, error

    var descriptor: Int32 { self == .output ? STDOUT_FILENO : STDERR_FILENO }
}

/// How a write to a standard stream ended.
package enum WriteOutcome: Sendable {
    case written
    /// The reader is gone (EPIPE): nothing more should be written there.
    case closed
    /// Another error; the rest of the text was dropped.
    case failed
}

package enum SystemCalls {
    // MARK: Files

    /// Opens an existing file for reading without blocking: a FIFO without a
    /// writer or a device opens at once, so its type can be checked before
    /// anything is read. Regular files ignore the flag.
    package static func openForReading(_ path: String) throws(Errno) -> Int32 {
        try open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY, 0)
    }

    /// Creates a new file for writing, failing with `EEXIST` if it already exists.
    package static func createExclusive(_ path: String, permissions: Int) throws(Errno) -> Int32 {
        try open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, permissions)
    }

    /// Opens a directory so it can be synced.
    package static func openDirectory(_ path: String) throws(Errno) -> Int32 {
        try open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0)
    }

    /// Opens (creating it if needed) `path` for reading and writing; a
    /// symbolic link there is refused.
    package static func openLockFile(_ path: String) throws(Errno) -> Int32 {
        try open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o666)
    }

    private static func open(_ path: String, _ flags: Int32, _ permissions: Int) throws(Errno) -> Int32 {
        while true {
            #if canImport(Darwin)
            let descriptor = Darwin.open(path, flags, mode_t(permissions))
            #elseif canImport(Glibc)
            let descriptor = Glibc.open(path, flags, mode_t(permissions))
            #else
            let descriptor = Musl.open(path, flags, mode_t(permissions))
            #endif
            if descriptor >= 0 { return descriptor }
            let error = Errno.current
            if error != .interrupted { throw error }
        }
    }

    /// Writes all of `buffer` at the current offset, looping over partial
    /// writes and interruptions.
    package static func writeAll(_ descriptor: Int32, _ buffer: UnsafeRawBufferPointer) throws(Errno) {
        guard let base = buffer.baseAddress else { return }
        var written = 0
        while written < buffer.count {
            let count = systemWrite(descriptor, base + written, buffer.count - written)
            if count > 0 {
                written += count
            } else if count == 0 {
                throw Errno(code: EIO)
            } else {
                let error = Errno.current
                if error != .interrupted { throw error }
            }
        }
    }

    /// Reads at most `buffer.count` bytes at `offset`; returns 0 at the end of the file.
    package static func read(
        _ descriptor: Int32, into buffer: UnsafeMutableRawBufferPointer, at offset: Int
    ) throws(Errno) -> Int {
        while true {
            let count = pread(descriptor, buffer.baseAddress, buffer.count, off_t(offset))
            if count >= 0 { return count }
            let error = Errno.current
            if error != .interrupted { throw error }
        }
    }

    /// Flushes a file's data and metadata to the storage device.
    package static func sync(_ descriptor: Int32) throws(Errno) {
        while fsync(descriptor) != 0 {
            let error = Errno.current
            if error != .interrupted { throw error }
        }
    }

    /// Closes a descriptor. Not retried on EINTR: on Linux the descriptor is
    /// released even then, and a retry could close another thread's file.
    package static func close(_ descriptor: Int32) throws(Errno) {
        #if canImport(Darwin)
        let result = Darwin.close(descriptor)
        #elseif canImport(Glibc)
        let result = Glibc.close(descriptor)
        #else
        let result = Musl.close(descriptor)
        #endif
        if result != 0 { throw Errno.current }
    }

    /// Atomically replaces `destination` by `source` (same file system).
    package static func rename(_ source: String, to destination: String) throws(Errno) {
        #if canImport(Darwin)
        let result = Darwin.rename(source, destination)
        #elseif canImport(Glibc)
        let result = Glibc.rename(source, destination)
        #else
        let result = Musl.rename(source, destination)
        #endif
        if result != 0 { throw Errno.current }
    }

    /// Removes the file at `path`.
    package static func remove(_ path: String) throws(Errno) {
        if unlink(path) != 0 { throw Errno.current }
    }

    /// Removes a file, ignoring failures (used to clean up after another error).
    package static func removeQuietly(_ path: String) {
        _ = unlink(path)
    }

    /// Creates the directory `path` (mode 0777 less the umask); an existing one is fine.
    package static func makeDirectory(_ path: String) throws(Errno) {
        if mkdir(path, 0o777) != 0 {
            let error = Errno.current
            if error != .fileExists { throw error }
        }
    }

    /// The names in directory `path`, without `.` and `..`.
    package static func directoryEntries(_ path: String) throws(Errno) -> [String] {
        guard let directory = opendir(path) else { throw Errno.current }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// Takes an exclusive `flock` on `descriptor` without waiting; throws
    /// `EWOULDBLOCK` when another open file description holds it.
    package static func tryLock(_ descriptor: Int32) throws(Errno) {
        while flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            let error = Errno.current
            if error != .interrupted { throw error }
        }
    }

    /// Replaces the contents of `descriptor` by `text`.
    package static func replaceContents(_ descriptor: Int32, with text: String) throws(Errno) {
        if ftruncate(descriptor, 0) != 0 { throw Errno.current }
        let bytes = Array(text.utf8)
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { pwrite(descriptor, $0.baseAddress! + written, $0.count - written, off_t(written)) }
            if count < 0 {
                let error = Errno.current
                if error != .interrupted { throw error }
            } else {
                written += count
            }
        }
    }

    /// Up to `limit` bytes from the start of `descriptor`, as text (empty when unreadable).
    package static func contents(_ descriptor: Int32, limit: Int = 64) -> String {
        var buffer = [UInt8](repeating: 0, count: limit)
        let count = (try? buffer.withUnsafeMutableBytes { raw in
            Result { () throws(Errno) in try read(descriptor, into: raw, at: 0) }
        }.get()) ?? 0
        return String(decoding: buffer[..<count], as: UTF8.self)
    }

    /// Type and size of an open file.
    package static func status(_ descriptor: Int32) throws(Errno) -> FileStatus {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw Errno.current }
        return FileStatus(info)
    }

    /// Type and size of the file at `path`, following symbolic links or not
    /// (`stat` or `lstat`); nil when nothing is there (or, followed, a link dangles).
    package static func status(of path: String, followingLinks: Bool) throws(Errno) -> FileStatus? {
        var info = stat()
        guard (followingLinks ? stat(path, &info) : lstat(path, &info)) == 0 else {
            let error = Errno.current
            if error == .noEntry { return nil }
            throw error
        }
        return FileStatus(info)
    }

    /// The type of the file at `path` (following links, or not); nil when
    /// nothing is there or its status cannot be read.
    package static func kind(of path: String, followingLinks: Bool) -> FileKind? {
        (try? status(of: path, followingLinks: followingLinks))?.kind
    }

    /// `path` with every symbolic link resolved (`realpath`).
    package static func resolvedPath(_ path: String) throws(Errno) -> String {
        guard let resolved = realpath(path, nil) else { throw Errno.current }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// Whether this process may create files in the directory `path`.
    package static func isWritableDirectory(_ path: String) -> Bool {
        access(path, W_OK) == 0
    }

    // MARK: Processes and the machine

    /// This process's id.
    package static var processID: Int32 { getpid() }

    /// Whether a process with id `pid` exists (it may belong to another user).
    package static func processExists(_ pid: Int32) -> Bool {
        kill(pid, 0) == 0 || errno != ESRCH
    }

    /// Bytes of physical memory, or 0 when the system does not say.
    package static var physicalMemory: Double {
        let pages = sysconf(Int32(_SC_PHYS_PAGES)), pageSize = sysconf(Int32(_SC_PAGESIZE))
        guard pages > 0, pageSize > 0 else { return 0 }
        return Double(pages) * Double(pageSize)
    }

    /// The current UTC time: year, month (1-12), day, hour, minute, second.
    package static func utcNow() -> (year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) {
        var now = time(nil)
        var parts = tm()
        gmtime_r(&now, &parts)
        return (
            Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday), Int(parts.tm_hour),
            Int(parts.tm_min), Int(parts.tm_sec)
        )
    }

    /// This machine's host name.
    package static func hostName() -> String {
        var host = [CChar](repeating: 0, count: 256)
        gethostname(&host, host.count - 1)
        return String(decoding: host.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The process environment as a dictionary.
    package static func environment() -> [String: String] {
        var result: [String: String] = [:]
        var entry = environ
        while let pointer = entry.pointee {
            let pair = String(cString: pointer)
            if let equals = pair.firstIndex(of: "=") {
                result[String(pair[..<equals])] = String(pair[pair.index(after: equals)...])
            }
            entry += 1
        }
        return result
    }

    /// Ends the process with `status`, flushing nothing.
    package static func exit(_ status: Int32) -> Never {
        #if canImport(Glibc)
        Glibc.exit(status)
        #elseif canImport(Musl)
        Musl.exit(status)
        #else
        Darwin.exit(status)
        #endif
    }

    // MARK: Standard streams and signals

    package static func isTerminal(_ stream: StandardStream) -> Bool { isatty(stream.descriptor) != 0 }

    /// Writes all of `bytes` to `stream`, retrying partial writes and interruptions.
    package static func write(_ stream: StandardStream, _ bytes: [UInt8]) -> WriteOutcome {
        do throws(Errno) {
            try bytes.withUnsafeBytes { raw in
                Result { () throws(Errno) in try writeAll(stream.descriptor, raw) }
            }.get()
            return .written
        } catch {
            return error == .brokenPipe ? .closed : .failed
        }
    }

    /// The signals that ask a run to stop and save.
    package static let stopSignals: [Int32] = [SIGINT, SIGTERM, SIGHUP]

    /// A write to a closed pipe must not kill the process: it fails with
    /// EPIPE instead.
    package static func ignoreBrokenPipes() {
        signal(SIGPIPE, SIG_IGN)
    }

    /// Installs `handler` for each of `signals` and unblocks them: a process
    /// started from a thread that blocks them inherits that mask.
    package static func handle(_ signals: [Int32], with handler: @convention(c) (Int32) -> Void) {
        var set = sigset_t()
        sigemptyset(&set)
        for number in signals {
            var action = sigaction()
            #if canImport(Darwin)
            action.__sigaction_u.__sa_handler = handler
            #else
            action.__sigaction_handler.sa_handler = handler
            #endif
            sigemptyset(&action.sa_mask)
            action.sa_flags = SA_RESTART
            sigaction(number, &action, nil)
            sigaddset(&set, number)
        }
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
    }

    /// Writes `text` to stderr from a signal handler (async-signal-safe).
    package static func signalSafeWriteError(_ text: StaticString) {
        _ = systemWrite(STDERR_FILENO, text.utf8Start, text.utf8CodeUnitCount)
    }

    /// Ends the process at once from a signal handler, without cleanup.
    package static func signalSafeExit(_ status: Int32) -> Never {
        _exit(status)
    }

    private static func systemWrite(_ descriptor: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
        #if canImport(Glibc)
        Glibc.write(descriptor, buffer, count)
        #elseif canImport(Musl)
        Musl.write(descriptor, buffer, count)
        #else
        Darwin.write(descriptor, buffer, count)
        #endif
    }

    // MARK: Threads and memory

    /// The calling thread.
    @inline(__always)
    package static func currentThread() -> ThreadHandle { pthread_self() }

    /// Whether `a` and `b` are the same thread.
    @inline(__always)
    package static func sameThread(_ a: ThreadHandle, _ b: ThreadHandle) -> Bool { pthread_equal(a, b) != 0 }

    /// Starts a thread running `body(context)`: the thread, or the `pthread_create` error code.
    package static func startThread(
        context: UnsafeMutableRawPointer,
        body: @convention(c) (UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer?
    ) -> (thread: ThreadHandle?, status: Int32) {
        var thread = pthread_t()
        let status = pthread_create(&thread, nil, body, context)
        return (status == 0 ? thread : nil, status)
    }

    /// Waits for `thread` to end.
    package static func joinThread(_ thread: ThreadHandle) { pthread_join(thread, nil) }

    /// `bytes` bytes aligned to `alignment`, from the C heap, or nil.
    package static func allocateAligned(bytes: Int, alignment: Int) -> UnsafeMutableRawPointer? {
        var memory: UnsafeMutableRawPointer?
        return posix_memalign(&memory, alignment, bytes) == 0 ? memory : nil
    }

    /// Frees memory from ``allocateAligned(bytes:alignment:)``.
    package static func freeAligned(_ memory: UnsafeMutableRawPointer) { free(memory) }

    /// Hands the CPU to another runnable thread, if any.
    package static func yieldThread() { sched_yield() }

    /// Sleeps for `nanoseconds` (less than a second).
    package static func sleep(nanoseconds: Int) {
        var interval = timespec(tv_sec: 0, tv_nsec: nanoseconds)
        nanosleep(&interval, nil)
    }
}

extension FileStatus {
    init(_ info: stat) {
        let kind: FileKind
        switch info.st_mode & S_IFMT {
        case S_IFREG: kind = .regularFile
        case S_IFDIR: kind = .directory
        case S_IFLNK: kind = .symbolicLink
        case S_IFIFO: kind = .fifo
        case S_IFCHR: kind = .characterDevice
        case S_IFBLK: kind = .blockDevice
        case S_IFSOCK: kind = .socket
        default: kind = .other
        }
        self.init(kind: kind, size: Int(info.st_size))
    }
}
