import Foundation
import RecurTestSupport
import Testing

/// `--resume` continues a run bit-identically, and refuses settings that
/// would change it.
@Suite("Resume")
struct ResumeTests {
    private func bytes(_ path: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path)) }

    @Test("12 steps, then resumed to 24, saves the bytes of 24 uninterrupted steps")
    func resumeMidEpoch() async throws {
        let mnist = try Fixtures.requireMNIST()
        let work = try TemporaryDirectory(prefix: "recur-cli-resume")
        let folder = work.file("runs")
        let whole = work.file("whole.safetensors"), resumed = work.file("resumed.safetensors")
        expectSuccess(try await RecurExecutable.run(TinyTraining(data: mnist, steps: 24).arguments(["--save", whole])))
        expectSuccess(
            try await RecurExecutable.run(
                TinyTraining(data: mnist, steps: 12).arguments(["--checkpoint-dir", folder, "--checkpoint-every", "4"])))
        let checkpoints = CheckpointFiles.list(in: folder)
        #expect(checkpoints.map { ($0 as NSString).lastPathComponent } == [
            "checkpoint-000000004.safetensors", "checkpoint-000000008.safetensors", "checkpoint-000000012.safetensors",
        ])
        // Resumed with another thread count: that must not matter either.
        var resume = TinyTraining(data: mnist, steps: 24)
        resume.threads = 2
        let result = try await RecurExecutable.run(resume.arguments(["--resume", folder, "--save", resumed]))
        expectSuccess(result)
        #expect(result.standardOutput.contains("resuming after step 12"))
        #expect(try bytes(resumed) == bytes(whole))
    }

    /// With 20 training samples and batches of 8 an epoch is 3 steps (8, 8, 4):
    /// stopping at step 3 (an epoch's end) or 5 (inside the second epoch)
    /// and resuming to the end of 3 epochs gives the uninterrupted model.
    @Test("resuming across epoch boundaries", arguments: [3, 5])
    func resumeAcrossEpochs(stoppingAt steps: Int) async throws {
        let work = try TemporaryDirectory(prefix: "recur-cli-epochs")
        let data = work.file("data")
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: false)
        try SyntheticMNIST.write(to: data, trainCount: 20, testCount: 10)
        let folder = work.file("runs")
        let whole = work.file("whole.safetensors"), resumed = work.file("resumed.safetensors")
        let training = TinyTraining(data: data)
        expectSuccess(try await RecurExecutable.run(training.arguments(["--epochs", "3", "--save", whole])))
        expectSuccess(
            try await RecurExecutable.run(
                training.arguments(["--epochs", "3", "--steps", "\(steps)", "--checkpoint-dir", folder])))
        #expect(try CheckpointFiles.list(in: folder).last.flatMap(CheckpointFiles.step(of:)) == steps)
        expectSuccess(
            try await RecurExecutable.run(training.arguments(["--epochs", "3", "--resume", folder, "--save", resumed])))
        #expect(try bytes(resumed) == bytes(whole))
    }

    @Test("resuming with another --batch-size is a usage error")
    func conflictingBatchSize() async throws {
        let work = try TemporaryDirectory(prefix: "recur-cli-conflict")
        try SyntheticMNIST.write(to: work.path, trainCount: 40, testCount: 10)
        let folder = work.file("runs")
        expectSuccess(
            try await RecurExecutable.run(TinyTraining(data: work.path, steps: 2).arguments(["--checkpoint-dir", folder])))
        var conflicting = TinyTraining(data: work.path, steps: 4)
        conflicting.batchSize = 16
        let result = try await RecurExecutable.run(conflicting.arguments(["--resume", folder]))
        expectFailure(result, status: 2, mentioning: ["--batch-size 16", "8"])
    }

    @Test("--resume of an empty folder is an error")
    func emptyFolder() async throws {
        let work = try TemporaryDirectory(prefix: "recur-cli-empty")
        try SyntheticMNIST.write(to: work.path, trainCount: 20, testCount: 10)
        let folder = work.file("runs")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
        let result = try await RecurExecutable.run(TinyTraining(data: work.path, steps: 4).arguments(["--resume", folder]))
        expectFailure(result, status: 1, mentioning: ["--resume \(folder)"])
    }
}
