// Every system call of the module lives here, behind small Swift wrappers that
// retry on EINTR and report failures as `Errno`.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#else
#error("RecurSafetensors needs a POSIX C library")
#endif

/// A failed system call's `errno`.
struct Errno: Error, Equatable {
    var code: Int32

    static var current: Errno { Errno(code: errno) }
    static let interrupted = Errno(code: EINTR)
    static let fileExists = Errno(code: EEXIST)
    static let isDirectory = Errno(code: EISDIR)
    static let invalidArgument = Errno(code: EINVAL)
    static let notSupported = Errno(code: ENOTSUP)
}

/// What `fstat` says about an open file.
struct FileStatus {
    var isDirectory: Bool
    var isRegularFile: Bool
    var size: Int
}

/// Thin wrappers over the C library's file calls.
enum SystemCalls {
    /// Creates a new file for writing, failing with `EEXIST` if it already exists.
    static func createExclusive(_ path: String, permissions: Int) throws(Errno) -> Int32 {
        try open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, permissions)
    }

    /// Opens an existing file for reading.
    static func openForReading(_ path: String) throws(Errno) -> Int32 {
        try open(path, O_RDONLY | O_CLOEXEC, 0)
    }

    /// Opens a directory so it can be synced.
    static func openDirectory(_ path: String) throws(Errno) -> Int32 {
        try open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0)
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

    /// Writes all of `buffer`, looping over partial writes and interruptions.
    static func writeAll(_ descriptor: Int32, _ buffer: UnsafeRawBufferPointer) throws(Errno) {
        guard let base = buffer.baseAddress else { return }
        var written = 0
        while written < buffer.count {
            let count = write(descriptor, base + written, buffer.count - written)
            if count >= 0 {
                written += count
            } else {
                let error = Errno.current
                if error != .interrupted { throw error }
            }
        }
    }

    /// Reads at most `buffer.count` bytes; returns 0 at the end of the file.
    static func read(_ descriptor: Int32, into buffer: UnsafeMutableRawBufferPointer) throws(Errno) -> Int {
        while true {
            #if canImport(Darwin)
            let count = Darwin.read(descriptor, buffer.baseAddress, buffer.count)
            #elseif canImport(Glibc)
            let count = Glibc.read(descriptor, buffer.baseAddress, buffer.count)
            #else
            let count = Musl.read(descriptor, buffer.baseAddress, buffer.count)
            #endif
            if count >= 0 { return count }
            let error = Errno.current
            if error != .interrupted { throw error }
        }
    }

    /// Flushes a file's data and metadata to the storage device.
    static func sync(_ descriptor: Int32) throws(Errno) {
        while fsync(descriptor) != 0 {
            let error = Errno.current
            if error != .interrupted { throw error }
        }
    }

    /// Closes a descriptor. Not retried on EINTR: on Linux the descriptor is
    /// released even then, and a retry could close another thread's file.
    static func close(_ descriptor: Int32) throws(Errno) {
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
    static func rename(_ source: String, to destination: String) throws(Errno) {
        #if canImport(Darwin)
        let result = Darwin.rename(source, destination)
        #elseif canImport(Glibc)
        let result = Glibc.rename(source, destination)
        #else
        let result = Musl.rename(source, destination)
        #endif
        if result != 0 { throw Errno.current }
    }

    /// Removes a file, ignoring failures (used to clean up after another error).
    static func removeQuietly(_ path: String) {
        _ = unlink(path)
    }

    /// Type and size of an open file.
    static func status(_ descriptor: Int32) throws(Errno) -> FileStatus {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw Errno.current }
        let type = info.st_mode & S_IFMT
        return FileStatus(isDirectory: type == S_IFDIR, isRegularFile: type == S_IFREG, size: Int(info.st_size))
    }

    /// This process's id, for naming temporary files.
    static var processID: Int32 { getpid() }

    /// The C library's text for an `errno` value, e.g. "No such file or directory".
    static func message(for code: Int32) -> String {
        guard let text = strerror(code) else { return "error \(code)" }
        return String(cString: text)
    }
}
