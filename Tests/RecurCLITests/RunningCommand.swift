import Foundation
import RecurTestSupport

/// A started `recur` process whose stdout and stderr go to files (so a
/// chatty process never blocks on a full pipe), to be signalled and waited for.
final class RunningCommand {
    let arguments: [String]
    private let process = Process()
    private let outputDirectory: TemporaryDirectory
    /// The directory it runs in, kept alive as long as the command when the command made it.
    private let workingDirectory: TemporaryDirectory?

    /// Starts `recur arguments` in `directory`, or in a fresh temporary
    /// directory when nil; with `memoryLimitKiB`, under that limit on its
    /// virtual memory (`ulimit -v`), so a huge allocation fails instead of
    /// taking the machine's memory.
    ///
    /// A child inherits the spawning thread's signal mask, and the Dispatch
    /// threads tests run on block SIGINT and SIGTERM; the child gets them
    /// unblocked, as from a shell, unless `inheritingBlockedStopSignals`.
    init(
        _ arguments: [String], in directory: String? = nil, memoryLimitKiB: Int? = nil,
        inheritingBlockedStopSignals: Bool = false, environment: [String: String] = [:]
    ) throws {
        self.arguments = arguments
        outputDirectory = try TemporaryDirectory(prefix: "recur-cli-output")
        let temporaryWorkingDirectory = directory == nil ? try TemporaryDirectory(prefix: "recur-cli-cwd") : nil
        workingDirectory = temporaryWorkingDirectory
        try Data().write(to: URL(fileURLWithPath: outputDirectory.file("stdout")))
        try Data().write(to: URL(fileURLWithPath: outputDirectory.file("stderr")))
        let executable = try RecurExecutable.path()
        if let memoryLimitKiB {
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", "ulimit -v \(memoryLimitKiB) && exec \"$0\" \"$@\"", executable] + arguments
        } else {
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
        }
        if !environment.isEmpty { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        process.currentDirectoryURL = URL(fileURLWithPath: directory ?? temporaryWorkingDirectory?.path ?? ".")
        process.standardInput = FileHandle.nullDevice
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        }
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: outputDirectory.file("stdout")))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: outputDirectory.file("stderr")))
        var previousMask = sigset_t()
        if !inheritingBlockedStopSignals {
            var stopSignals = sigset_t()
            sigemptyset(&stopSignals)
            sigaddset(&stopSignals, SIGINT)
            sigaddset(&stopSignals, SIGTERM)
            pthread_sigmask(SIG_UNBLOCK, &stopSignals, &previousMask)
        }
        defer { if !inheritingBlockedStopSignals { pthread_sigmask(SIG_SETMASK, &previousMask, nil) } }
        try process.run()
    }

    var isRunning: Bool { process.isRunning }

    /// The process's id.
    var processIdentifier: Int32 { process.processIdentifier }

    /// Sends `signalNumber` (e.g. `SIGINT`) to the process.
    func send(_ signalNumber: Int32) {
        kill(process.processIdentifier, signalNumber)
    }

    /// Sends `signalNumber` from a thread of its own once `condition` holds
    /// (polled every 5 ms; at the latest after `timeout`), `delay` later.
    /// Not from a task: a task's sleep can oversleep by seconds while other
    /// tests hold the cooperative threads, and a run meant to be stopped at
    /// its first checkpoint would train on for thousands of steps.
    func send(
        _ signalNumber: Int32, once condition: @escaping @Sendable () -> Bool, after delay: Duration = .zero,
        timeout: Duration = .seconds(90)
    ) {
        let pid = process.processIdentifier
        let delayMicroseconds = useconds_t(delay.components.seconds * 1_000_000 + delay.components.attoseconds / 1_000_000_000_000)
        Thread {
            let deadline = ContinuousClock.now + timeout
            while ContinuousClock.now < deadline, !condition() { usleep(5_000) }
            usleep(delayMicroseconds)
            kill(pid, signalNumber)
        }.start()
    }

    /// Waits until the process ends, or kills it (SIGKILL) after `timeout`
    /// and reports ``CommandResult/timedOut``.
    func wait(timeout: Duration) async throws -> CommandResult {
        try await waitForCommand(process, output: outputDirectory, arguments: arguments, timeout: timeout)
    }

    /// Kills a process still running when the test lets go of it.
    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }
}

/// Waits until `process` ends, or after `timeout` calls `killOthers` (the
/// ranks of an mpirun job, say) and kills it (SIGKILL), and reports how it
/// ended with the output its files in `output` hold.
func waitForCommand(
    _ process: Process, output: TemporaryDirectory, arguments: [String], timeout: Duration,
    killOthers: () -> Void = {}
) async throws -> CommandResult {
    let deadline = ContinuousClock.now + timeout
    var timedOut = false
    while process.isRunning {
        if ContinuousClock.now >= deadline {
            timedOut = true
            killOthers()
            kill(process.processIdentifier, SIGKILL)
            break
        }
        try await Task.sleep(for: .milliseconds(20))
    }
    process.waitUntilExit()
    return CommandResult(
        status: process.terminationStatus,
        signal: process.terminationReason == .uncaughtSignal ? process.terminationStatus : nil,
        timedOut: timedOut,
        standardOutput: try String(contentsOfFile: output.file("stdout"), encoding: .utf8),
        standardError: try String(contentsOfFile: output.file("stderr"), encoding: .utf8),
        arguments: arguments)
}
