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

    public init(path: String, operation: String, code: Int32) {
        self.path = path
        self.operation = operation
        self.code = code
    }

    /// The system's text for ``code``, e.g. "Permission denied".
    public var systemMessage: String { SystemCalls.message(for: code) }

    public var description: String { "\(path): \(operation) failed: \(systemMessage)" }
}
