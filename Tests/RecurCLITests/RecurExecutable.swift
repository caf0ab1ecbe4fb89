import Foundation
import RecurTestSupport

/// The built `recur` executable, and running it with a time limit.
///
/// It is found, in order, at `$RECUR_EXECUTABLE`, next to the test runner
/// (the directory of `CommandLine.arguments[0]` or of the test bundle), and at
/// `<package root>/.build/debug/recur`. `swift build --build-tests` builds it.
enum RecurExecutable {
    /// An executable that could not be found, with where it was looked for.
    struct NotFound: Error, CustomStringConvertible {
        var searched: [String]
        var description: String {
            "the recur executable is missing (looked at \(searched.joined(separator: ", "))); "
                + "build it with `swift build --build-tests` or set RECUR_EXECUTABLE"
        }
    }

    /// The executable's absolute path.
    static func path() throws -> String {
        let candidates = candidatePaths()
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw NotFound(searched: candidates)
        }
        return found
    }

    private static func candidatePaths() -> [String] {
        var paths: [String] = []
        if let configured = ProcessInfo.processInfo.environment["RECUR_EXECUTABLE"], !configured.isEmpty {
            paths.append(configured)
        }
        let currentDirectory = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        if let runner = CommandLine.arguments.first {
            paths.append(
                URL(fileURLWithPath: runner, relativeTo: currentDirectory).standardizedFileURL
                    .deletingLastPathComponent().appendingPathComponent("recur").path)
        }
        paths.append(Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("recur").path)
        paths.append(Bundle.main.bundleURL.appendingPathComponent("recur").path)
        paths.append(Fixtures.packageRoot + "/.build/debug/recur")
        var seen: Set<String> = []
        return paths.filter { seen.insert($0).inserted }
    }

    /// Runs `recur arguments` in `directory` (a fresh temporary one when nil)
    /// and waits for it, killing it after `timeout`; `memoryLimitKiB` as for
    /// ``RunningCommand/init(_:in:memoryLimitKiB:)``.
    static func run(
        _ arguments: [String], in directory: String? = nil, memoryLimitKiB: Int? = nil,
        timeout: Duration = .seconds(120), environment: [String: String] = [:]
    ) async throws -> CommandResult {
        let running = try RunningCommand(arguments, in: directory, memoryLimitKiB: memoryLimitKiB, environment: environment)
        return try await running.wait(timeout: timeout)
    }
}
