// Every system call of the module lives here, behind small Swift wrappers
// that retry on EINTR and report failures as `SystemError`.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#else
#error("RecurCheckpoint needs a POSIX C library")
#endif

/// A failed system call's `errno`, with the C library's text for it.
struct SystemError: Error, Equatable {
    var code: Int32

    static var current: SystemError { SystemError(code: errno) }
    var message: String { SystemCalls.message(for: code) }
    var isNoEntry: Bool { code == ENOENT }
    var isExisting: Bool { code == EEXIST }
    var wouldBlock: Bool { code == EWOULDBLOCK || code == EAGAIN }
}

/// Thin wrappers over the C library's calls this module makes.
enum SystemCalls {
    /// Creates the directory `path` (mode 0777 less the umask); an existing one is fine.
    static func makeDirectory(_ path: String) throws(SystemError) {
        if mkdir(path, 0o777) != 0 {
            let error = SystemError.current
            if !error.isExisting { throw error }
        }
    }

    /// The names in directory `path`, without `.` and `..`.
    static func directoryEntries(_ path: String) throws(SystemError) -> [String] {
        guard let directory = opendir(path) else { throw SystemError.current }
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

    /// Removes the file at `path`.
    static func remove(_ path: String) throws(SystemError) {
        if unlink(path) != 0 { throw SystemError.current }
    }

    /// Opens (creating it if needed) `path` for reading and writing.
    static func openLockFile(_ path: String) throws(SystemError) -> Int32 {
        while true {
            let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o666)
            if descriptor >= 0 { return descriptor }
            let error = SystemError.current
            if error.code != EINTR { throw error }
        }
    }

    /// Takes an exclusive `flock` on `descriptor` without waiting; throws
    /// `EWOULDBLOCK` when another open file description holds it.
    static func tryLock(_ descriptor: Int32) throws(SystemError) {
        while flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            let error = SystemError.current
            if error.code != EINTR { throw error }
        }
    }

    /// Replaces the contents of `descriptor` by `text`.
    static func replaceContents(_ descriptor: Int32, with text: String) throws(SystemError) {
        if ftruncate(descriptor, 0) != 0 { throw SystemError.current }
        let bytes = Array(text.utf8)
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { pwrite(descriptor, $0.baseAddress! + written, $0.count - written, off_t(written)) }
            if count < 0 {
                let error = SystemError.current
                if error.code != EINTR { throw error }
            } else {
                written += count
            }
        }
    }

    /// Up to `limit` bytes from the start of `descriptor`, as text.
    static func contents(_ descriptor: Int32, limit: Int = 64) -> String {
        var buffer = [UInt8](repeating: 0, count: limit)
        let count = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, limit, 0) }
        return count > 0 ? String(decoding: buffer[..<count], as: UTF8.self) : ""
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

    /// This process's id.
    static var processID: Int32 { getpid() }

    /// The C library's text for an `errno` value.
    static func message(for code: Int32) -> String {
        guard let text = strerror(code) else { return "error \(code)" }
        return String(cString: text)
    }
}
