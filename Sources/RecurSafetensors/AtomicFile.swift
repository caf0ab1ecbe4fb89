import RecurSystem
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
    ///
    /// Only a regular file is ever replaced: when something else stands at
    /// `path` (a directory, a device such as `/dev/null`, a FIFO, a socket)
    /// the write is refused and it is left alone. A symbolic link to a
    /// regular file is written through: the file it points to is replaced
    /// atomically and the link stays; a link to anything else, or one that
    /// dangles, is refused. This is checked before the temporary file is
    /// made and again right before the rename.
    public static func write(_ bytes: [UInt8], to requestedPath: String) throws(FileError) {
        let path = try writableTarget(requestedPath)
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
        // Checked again: something may have appeared at the path meanwhile.
        if let replaced = try? SystemCalls.status(of: path, followingLinks: false), !replaced.isRegularFile {
            SystemCalls.removeQuietly(temporaryPath)
            throw FileError.notRegularFile(requestedPath, operation: "write", kind: replaced.kind)
        }
        do throws(Errno) {
            try SystemCalls.rename(temporaryPath, to: path)
        } catch {
            SystemCalls.removeQuietly(temporaryPath)
            throw FileError(path: path, operation: "rename of temporary file '\(temporaryPath)'", code: error.code)
        }
        try syncDirectory(directory, for: path)
    }

    /// The whole contents of the regular file at `path`.
    ///
    /// The file is opened without blocking and its type checked first, so a
    /// FIFO, a device (`/dev/zero`) or a directory is refused at once rather
    /// than read forever; only the size `fstat` reports is read, and a file
    /// over `limit` bytes is refused before anything is allocated.
    /// - Throws: ``FileError`` when the file is missing, is not a regular file,
    ///   is over `limit` or cannot be read.
    /// - Complexity: O(file size).
    public static func readAll(path: String, limit: Int = Int.max) throws(FileError) -> [UInt8] {
        var bytes: [UInt8] = []
        var size = 0
        do throws(ReadOnlyFile.Failure) {
            let file = try ReadOnlyFile(path: path)
            size = file.size
            if size <= limit {
                bytes = try file.read(count: size, at: 0)
                // Files such as /proc's report size 0 but have contents: read
                // on to the end, still within `limit`.
                while size <= limit {
                    let chunk = try file.readAvailable(upTo: 1 << 16, at: bytes.count)
                    if chunk.isEmpty { break }
                    size = bytes.count + chunk.count
                    if size <= limit { bytes += chunk }
                }
            }
        } catch {
            throw FileError(error, path: path)
        }
        guard size <= limit else {
            throw FileError(
                path: path, operation: "read", code: Errno.invalidArgument.code,
                detail: "the file has \(size) bytes or more, more than the \(limit) allowed")
        }
        return bytes
    }

    /// The temporary file name ``write(_:to:)`` uses for a file called
    /// `target`, split into the target's name and the writer's process id:
    /// nil when `name` is not such a name.
    public static func temporaryFile(named name: String) -> (target: String, processID: Int32)? {
        guard name.hasPrefix("."), let marker = name.ranges(of: ".tmp-").last,
            marker.lowerBound > name.index(after: name.startIndex)
        else { return nil }
        let target = String(name[name.index(after: name.startIndex)..<marker.lowerBound])
        let parts = name[marker.upperBound...].split(separator: "-", omittingEmptySubsequences: false)
        guard !target.isEmpty, parts.count == 2, let pid = Int32(parts[0]), pid > 0,
            parts[1].allSatisfy(\.isASCII), Int(parts[1]) != nil
        else { return nil }
        return (target, pid)
    }

    /// Whether the temporary file called `name` was left by a writer that is
    /// gone (another process that no longer runs): such a file is never
    /// renamed into place and can be removed.
    public static func isStaleTemporaryFile(named name: String) -> Bool {
        guard let (_, pid) = temporaryFile(named: name), pid != SystemCalls.processID else { return false }
        return !SystemCalls.processExists(pid)
    }

    /// The path to write for `path`: itself, or the regular file a symbolic
    /// link there points to.
    private static func writableTarget(_ path: String) throws(FileError) -> String {
        let status: FileStatus?
        do throws(Errno) {
            status = try SystemCalls.status(of: path, followingLinks: false)
        } catch {
            throw FileError(path: path, operation: "status check", code: error.code)
        }
        guard let status else { return path }
        switch status.kind {
        case .regularFile:
            return path
        case .symbolicLink:
            let target: FileStatus?
            do throws(Errno) {
                target = try SystemCalls.status(of: path, followingLinks: true)
            } catch {
                throw FileError(path: path, operation: "status check", code: error.code)
            }
            guard let target else {
                throw FileError(path: path, operation: "write", code: Errno.noEntry.code,
                                detail: "is a symbolic link to nothing (dangling)")
            }
            guard target.isRegularFile else {
                throw FileError(path: path, operation: "write", code: Errno.invalidArgument.code,
                                detail: "is a symbolic link to \(target.kind.rawValue), not to a regular file")
            }
            do throws(Errno) {
                return try SystemCalls.resolvedPath(path)
            } catch {
                throw FileError(path: path, operation: "resolution of the symbolic link", code: error.code)
            }
        case .directory:
            throw FileError(path: path, operation: "write", code: Errno.isDirectory.code)
        default:
            throw FileError.notRegularFile(path, operation: "write", kind: status.kind)
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
