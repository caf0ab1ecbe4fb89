#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Terminal output: plain lines on stdout, errors on stderr, and whether
/// stdout is a terminal (progress bars) or a pipe (plain lines).
enum Console {
    static let isTerminal = isatty(STDOUT_FILENO) != 0

    static func line(_ text: String) {
        write(STDOUT_FILENO, text + "\n")
    }

    /// Prints a block of lines (a table), ending with exactly one newline.
    static func block(_ text: String) {
        write(STDOUT_FILENO, text.hasSuffix("\n") ? text : text + "\n")
    }

    static func error(_ text: String) {
        write(STDERR_FILENO, text + "\n")
    }

    /// Rewrites the current terminal line.
    static func overwrite(_ text: String) {
        write(STDOUT_FILENO, "\r\u{1B}[2K" + text)
    }

    /// Ends the process with `status`.
    static func exit(_ status: Int32) -> Never {
        #if canImport(Glibc)
        Glibc.exit(status)
        #else
        Darwin.exit(status)
        #endif
    }

    /// Writes all of `text`, unbuffered, so output from different streams and
    /// a process that exits right after stay in order.
    private static func write(_ descriptor: Int32, _ text: String) {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeMutableBytes { raw in
                #if canImport(Glibc)
                Glibc.write(descriptor, raw.baseAddress! + offset, raw.count - offset)
                #else
                Darwin.write(descriptor, raw.baseAddress! + offset, raw.count - offset)
                #endif
            }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { return }
            offset += written
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
