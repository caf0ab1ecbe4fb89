import RecurTestSupport
import Testing

/// `recur topology` describes the machine and where workers would go.
@Suite("Topology")
struct TopologyTests {
    /// The usable PUs `recur topology` reports (its `Usable  N of M PUs` line).
    private func usablePUs() async throws -> Int {
        let result = try await RecurExecutable.run(["topology"])
        let line = try #require(result.outputLines.first { $0.hasPrefix("Usable") }, "\(result)")
        let count = line.split(separator: " ").dropFirst().first.flatMap { Int($0) }
        return try #require(count, "no count in '\(line)'")
    }

    @Test("prints the machine and a placement table")
    func machineAndPlacement() async throws {
        let result = try await RecurExecutable.run(["topology"])
        expectSuccess(result)
        for word in ["Machine", "Cores", "Usable", "Placement of", "worker"] {
            #expect(result.standardOutput.contains(word), "\(result)")
        }
        #expect(!result.standardOutput.contains("Oversubscribed"), "\(result)")
    }

    @Test("more threads than usable CPUs says it oversubscribes")
    func oversubscription() async throws {
        let threads = try await usablePUs() + 1
        let result = try await RecurExecutable.run(["topology", "--threads", "\(threads)"])
        expectSuccess(result)
        #expect(result.standardOutput.contains("Placement of \(threads) workers"), "\(result)")
        #expect(result.standardOutput.contains("Oversubscribed"), "\(result)")
        let rows = result.outputLines.filter { $0.range(of: #"^\s+\d+\s+\d+\s+\d+"#, options: .regularExpression) != nil }
        #expect(rows.count == threads, "one placement row per worker: \(result)")
    }

    @Test("training with more threads than CPUs warns on stderr")
    func trainingWarns() async throws {
        let data = try TemporaryDirectory(prefix: "recur-cli-data")
        try SyntheticMNIST.write(to: data.path, trainCount: 20, testCount: 10)
        var training = TinyTraining(data: data.path, steps: 1)
        training.threads = try await usablePUs() + 1
        let result = try await RecurExecutable.run(training.arguments())
        expectSuccess(result)
        #expect(result.standardError.contains("warning: \(training.threads) threads"), "\(result)")
    }

    /// bench builds a one-worker pool (pinning the main thread) before each
    /// configuration's pool; the main thread's own pin must not make later
    /// configurations see fewer usable CPUs and oversubscribe.
    @Test("bench's later configurations still see every usable CPU")
    func benchDoesNotOversubscribeItself() async throws {
        let threads = try await usablePUs()
        try #require(threads >= 2, "needs two usable CPUs")
        let result = try await RecurExecutable.run(
            [
                "bench", "--threads", "1,\(threads)", "--steps", "1", "--repeats", "1", "--warmup", "0", "--hidden", "8",
                "--layers", "1", "--batch-size", "8",
            ], timeout: .seconds(300))
        expectSuccess(result)
        #expect(!result.standardError.contains("warning"), "\(result)")
        let over = try await RecurExecutable.run(
            ["bench", "--threads", "\(threads + 1)", "--steps", "1", "--repeats", "1", "--warmup", "0", "--hidden", "8", "--layers", "1"],
            timeout: .seconds(300))
        #expect(over.standardError.contains("warning: \(threads + 1) threads"), "the warning is shown when it applies: \(over)")
    }
}
