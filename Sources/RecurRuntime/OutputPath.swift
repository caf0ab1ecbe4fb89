import RecurSystem
/// Up-front checks of the files a command will write, so a bad path fails in
/// a second, not after an hour of training.
public enum OutputPath {
    /// Throws an output error (exit status 1) naming `option` when `path` cannot be written as
    /// a file: its folder is missing, not a folder or not writable, or
    /// something other than a regular file stands at the path (a folder, a
    /// device such as /dev/null, a FIFO, a socket, or a symbolic link to one
    /// of those or to nothing). A symbolic link to a regular file is fine:
    /// the file it points to is replaced.
    ///
    /// - Parameter creatingFolder: a folder the command creates before it
    ///   writes (a checkpoint folder): when `path` is inside it and it does
    ///   not exist yet, its own folder is checked instead.
    public static func requireWritable(_ path: String, option: String, creatingFolder: String? = nil) throws(RecurError) {
        if path.isEmpty { throw .output("\(option): the path is empty") }
        if let type = SystemCalls.kind(of: path, followingLinks: false), type != .regularFile {
            if type == .directory { throw .output("\(option) \(path): is a directory, not a file") }
            if type == .symbolicLink {
                guard let target = SystemCalls.kind(of: path, followingLinks: true) else {
                    throw .output("\(option) \(path): is a symbolic link to nothing; refusing to write through it")
                }
                if target != .regularFile {
                    throw .output("\(option) \(path): is a symbolic link to \(target.rawValue), not to a regular file; refusing to replace it")
                }
            } else {
                throw .output("\(option) \(path): is \(type.rawValue), not a regular file; refusing to replace it")
            }
        }
        var folder = Self.folder(of: path)
        if let creatingFolder, SystemCalls.kind(of: folder, followingLinks: true) == nil, normalized(folder) == normalized(creatingFolder) {
            folder = Self.folder(of: normalized(creatingFolder))
        }
        guard let type = SystemCalls.kind(of: folder, followingLinks: true) else {
            throw .output("\(option) \(path): the folder \(folder) does not exist")
        }
        guard type == .directory else {
            throw .output("\(option) \(path): \(folder) is not a folder")
        }
        guard SystemCalls.isWritableDirectory(folder) else {
            throw .output("\(option) \(path): the folder \(folder) is not writable")
        }
    }

    /// The folder part of `path`: "." when it has none, "/" for a file at the root.
    static func folder(of path: String) -> String {
        path.lastIndex(of: "/").map { path[..<$0].isEmpty ? "/" : String(path[..<$0]) } ?? "."
    }

    /// `path` without trailing slashes and leading "./".
    private static func normalized(_ path: String) -> String {
        var result = Substring(path)
        while result.count > 1 && result.hasSuffix("/") { result = result.dropLast() }
        while result.hasPrefix("./") { result = result.dropFirst(2) }
        return String(result)
    }
}
