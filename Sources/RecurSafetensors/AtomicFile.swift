import Synchronization

/// Numbers temporary files so that concurrent writers in one process never collide.
private let temporaryFileCounter = Atomic<Int>(0)

/// Whole-file reads, and writes that replace a file atomically: readers see
/// either the old contents or the new ones, never a mix, even after a crash.
public enum AtomicFile {
    /// Writes `bytes` to `path`, replacing any file there in one step.
    ///
    /// The bytes go to a new temporary file in the same directory
    /// (`.<name>.tmp-<pid>-<counter>`), which is synced, closed and renamed over
    /// `path`; then the directory is synced so the rename itself is durable
    /// (file systems that cannot sync directories are tolerated). On failure
    /// before the rename the temporary file is removed and whatever was at
    /// `path` is left untouched. New files get mode 0666 less the umask.
    /// - Throws: ``FileError`` naming `path`, the step that failed and `strerror`'s text.
    /// - Complexity: O(`bytes.count`).
    public static func write(_ bytes: [UInt8], to path: String) throws(FileError) {
        let (directory, name) = split(path)
        guard !name.isEmpty else {
            throw FileError(path: path, operation: "write", code: Errno.isDirectory.code)
        }
        let (descriptor, temporaryPath) = try createTemporaryFile(directory: directory, name: name, for: path)
        do throws(Errno) {
            do throws(Errno) {
                try bytes.withUnsafeBytes { buffer in
                    Result { () throws(Errno) in try SystemCalls.writeAll(descriptor, buffer) }
                }.get()
                try SystemCalls.sync(descriptor)
            } catch {
                try? SystemCalls.close(descriptor)
                throw error
            }
            try SystemCalls.close(descriptor)
        } catch {
            SystemCalls.removeQuietly(temporaryPath)
            throw FileError(path: path, operation: "write of temporary file '\(temporaryPath)'", code: error.code)
        }
        do throws(Errno) {
            try SystemCalls.rename(temporaryPath, to: path)
        } catch {
            SystemCalls.removeQuietly(temporaryPath)
            throw FileError(path: path, operation: "rename of temporary file '\(temporaryPath)'", code: error.code)
        }
        try syncDirectory(directory, for: path)
    }

    /// The whole contents of the file at `path`.
    /// - Throws: ``FileError`` when the file is missing, is a directory or cannot be read.
    /// - Complexity: O(file size).
    public static func readAll(path: String) throws(FileError) -> [UInt8] {
        let descriptor: Int32
        do throws(Errno) {
            descriptor = try SystemCalls.openForReading(path)
        } catch {
            throw FileError(path: path, operation: "open", code: error.code)
        }
        defer { try? SystemCalls.close(descriptor) }
        do throws(Errno) {
            let status = try SystemCalls.status(descriptor)
            if status.isDirectory { throw Errno.isDirectory }
            // One byte more than the expected size, so the end of the file is
            // usually seen without growing the buffer.
            var bytes = [UInt8](repeating: 0, count: (status.isRegularFile ? max(status.size, 0) : 0) + 1)
            var filled = 0
            while true {
                if filled == bytes.count {
                    bytes.append(contentsOf: repeatElement(0, count: max(bytes.count, 1 << 16)))
                }
                let count = try bytes.withUnsafeMutableBytes { buffer in
                    Result { () throws(Errno) in
                        try SystemCalls.read(descriptor, into: UnsafeMutableRawBufferPointer(rebasing: buffer[filled...]))
                    }
                }.get()
                if count == 0 { break }
                filled += count
            }
            bytes.removeSubrange(filled...)
            return bytes
        } catch {
            throw FileError(path: path, operation: "read", code: error.code)
        }
    }

    /// Splits `path` into its directory ("." when it has none) and last component.
    private static func split(_ path: String) -> (directory: String, name: String) {
        guard let slash = path.lastIndex(of: "/") else { return (".", path) }
        let directory = path[..<slash].isEmpty ? "/" : String(path[..<slash])
        return (directory, String(path[path.index(after: slash)...]))
    }

    private static func createTemporaryFile(
        directory: String, name: String, for path: String
    ) throws(FileError) -> (descriptor: Int32, path: String) {
        // A stale file from an earlier process with the same id can hold a
        // name; the counter moves past it, a bounded number of times.
        var attempts = 0
        while true {
            let counter = temporaryFileCounter.add(1, ordering: .relaxed).newValue
            let temporaryPath = "\(directory)/.\(name).tmp-\(SystemCalls.processID)-\(counter)"
            do throws(Errno) {
                return (try SystemCalls.createExclusive(temporaryPath, permissions: 0o666), temporaryPath)
            } catch where error == .fileExists && attempts < maximumTemporaryFileAttempts {
                attempts += 1
            } catch {
                throw FileError(path: path, operation: "creation of temporary file '\(temporaryPath)'", code: error.code)
            }
        }
    }

    /// How many taken temporary names ``write(_:to:)`` skips before giving up.
    private static let maximumTemporaryFileAttempts = 100

    private static func syncDirectory(_ directory: String, for path: String) throws(FileError) {
        do throws(Errno) {
            let descriptor = try SystemCalls.openDirectory(directory)
            defer { try? SystemCalls.close(descriptor) }
            try SystemCalls.sync(descriptor)
        } catch where error == .invalidArgument || error == .notSupported {
            return
        } catch {
            throw FileError(path: path, operation: "sync of directory '\(directory)'", code: error.code)
        }
    }
}
