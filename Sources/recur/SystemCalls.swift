// Every system call of the command-line tool lives here, behind small typed
// wrappers: output to the standard streams, exiting, signals, the environment.

import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#else
#error("recur needs a POSIX C library")
#endif

/// The standard streams `Console` writes to.
enum StandardStream {
    case output, error

    var descriptor: Int32 { self == .output ? STDOUT_FILENO : STDERR_FILENO }
}

/// How a write to a standard stream ended.
enum WriteOutcome {
    case written
    /// The reader is gone (EPIPE): nothing more should be written there.
    case closed
    /// Another error; the rest of the text was dropped.
    case failed
}

/// The signals that ask a run to stop and save (SIGINT, SIGTERM, SIGHUP).
enum StopSignal {
    static let all: [Int32] = [SIGINT, SIGTERM, SIGHUP]
}

enum SystemCalls {
    static func isTerminal(_ stream: StandardStream) -> Bool { isatty(stream.descriptor) != 0 }

    /// Writes all of `bytes`, retrying partial writes and interruptions.
    static func write(_ stream: StandardStream, _ bytes: [UInt8]) -> WriteOutcome {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { raw in
                systemWrite(stream.descriptor, raw.baseAddress! + offset, raw.count - offset)
            }
            if written < 0 {
                if errno == EINTR { continue }
                return errno == EPIPE ? .closed : .failed
            }
            if written == 0 { return .failed }
            offset += written
        }
        return .written
    }

    /// Ends the process with `status`, flushing nothing (Console writes unbuffered).
    static func exit(_ status: Int32) -> Never {
        #if canImport(Glibc)
        Glibc.exit(status)
        #elseif canImport(Musl)
        Musl.exit(status)
        #else
        Darwin.exit(status)
        #endif
    }

    /// A write to a closed pipe must not kill the process: it fails with
    /// EPIPE instead, and the output stops while training and its files go on.
    static func ignoreBrokenPipes() {
        signal(SIGPIPE, SIG_IGN)
    }

    /// Installs `handler` for each of `signals` and unblocks them: a process
    /// started from a thread that blocks them inherits that mask.
    static func handle(_ signals: [Int32], with handler: @convention(c) (Int32) -> Void) {
        var set = sigset_t()
        sigemptyset(&set)
        for number in signals {
            var action = sigaction()
            #if canImport(Darwin)
            action.__sigaction_u.__sa_handler = handler
            #else
            action.__sigaction_handler.sa_handler = handler
            #endif
            sigemptyset(&action.sa_mask)
            action.sa_flags = SA_RESTART
            sigaction(number, &action, nil)
            sigaddset(&set, number)
        }
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
    }

    /// Writes `text` to stderr from a signal handler (async-signal-safe).
    static func signalSafeWriteError(_ text: StaticString) {
        _ = systemWrite(STDERR_FILENO, text.utf8Start, text.utf8CodeUnitCount)
    }

    /// Ends the process at once from a signal handler, without cleanup.
    static func signalSafeExit(_ status: Int32) -> Never {
        _exit(status)
    }

    /// The process environment as a dictionary.
    static func environment() -> [String: String] {
        var result: [String: String] = [:]
        var entry = environ
        while let pointer = entry.pointee {
            let pair = String(cString: pointer)
            if let equals = pair.firstIndex(of: "=") {
                result[String(pair[..<equals])] = String(pair[pair.index(after: equals)...])
            }
            entry += 1
        }
        return result
    }

    private static func systemWrite(_ descriptor: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
        #if canImport(Glibc)
        Glibc.write(descriptor, buffer, count)
        #elseif canImport(Musl)
        Musl.write(descriptor, buffer, count)
        #else
        Darwin.write(descriptor, buffer, count)
        #endif
    }
}
