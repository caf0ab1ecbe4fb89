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
    static let noEntry = Errno(code: ENOENT)
    static let invalidType = Errno(code: EINVAL)
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

/// What `stat`, `lstat` or `fstat` says about a file.
struct FileStatus {
    var kind: FileKind
    var size: Int

    var isDirectory: Bool { kind == .directory }
    var isRegularFile: Bool { kind == .regularFile }
}

/// The type of a file, as its mode says.
public enum FileKind: String, Sendable, Equatable {
    case regularFile = "a regular file"
    case directory = "a directory"
    case symbolicLink = "a symbolic link"
    case fifo = "a FIFO (named pipe)"
    case characterDevice = "a character device"
    case blockDevice = "a block device"
    case socket = "a socket"
    case other = "not a regular file"
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

    /// Opens an existing file for reading without blocking: a FIFO without a
    /// writer or a device opens at once, so its type can be checked before
    /// anything is read. Regular files ignore the flag.
    static func openForReadingNonBlocking(_ path: String) throws(Errno) -> Int32 {
        try open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY, 0)
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

    /// Reads at most `buffer.count` bytes at `offset`; returns 0 at the end of the file.
    static func read(_ descriptor: Int32, into buffer: UnsafeMutableRawBufferPointer, at offset: Int) throws(Errno) -> Int {
        while true {
            let count = pread(descriptor, buffer.baseAddress, buffer.count, off_t(offset))
            if count >= 0 { return count }
            let error = Errno.current
            if error != .interrupted { throw error }
        }
    }

    /// Removes a file, ignoring failures (used to clean up after another error).
    static func removeQuietly(_ path: String) {
        _ = unlink(path)
    }

    /// Type and size of an open file.
    static func status(_ descriptor: Int32) throws(Errno) -> FileStatus {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw Errno.current }
        return FileStatus(info)
    }

    /// Type and size of the file at `path`, not following a final symbolic
    /// link; nil when nothing is there.
    static func linkStatus(_ path: String) throws(Errno) -> FileStatus? {
        var info = stat()
        guard lstat(path, &info) == 0 else {
            let error = Errno.current
            if error == .noEntry { return nil }
            throw error
        }
        return FileStatus(info)
    }

    /// Type and size of the file at `path`, following symbolic links; nil
    /// when nothing is there (or a link dangles).
    static func pathStatus(_ path: String) throws(Errno) -> FileStatus? {
        var info = stat()
        guard stat(path, &info) == 0 else {
            let error = Errno.current
            if error == .noEntry { return nil }
            throw error
        }
        return FileStatus(info)
    }

    /// `path` with every symbolic link resolved (`realpath`).
    static func resolvedPath(_ path: String) throws(Errno) -> String {
        guard let resolved = realpath(path, nil) else { throw Errno.current }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// Whether a process with id `pid` exists (it may belong to another user).
    static func processExists(_ pid: Int32) -> Bool {
        kill(pid, 0) == 0 || errno != ESRCH
    }

    /// This process's id, for naming temporary files.
    static var processID: Int32 { getpid() }

    /// The C library's text for an `errno` value, e.g. "No such file or directory".
    static func message(for code: Int32) -> String {
        guard let text = strerror(code) else { return "error \(code)" }
        return String(cString: text)
    }
}
