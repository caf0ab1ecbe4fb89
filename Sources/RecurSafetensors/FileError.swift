import RecurSystem

/// A file operation that failed, with the path and the system's reason.
///
/// The description is one line, e.g.
/// `/runs/a/checkpoint.safetensors: rename of temporary file failed: No such file or directory`.
public struct FileError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file the caller asked to read or write.
    public var path: String
    /// What was being done, e.g. "open", "read", "write temporary file", "rename of temporary file".
    public var operation: String
    /// The `errno` value the system reported.
    public var code: Int32

    /// A reason in words that replaces the system's text, e.g. "is a FIFO, not a regular file".
    public var detail: String?

    public init(path: String, operation: String, code: Int32, detail: String? = nil) {
        self.path = path
        self.operation = operation
        self.code = code
        self.detail = detail
    }

    /// The file at `path` is of another kind than a regular file (a device, a
    /// FIFO, a directory, a link to one of those).
    static func notRegularFile(_ path: String, operation: String, kind: FileKind) -> FileError {
        FileError(
            path: path, operation: operation, code: Errno.invalidArgument.code,
            detail: "is \(kind.rawValue), not a regular file")
    }

    /// The system's text for ``code``, e.g. "Permission denied".
    public var systemMessage: String { Errno(code: code).message }

    public var description: String {
        if let detail { return "\(path): \(operation) refused: \(detail)" }
        return "\(path): \(operation) failed: \(systemMessage)"
    }
}

extension FileError {
    /// `failure` of opening or reading the file at `path`, as a file error.
    init(_ failure: ReadOnlyFile.Failure, path: String) {
        switch failure {
        case .open(let error): self.init(path: path, operation: "open", code: error.code)
        case .read(let error): self.init(path: path, operation: "read", code: error.code)
        case .notRegularFile(.directory): self.init(path: path, operation: "read", code: Errno.isDirectory.code)
        case .notRegularFile(let kind): self = .notRegularFile(path, operation: "read", kind: kind)
        case .ended(let end, let expected):
            self.init(
                path: path, operation: "read", code: Errno.invalidArgument.code,
                detail: "the file ended at byte \(end), before the \(expected) it had when opened")
        }
    }
}
