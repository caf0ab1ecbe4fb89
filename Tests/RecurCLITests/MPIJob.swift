import Foundation
import RecurTestSupport
import Testing

/// `mpirun -np P ... recur ARGS` started with its output in files, as
/// ``RunningCommand`` does for `recur` alone: as root and with more ranks
/// than cores (`--allow-run-as-root --oversubscribe`), as CI runs it.
final class MPIJob {
    let arguments: [String]
    private let process = Process()
    private let outputDirectory: TemporaryDirectory
    private let workingDirectory: TemporaryDirectory

    /// The mpirun on PATH (or /usr/bin), or nil. Tests that need it call ``require()``.
    static func mpirun() -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return (path.split(separator: ":").map(String.init) + ["/usr/bin"])
            .map { $0 + "/mpirun" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// mpirun's path; when it is missing, fails under `CI=true` and
    /// otherwise says so loudly and cancels the test.
    static func require(sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        if let found = mpirun() { return found }
        let message = "mpirun not found: these tests need Open MPI (apt-get install openmpi-bin libopenmpi-dev; "
            + "scripts/lib/setup.sh installs it)"
        if Fixtures.missingFails() { throw MPIMissing(description: message + " (CI=true: failing)") }
        print("warning: ⚠️ SKIPPED at \(sourceLocation.fileID):\(sourceLocation.line): \(message)")
        try Test.cancel(Comment(rawValue: message), sourceLocation: sourceLocation)
    }

    /// Starts `mpirun -np processes mpiOptions recur recurArguments`; with
    /// `ranks` (one argument list per rank), an MPMD job with those instead.
    init(
        processes: Int, mpiOptions: [String] = [], _ recurArguments: [String], ranks: [[String]]? = nil,
        environment: [String: String] = [:]
    ) throws {
        let mpirun = try Self.require()
        let executable = try RecurExecutable.path()
        var arguments = ["--allow-run-as-root", "--oversubscribe"] + mpiOptions
        if let ranks {
            for (index, rank) in ranks.enumerated() {
                arguments += (index > 0 ? [":"] : []) + ["-np", "1", executable] + rank
            }
        } else {
            arguments += ["-np", "\(processes)", executable] + recurArguments
        }
        self.arguments = arguments
        outputDirectory = try TemporaryDirectory(prefix: "recur-mpi-output")
        workingDirectory = try TemporaryDirectory(prefix: "recur-mpi-cwd")
        try Data().write(to: URL(fileURLWithPath: outputDirectory.file("stdout")))
        try Data().write(to: URL(fileURLWithPath: outputDirectory.file("stderr")))
        process.executableURL = URL(fileURLWithPath: mpirun)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.currentDirectoryURL = URL(fileURLWithPath: workingDirectory.path)
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: outputDirectory.file("stdout")))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: outputDirectory.file("stderr")))
        var stopSignals = sigset_t(), previousMask = sigset_t()
        sigemptyset(&stopSignals)
        sigaddset(&stopSignals, SIGINT)
        sigaddset(&stopSignals, SIGTERM)
        pthread_sigmask(SIG_UNBLOCK, &stopSignals, &previousMask)
        defer { pthread_sigmask(SIG_SETMASK, &previousMask, nil) }
        try process.run()
    }

    /// Runs a job to its end (killed after `timeout`).
    static func run(
        processes: Int, mpiOptions: [String] = [], _ recurArguments: [String], ranks: [[String]]? = nil,
        environment: [String: String] = [:], timeout: Duration = .seconds(180)
    ) async throws -> CommandResult {
        try await MPIJob(
            processes: processes, mpiOptions: mpiOptions, recurArguments, ranks: ranks, environment: environment
        ).wait(timeout: timeout)
    }

    var isRunning: Bool { process.isRunning }

    func send(_ signalNumber: Int32) { kill(process.processIdentifier, signalNumber) }

    /// The ranks' process ids (mpirun's children, in start order).
    func rankProcesses() -> [Int32] {
        let tasks = "/proc/\(process.processIdentifier)/task"
        let threads = (try? FileManager.default.contentsOfDirectory(atPath: tasks)) ?? []
        let children = threads.flatMap { thread in
            ((try? String(contentsOfFile: "\(tasks)/\(thread)/children", encoding: .utf8)) ?? "")
                .split(separator: " ").compactMap { Int32($0) }
        }
        return children.sorted()
    }

    /// The process id of rank `rank`, read from each child's environment.
    func processOfRank(_ rank: Int) -> Int32? {
        rankProcesses().first { pid in
            guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/environ") else { return false }
            return data.split(separator: 0).contains { Array($0) == Array("OMPI_COMM_WORLD_RANK=\(rank)".utf8) }
        }
    }

    func wait(timeout: Duration) async throws -> CommandResult {
        try await waitForCommand(
            process, output: outputDirectory, arguments: ["mpirun"] + arguments, timeout: timeout,
            killOthers: { for pid in rankProcesses() { kill(pid, SIGKILL) } })
    }

    deinit {
        if process.isRunning {
            for pid in rankProcesses() {
                kill(pid, SIGCONT)
                kill(pid, SIGKILL)
            }
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }
}

/// mpirun missing where it must be there (`CI=true`).
struct MPIMissing: Error, CustomStringConvertible {
    var description: String
}
