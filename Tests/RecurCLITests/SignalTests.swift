import Foundation
import RecurSafetensors
import RecurTestSupport
import Testing

/// SIGINT and SIGTERM stop training after the current step, save a
/// checkpoint, and exit with 128+N; resuming then gives the uninterrupted model.
@Suite("Signals")
struct SignalTests {
    /// Starts a long run, sends `signalNumber` once its first checkpoint is
    /// there, and returns how it ended, with the checkpoint folder.
    /// `inheritingBlockedStopSignals` as for ``RunningCommand``.
    private func interruptedRun(
        _ signalNumber: Int32, json: Bool, in work: TemporaryDirectory, inheritingBlockedStopSignals: Bool = false
    ) async throws -> (result: CommandResult, folder: String) {
        let folder = work.file("runs")
        let running = try RunningCommand(
            TinyTraining(data: try Fixtures.requireMNIST(), steps: 100_000).arguments(
                ["--checkpoint-dir", folder, "--checkpoint-every", "5"] + (json ? ["--json"] : [])),
            inheritingBlockedStopSignals: inheritingBlockedStopSignals)
        running.send(signalNumber, once: { !CheckpointFiles.list(in: folder).isEmpty })
        let result = try await running.wait(timeout: .seconds(120))
        try #require(!CheckpointFiles.list(in: folder).isEmpty, "no checkpoint appeared in \(folder): \(result)")
        return (result, folder)
    }

    /// Checks the newest checkpoint in `folder` reads back, and resumes from it
    /// to 6 steps past it: the model must equal an uninterrupted run of as many steps.
    private func expectResumable(_ folder: String, in work: TemporaryDirectory) async throws {
        let newest = try #require(CheckpointFiles.list(in: folder).last)
        let file = try SafetensorsFile.read(path: newest)
        #expect(file.metadata["format"] == "recur-checkpoint")
        #expect(file.names.contains("rnn.weight_hh_l0") && file.names.contains("optimizer.exp_avg.fc.weight"))
        let stoppedAt = try #require(try CheckpointFiles.step(of: newest))
        #expect(newest.hasSuffix(String(format: "checkpoint-%09d.safetensors", stoppedAt)))

        let mnist = try Fixtures.requireMNIST()
        let target = stoppedAt + 6
        let whole = work.file("whole.safetensors"), resumed = work.file("resumed.safetensors")
        expectSuccess(
            try await RecurExecutable.run(
                TinyTraining(data: mnist, steps: target).arguments(["--resume", folder, "--save", resumed])))
        expectSuccess(try await RecurExecutable.run(TinyTraining(data: mnist, steps: target).arguments(["--save", whole])))
        #expect(try Data(contentsOf: URL(fileURLWithPath: resumed)) == Data(contentsOf: URL(fileURLWithPath: whole)))
    }

    @Test("SIGINT saves a checkpoint, exits 130 and says how to resume")
    func interrupt() async throws {
        let work = try TemporaryDirectory(prefix: "recur-cli-sigint")
        let (result, folder) = try await interruptedRun(SIGINT, json: false, in: work)
        try #require(result.exited(with: 130), "\(result)")
        #expect(!result.crashed, "\(result)")
        #expect(result.standardError.contains("SIGINT"), "\(result)")
        #expect(result.standardError.contains("--resume \(folder)"), "\(result)")
        try await expectResumable(folder, in: work)
    }

    @Test("SIGTERM saves a checkpoint and exits 143")
    func terminate() async throws {
        let work = try TemporaryDirectory(prefix: "recur-cli-sigterm")
        let (result, folder) = try await interruptedRun(SIGTERM, json: false, in: work)
        try #require(result.exited(with: 143), "\(result)")
        #expect(!result.crashed, "\(result)")
        #expect(result.standardError.contains("SIGTERM"), "\(result)")
        try await expectResumable(folder, in: work)
    }

    @Test(
        "with --json, an interrupted run still ends its output with a summary")
    func interruptWithJSON() async throws {
        let work = try TemporaryDirectory(prefix: "recur-cli-sigterm-json")
        let (result, _) = try await interruptedRun(SIGTERM, json: true, in: work)
        #expect(result.exited(with: 143), "\(result)")
        let last = try #require(result.outputLines.last)
        let object = try JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any]
        #expect(object?["event"] as? String == "summary", "\(result)")
        #expect(object?["interrupted_by"] as? String == "SIGTERM", "\(result)")
    }

    /// A process started from a thread that blocks SIGINT and SIGTERM (a
    /// Dispatch thread, some supervisors) inherits that mask; recur must
    /// still stop on them, so it should unblock them where it installs its handlers.
    @Test(
        "SIGTERM stops a run that inherited a mask blocking it")
    func inheritedBlockedMask() async throws {
        let work = try TemporaryDirectory(prefix: "recur-cli-blocked")
        let (result, _) = try await interruptedRun(SIGTERM, json: false, in: work, inheritingBlockedStopSignals: true)
        #expect(result.exited(with: 143), "\(result)")
    }
}
