import Foundation
import RecurSafetensors
import RecurTestSupport
import Testing

/// `kill -9` at any moment, even in the middle of writing a checkpoint,
/// leaves only whole checkpoint files, and resuming from what is left gives
/// the bytes of an uninterrupted run.
@Suite("Kill during write")
struct KillDuringWriteTests {
    @Test("runs killed at random moments while checkpointing every step resume bit-identically")
    func killedRunsResume() async throws {
        let work = try TemporaryDirectory(prefix: "recur-cli-kill")
        let data = work.file("data")
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: false)
        try SyntheticMNIST.write(to: data, trainCount: 64, testCount: 10)
        let folder = work.file("runs")
        let target = 400
        var training = TinyTraining(data: data, steps: target)
        training.batchSize = 8
        let whole = work.file("whole.safetensors"), resumed = work.file("resumed.safetensors")
        expectSuccess(try await RecurExecutable.run(training.arguments(["--epochs", "100", "--save", whole])))

        var random = SplitMix(state: 16)
        var kills = 0
        for round in 0..<6 {
            let previous = Self.newestStep(in: folder)
            let running = try RunningCommand(
                training.arguments(
                    ["--epochs", "100", "--checkpoint-every", "1"]
                        + (previous != nil ? ["--resume", folder] : ["--checkpoint-dir", folder])))
            // Once this run has saved a checkpoint of its own (however slow its
            // start-up on a loaded machine), kill it at a random moment of the
            // steps and writes that follow.
            running.send(
                SIGKILL, once: { Self.newestStep(in: folder) ?? -1 > previous ?? -1 },
                after: .milliseconds(Int(random.next() % 250)))
            let result = try await running.wait(timeout: .seconds(90))
            let finished = result.signal == nil
            if !finished { kills += 1 }
            #expect(result.signal == SIGKILL || (result.status == 0 && !result.timedOut), "round \(round): \(result)")
            for file in CheckpointFiles.list(in: folder) {
                let read = try SafetensorsFile.read(path: file)
                #expect(read.metadata["format"] == "recur-checkpoint", "\(file)")
                #expect(read.names.contains("optimizer.exp_avg_sq.fc.weight"), "\(file)")
            }
        }
        #expect(kills > 0)
        let newest = try #require(CheckpointFiles.list(in: folder).last)
        let step = try #require(try CheckpointFiles.step(of: newest))
        try #require(step < target, "no run was killed before the end")
        let result = try await RecurExecutable.run(
            training.arguments(["--epochs", "100", "--checkpoint-every", "1", "--resume", folder, "--save", resumed]))
        expectSuccess(result)
        #expect(result.standardOutput.contains("resuming after step \(step)"), "\(result)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: resumed)) == Data(contentsOf: URL(fileURLWithPath: whole)))
        // The last run removed the temporary files the killed ones left.
        let left = try FileManager.default.contentsOfDirectory(atPath: folder)
        #expect(!left.contains { $0.contains(".tmp-") }, "\(left)")
    }

    /// The step in the name of the newest checkpoint in `folder`, nil when
    /// there is none (by name: a running trainer may remove the file before
    /// it is read).
    private static func newestStep(in folder: String) -> Int? {
        CheckpointFiles.list(in: folder).last.flatMap {
            Int($0.dropFirst(folder.count + "/checkpoint-".count).prefix(9))
        }
    }
}

/// A small seeded generator (SplitMix64), so the kill moments repeat.
private struct SplitMix {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
