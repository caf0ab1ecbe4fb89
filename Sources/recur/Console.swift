import RecurSystem
import Synchronization

/// Set once stdout's reader is gone: later lines are dropped.
private let standardOutputClosed = Atomic<Bool>(false)

/// Terminal output: plain lines on stdout, errors on stderr, and whether
/// stdout is a terminal (progress bars) or a pipe (plain lines).
///
/// When stdout is a pipe whose reader has gone (`recur train --json | head
/// -1`), output to it stops and everything else goes on: training, its
/// checkpoints and `--save`.
enum Console {
    static let isTerminal = SystemCalls.isTerminal(.output)

    static func line(_ text: String) {
        write(.output, text + "\n")
    }

    /// Prints a block of lines (a table), ending with exactly one newline.
    static func block(_ text: String) {
        write(.output, text.hasSuffix("\n") ? text : text + "\n")
    }

    static func error(_ text: String) {
        write(.error, text + "\n")
    }

    /// Rewrites the current terminal line.
    static func overwrite(_ text: String) {
        write(.output, "\r\u{1B}[2K" + text)
    }

    /// Ends the process with `status`.
    static func exit(_ status: Int32) -> Never {
        SystemCalls.exit(status)
    }

    /// Writes all of `text`, unbuffered, so output from different streams and
    /// a process that exits right after stay in order.
    private static func write(_ stream: StandardStream, _ text: String) {
        if stream == .output && standardOutputClosed.load(ordering: .relaxed) { return }
        if SystemCalls.write(stream, Array(text.utf8)) == .closed && stream == .output {
            standardOutputClosed.store(true, ordering: .relaxed)
        }
    }

    /// `value` with `digits` decimals.
    static func fixed(_ value: Double, _ digits: Int) -> String {
        // Beyond 1e15 fixed notation means nothing (and Int would overflow).
        guard value.isFinite, abs(value) < 1e15 else { return "\(value)" }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let rounded = (abs(value) * scale).rounded()
        let whole = Int(rounded / scale)
        var fraction = String(Int(rounded.truncatingRemainder(dividingBy: scale)))
        while fraction.count < digits { fraction = "0" + fraction }
        return (value < 0 && rounded > 0 ? "-" : "") + "\(whole)" + (digits > 0 ? "." + fraction : "")
    }
}
