#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A failed system call's `errno`, with the C library's text for it.
package struct Errno: Error, Equatable, Hashable, Sendable {
    package var code: Int32

    package init(code: Int32) { self.code = code }

    /// The calling thread's `errno` now.
    package static var current: Errno { Errno(code: errno) }

    package static let interrupted = Errno(code: EINTR)
    package static let noEntry = Errno(code: ENOENT)
    package static let fileExists = Errno(code: EEXIST)
    package static let isDirectory = Errno(code: EISDIR)
    /// What a refusal on the file's type reports as its code (the system has none of its own).
    package static let invalidArgument = Errno(code: EINVAL)
    package static let brokenPipe = Errno(code: EPIPE)
    package static let notSupported = Errno(code: ENOTSUP)

    /// Whether a non-blocking call found the resource busy (`EWOULDBLOCK`, `EAGAIN`).
    package var wouldBlock: Bool { code == EWOULDBLOCK || code == EAGAIN }

    /// The C library's text, e.g. "No such file or directory".
    package var message: String {
        guard let text = strerror(code) else { return "error \(code)" }
        return String(cString: text)
    }
}
