// Every system call of the module lives here, behind small typed wrappers.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#else
#error("RecurData needs a POSIX C library")
#endif

/// A failed system call's `errno`.
struct SystemError: Error {
    var code: Int32
    static var current: SystemError { SystemError(code: errno) }
    var isNoEntry: Bool { code == ENOENT }
    var message: String {
        guard let text = strerror(code) else { return "error \(code)" }
        return String(cString: text)
    }
}

enum SystemCalls {
    /// Opens `path` for reading without blocking, so a FIFO or a device
    /// opens at once and its type can be checked before anything is read.
    static func openForReading(_ path: String) throws(SystemError) -> Int32 {
        while true {
            let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY)
            if descriptor >= 0 { return descriptor }
            if errno != EINTR { throw SystemError.current }
        }
    }

    static func close(_ descriptor: Int32) {
        #if canImport(Glibc)
        _ = Glibc.close(descriptor)
        #elseif canImport(Musl)
        _ = Musl.close(descriptor)
        #else
        _ = Darwin.close(descriptor)
        #endif
    }

    /// Whether the open file is a regular file, and its size.
    static func regularFileSize(_ descriptor: Int32) throws(SystemError) -> Int? {
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw SystemError.current }
        return (status.st_mode & S_IFMT) == S_IFREG ? Int(status.st_size) : nil
    }

    /// Reads up to `count` bytes into `buffer`; 0 at the end of the file.
    static func read(_ descriptor: Int32, _ buffer: UnsafeMutablePointer<UInt8>, _ count: Int) throws(SystemError) -> Int {
        while true {
            #if canImport(Glibc)
            let got = Glibc.read(descriptor, buffer, count)
            #elseif canImport(Musl)
            let got = Musl.read(descriptor, buffer, count)
            #else
            let got = Darwin.read(descriptor, buffer, count)
            #endif
            if got >= 0 { return got }
            if errno != EINTR { throw SystemError.current }
        }
    }

    /// Whether `path` names a regular file (following symbolic links).
    static func isRegularFile(_ path: String) -> Bool {
        var status = stat()
        return stat(path, &status) == 0 && (status.st_mode & S_IFMT) == S_IFREG
    }

    /// Whether `path` names a directory (following symbolic links).
    static func isDirectory(_ path: String) -> Bool {
        var status = stat()
        return stat(path, &status) == 0 && (status.st_mode & S_IFMT) == S_IFDIR
    }
}
