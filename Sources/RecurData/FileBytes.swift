import RecurSystem

/// Whole-file reads and existence checks, so that a file's type and size
/// are checked before any memory is committed to it.
enum FileBytes {
    /// The largest data file (compressed or not) the loader accepts: 1 GiB.
    static let sizeLimit = 1 << 30

    /// The contents of the regular file at `path`.
    /// - Throws: `IDXError` naming `path` when the file cannot be opened or
    ///   read, is not a regular file, or is larger than `sizeLimit` bytes.
    /// - Complexity: O(file size).
    static func read(_ path: String) throws(IDXError) -> [UInt8] {
        let file: ReadOnlyFile
        do throws(ReadOnlyFile.Failure) { file = try ReadOnlyFile(path: path) } catch { throw idxError(error, path) }
        guard file.size <= sizeLimit else { throw IDXError(file: path, problem: .tooLarge(limit: sizeLimit)) }
        do throws(ReadOnlyFile.Failure) { return try file.read(count: file.size, at: 0) } catch { throw idxError(error, path) }
    }

    private static func idxError(_ failure: ReadOnlyFile.Failure, _ path: String) -> IDXError {
        switch failure {
        case .open(let error) where error == .noEntry: IDXError(file: path, problem: .missing)
        case .open(let error): IDXError(file: path, problem: .cannotOpen(reason: error.message))
        case .read(let error): IDXError(file: path, problem: .readFailed(reason: error.message))
        case .notRegularFile: IDXError(file: path, problem: .notARegularFile)
        case .ended(let end, _): IDXError(file: path, problem: .readFailed(reason: "the file shrank to \(end) bytes while it was read"))
        }
    }

    /// Whether `path` names a regular file (following symbolic links).
    static func isRegularFile(_ path: String) -> Bool { SystemCalls.kind(of: path, followingLinks: true) == .regularFile }

    /// Whether `path` names a directory (following symbolic links).
    static func isDirectory(_ path: String) -> Bool { SystemCalls.kind(of: path, followingLinks: true) == .directory }
}
