/// An error Recur reports to the user: one line, and the exit status it means.
public enum RecurError: Error, CustomStringConvertible, Equatable {
    /// A bad option or option value: exit status 2.
    case usage(String)
    /// Bad or missing input data, an unreadable or corrupt file: exit status 1.
    case input(String)
    /// A file that cannot be written: exit status 1.
    case output(String)
    /// Training diverged (a non-finite loss): exit status 1.
    case diverged(String)
    /// The machine cannot run the request (threads, pinning, memory): exit status 1.
    case system(String)

    public var description: String {
        switch self {
        case .usage(let message), .input(let message), .output(let message),
             .diverged(let message), .system(let message):
            return message
        }
    }

    /// The process exit status for this error.
    public var exitCode: Int32 {
        if case .usage = self { return 2 }
        return 1
    }
}
