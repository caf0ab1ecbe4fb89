/// The type of a file, as its mode says; the raw value is the type in
/// words, after "is": "a FIFO (named pipe)".
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

/// What `stat`, `lstat` or `fstat` says about a file.
package struct FileStatus: Sendable, Equatable {
    package var kind: FileKind
    package var size: Int

    package var isDirectory: Bool { kind == .directory }
    package var isRegularFile: Bool { kind == .regularFile }
}
