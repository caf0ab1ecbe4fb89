#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Whole-file reads and existence checks with plain POSIX calls, so that a
/// file's size is checked before any memory is committed to it.
enum FileBytes {
    /// The largest data file (compressed or not) the loader accepts: 1 GiB.
    static let sizeLimit = 1 << 30

    /// The contents of the regular file at `path`.
    /// - Throws: `IDXError` naming `path` when the file cannot be opened or
    ///   read, is not a regular file, or is larger than `sizeLimit` bytes.
    /// - Complexity: O(file size).
    static func read(_ path: String) throws(IDXError) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            let code = errno
            throw IDXError(file: path, problem: code == ENOENT ? .missing : .cannotOpen(reason: systemMessage(code)))
        }
        defer { close(descriptor) }

        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            throw IDXError(file: path, problem: .readFailed(reason: systemMessage(errno)))
        }
        guard (status.st_mode & S_IFMT) == S_IFREG else {
            throw IDXError(file: path, problem: .notARegularFile)
        }
        let size = Int(status.st_size)
        guard size <= sizeLimit else { throw IDXError(file: path, problem: .tooLarge(limit: sizeLimit)) }

        var failure: Int32 = 0
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, initialized in
            guard let base = buffer.baseAddress else { return }
            while initialized < size {
                let got = readSome(descriptor, base + initialized, size - initialized)
                if got > 0 {
                    initialized += got
                } else if got == 0 {
                    break  // The file shrank while we read it.
                } else if errno != EINTR {
                    failure = errno
                    break
                }
            }
        }
        guard failure == 0 else { throw IDXError(file: path, problem: .readFailed(reason: systemMessage(failure))) }
        return bytes
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

    static func systemMessage(_ code: Int32) -> String {
        guard let message = strerror(code) else { return "error \(code)" }
        return String(cString: message)
    }
}

/// POSIX `read`, named apart from `FileBytes.read`.
private func readSome(_ descriptor: Int32, _ buffer: UnsafeMutablePointer<UInt8>, _ count: Int) -> Int {
    read(descriptor, buffer, count)
}
