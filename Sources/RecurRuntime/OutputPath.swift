#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Up-front checks of the files a command will write, so a bad path fails in
/// a second, not after an hour of training.
public enum OutputPath {
    /// Throws an output error (exit status 1) naming `option` when `path` cannot be written as
    /// a file: its folder is missing, not a folder or not writable, or the
    /// path itself is a folder.
    public static func requireWritable(_ path: String, option: String) throws(RecurError) {
        if path.isEmpty { throw .output("\(option): the path is empty") }
        var status = stat()
        if stat(path, &status) == 0 && (status.st_mode & S_IFMT) == S_IFDIR {
            throw .output("\(option) \(path): is a directory, not a file")
        }
        let folder = path.lastIndex(of: "/").map { path[..<$0].isEmpty ? "/" : String(path[..<$0]) } ?? "."
        guard stat(folder, &status) == 0 else {
            throw .output("\(option) \(path): the folder \(folder) does not exist")
        }
        guard (status.st_mode & S_IFMT) == S_IFDIR else {
            throw .output("\(option) \(path): \(folder) is not a folder")
        }
        guard access(folder, W_OK) == 0 else {
            throw .output("\(option) \(path): the folder \(folder) is not writable")
        }
    }
}
