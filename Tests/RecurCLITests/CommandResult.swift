/// How a run of `recur` ended and what it printed.
struct CommandResult: CustomStringConvertible {
    /// The exit status, or the signal number when ``signal`` is set.
    var status: Int32
    /// Set when a signal ended the process (it did not exit by itself).
    var signal: Int32?
    /// The process ran past its time limit and was killed.
    var timedOut: Bool
    var standardOutput: String
    var standardError: String
    /// The arguments it ran with, for failure messages.
    var arguments: [String]

    /// An exit status the CLI documents: 0, 1, 2, or 128+N after SIGHUP (129), SIGINT (130) or SIGTERM (143).
    static let documentedStatuses: Set<Int32> = [0, 1, 2, 129, 130, 143]

    /// Words the Swift runtime and LLVM print when a process traps.
    static let crashMarkers = ["Fatal error", "Stack dump", "Illegal instruction", "Segmentation fault", "Trace/breakpoint"]

    /// The process trapped, was killed by a signal, hung, or exited with an
    /// undocumented status.
    var crashed: Bool {
        timedOut || signal != nil || !Self.documentedStatuses.contains(status)
            || Self.crashMarkers.contains { standardError.contains($0) }
    }

    /// Whether it exited by itself with `code`.
    func exited(with code: Int32) -> Bool {
        !timedOut && signal == nil && status == code
    }

    /// stdout's lines, without empty ones.
    var outputLines: [String] { Self.lines(standardOutput) }

    /// stderr's lines, without empty ones.
    var errorLines: [String] { Self.lines(standardError) }

    var description: String {
        let ending = timedOut ? "timed out" : signal.map { "killed by signal \($0)" } ?? "exit status \(status)"
        return "recur \(arguments.joined(separator: " ")): \(ending)\n--- stdout:\n\(standardOutput)--- stderr:\n\(standardError)"
    }

    private static func lines(_ text: String) -> [String] {
        text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
    }
}
