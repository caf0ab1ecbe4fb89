// Every system call of the module lives here, behind small typed wrappers.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#else
#error("RecurRuntime needs a POSIX C library")
#endif

/// The type of a file, as `stat` or `lstat` says.
enum FileType: Equatable {
    case regularFile, directory, symbolicLink, fifo, characterDevice, blockDevice, socket, other

    /// The type in words, after "is": "a FIFO (named pipe)".
    var words: String {
        switch self {
        case .regularFile: "a regular file"
        case .directory: "a directory"
        case .symbolicLink: "a symbolic link"
        case .fifo: "a FIFO (named pipe)"
        case .characterDevice: "a character device"
        case .blockDevice: "a block device"
        case .socket: "a socket"
        case .other: "not a regular file"
        }
    }
}

enum SystemCalls {
    /// The type of the file at `path`, following symbolic links; nil when
    /// nothing is there (or the link dangles).
    static func fileType(_ path: String) -> FileType? {
        var status = stat()
        guard stat(path, &status) == 0 else { return nil }
        return type(status.st_mode)
    }

    /// The type of the file at `path` itself (a link is not followed); nil when nothing is there.
    static func linkType(_ path: String) -> FileType? {
        var status = stat()
        guard lstat(path, &status) == 0 else { return nil }
        return type(status.st_mode)
    }

    /// Whether this process may create files in the directory `path`.
    static func isWritableDirectory(_ path: String) -> Bool {
        access(path, W_OK) == 0
    }

    /// Bytes of physical memory, or 0 when the system does not say.
    static var physicalMemory: Double {
        let pages = sysconf(Int32(_SC_PHYS_PAGES)), pageSize = sysconf(Int32(_SC_PAGESIZE))
        guard pages > 0, pageSize > 0 else { return 0 }
        return Double(pages) * Double(pageSize)
    }

    /// The current UTC time: year, month (1-12), day, hour, minute, second.
    static func utcNow() -> (year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) {
        var now = time(nil)
        var parts = tm()
        gmtime_r(&now, &parts)
        return (
            Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday), Int(parts.tm_hour),
            Int(parts.tm_min), Int(parts.tm_sec)
        )
    }

    private static func type(_ mode: mode_t) -> FileType {
        switch mode & S_IFMT {
        case S_IFREG: .regularFile
        case S_IFDIR: .directory
        case S_IFLNK: .symbolicLink
        case S_IFIFO: .fifo
        case S_IFCHR: .characterDevice
        case S_IFBLK: .blockDevice
        case S_IFSOCK: .socket
        default: .other
        }
    }
}
