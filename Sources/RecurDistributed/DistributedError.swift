/// What can go wrong between processes, each with a one-line message that
/// names what to do or which rank failed.
public enum DistributedError: Error, CustomStringConvertible, Sendable {
    /// The MPI library could not be loaded or initialised.
    case unavailable(String)
    /// An MPI call failed.
    case call(String, code: Int32)
    /// A peer sent nothing before the deadline: it died, hung or was stopped.
    case timeout(String)
    /// The ranks were started with different options, data or builds.
    case mismatch(String)

    public var description: String {
        switch self {
        case .unavailable(let message): message
        case .call(let name, let code): "\(name) failed with MPI error \(code)"
        case .timeout(let message): message
        case .mismatch(let message): message
        }
    }
}
