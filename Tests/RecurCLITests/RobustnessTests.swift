import Foundation
import RecurSafetensors
import RecurTestSupport
import Testing

/// Issue #16: nothing a user types or a machine does destroys a file,
/// crashes, hangs or loses progress. Every special file is made inside the
/// test's own temporary folder. Serialized: each test starts processes, and
/// run side by side on a small machine they starve the timing-sensitive
/// signal tests of other suites.
@Suite("Robustness", .serialized)
struct RobustnessTests {
    /// A work folder with a small synthetic MNIST (40 training samples: 5 steps an epoch) in `data/`.
    private func workFolder(_ name: String) throws -> (work: TemporaryDirectory, data: String) {
        let work = try TemporaryDirectory(prefix: "recur-cli-\(name)")
        let data = work.file("data")
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: false)
        try SyntheticMNIST.write(to: data, trainCount: 40, testCount: 10)
        return (work, data)
    }

    private func bytes(_ path: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path)) }

    /// The type bits of `lstat`'s mode (`S_IFIFO`, `S_IFLNK`, ...), nil when nothing is there.
    private func fileType(_ path: String) -> mode_t? {
        var status = stat()
        return lstat(path, &status) == 0 ? status.st_mode & S_IFMT : nil
    }

    private func makeFIFO(_ path: String) throws {
        try #require(mkfifo(path, 0o644) == 0, "mkfifo \(path)")
    }

    /// Rewrites metadata `key` of the safetensors file at `path`.
    private func setMetadata(_ key: String, to value: String, in path: String) throws {
        var file = try SafetensorsFile.read(path: path)
        file.metadata[key] = value
        try file.write(to: path)
    }

    // MARK: 1. --save and bench outputs never replace what is not a regular file

    @Test("--save onto a FIFO, or a symlink to a device, is refused and leaves it alone")
    func saveOntoSpecialFiles() async throws {
        let (work, data) = try workFolder("special")
        let fifo = work.file("pipe")
        try makeFIFO(fifo)
        let toDevice = work.file("null-link")
        try FileManager.default.createSymbolicLink(atPath: toDevice, withDestinationPath: "/dev/null")
        for target in [fifo, toDevice] {
            let result = try await RecurExecutable.run(TinyTraining(data: data, steps: 2).arguments(["--save", target]))
            expectFailure(result, status: 1, mentioning: ["--save", target])
        }
        #expect(fileType(fifo) == S_IFIFO)
        #expect(fileType(toDevice) == S_IFLNK)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: toDevice) == "/dev/null")
        let bench = try await RecurExecutable.run(
            ["bench", "--threads", "1", "--pin", "none", "--hidden", "8", "--layers", "1", "--steps", "1",
             "--warmup", "0", "--repeats", "1", "--batch-size", "8", "--json", fifo])
        expectFailure(bench, status: 1, mentioning: ["--json", fifo])
        #expect(fileType(fifo) == S_IFIFO)
    }

    /// As root a device node can be made; it must survive `--save` onto it.
    @Test("--save onto a character device is refused (as root: a node made in the test's folder)")
    func saveOntoDevice() async throws {
        guard getuid() == 0 else { return }
        let (work, data) = try workFolder("device")
        let device = work.file("null")
        let mknod = Process()
        mknod.executableURL = URL(fileURLWithPath: "/bin/sh")
        mknod.arguments = ["-c", "mknod -m 666 '\(device)' c 1 3"]
        try mknod.run()
        mknod.waitUntilExit()
        try #require(fileType(device) == S_IFCHR, "mknod failed")
        let result = try await RecurExecutable.run(TinyTraining(data: data, steps: 2).arguments(["--save", device]))
        expectFailure(result, status: 1, mentioning: ["--save", device, "device"])
        #expect(fileType(device) == S_IFCHR)
    }

    @Test("--save through a symlink to a regular file replaces that file and keeps the link")
    func saveThroughSymlink() async throws {
        let (work, data) = try workFolder("symlink")
        let real = work.file("real.safetensors"), link = work.file("link.safetensors")
        try Data("old".utf8).write(to: URL(fileURLWithPath: real))
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: real)
        expectSuccess(try await RecurExecutable.run(TinyTraining(data: data, steps: 2).arguments(["--save", link])))
        #expect(fileType(link) == S_IFLNK)
        #expect(try SafetensorsFile.read(path: real).names.contains("fc.weight"))
    }

    // MARK: 2. Large sizes and impossible positions are errors, not crashes

    @Test("a huge --shard-size is refused by the memory check", arguments: ["1000000000", "9223372036854775807"])
    func hugeShardSize(_ size: String) async throws {
        let (work, data) = try workFolder("shard")
        defer { withExtendedLifetime(work) {} }
        let train = try await RecurExecutable.run(
            TinyTraining(data: data, steps: 1).arguments(["--shard-size", size]), memoryLimitKiB: 4_000_000)
        expectFailure(train, status: 1, mentioning: ["--shard-size \(size)", "memory"])
        let bench = try await RecurExecutable.run(
            ["bench", "--threads", "1", "--pin", "none", "--hidden", "8", "--layers", "1", "--steps", "1",
             "--warmup", "0", "--repeats", "1", "--batch-size", "8", "--shard-size", size],
            memoryLimitKiB: 4_000_000)
        #expect(bench.exited(with: 1) && !bench.crashed, "\(bench)")
        #expect(bench.standardError.contains("memory"), "\(bench)")
    }

    @Test("verify with a huge --shard-size is refused by the memory check")
    func verifyHugeShardSize() async throws {
        let reference = try Fixtures.require("rnn-h32-l2-b8.safetensors")
        let result = try await RecurExecutable.run(
            ["verify", "--reference", reference, "--threads", "1", "--pin", "none", "--shard-size", "9223372036854775807"],
            memoryLimitKiB: 4_000_000)
        expectFailure(result, status: 1, mentioning: ["--shard-size 9223372036854775807", "memory"])
    }

    @Test("a checkpoint whose epoch is past the run's epochs, or whose batch index is past an epoch, is refused")
    func impossiblePositions() async throws {
        let (work, data) = try workFolder("position")
        let folder = work.file("runs")
        expectSuccess(
            try await RecurExecutable.run(
                TinyTraining(data: data, steps: 2).arguments(["--checkpoint-dir", folder, "--checkpoint-every", "1"])))
        let checkpoint = try #require(CheckpointFiles.list(in: folder).last)
        let original = try bytes(checkpoint)
        try setMetadata("training.epoch", to: "7", in: checkpoint)
        let pastEpochs = try await RecurExecutable.run(TinyTraining(data: data, steps: 20).arguments(["--resume", folder]))
        expectFailure(pastEpochs, status: 2, mentioning: [checkpoint, "--epochs"])
        try original.write(to: URL(fileURLWithPath: checkpoint))
        try setMetadata("training.batch_index", to: "99", in: checkpoint)
        let pastEpochEnd = try await RecurExecutable.run(TinyTraining(data: data, steps: 20).arguments(["--resume", folder]))
        expectFailure(pastEpochEnd, status: 1, mentioning: [checkpoint, "batch_index"])
    }

    @Test("a batch larger than the training set is a usage error")
    func batchLargerThanData() async throws {
        let (work, data) = try workFolder("batch")
        defer { withExtendedLifetime(work) {} }
        var training = TinyTraining(data: data, steps: 1)
        training.batchSize = 41
        let result = try await RecurExecutable.run(training.arguments())
        expectFailure(result, status: 2, mentioning: ["--batch-size 41", "40"])
    }

    // MARK: 3. Model and reference files are checked before they are read

    @Test("eval, verify and --resume refuse /dev/zero, a FIFO and a huge sparse file at once")
    func unreadableModelFiles() async throws {
        let (work, data) = try workFolder("modelfiles")
        let fifo = work.file("model.fifo")
        try makeFIFO(fifo)
        let sparse = work.file("sparse.safetensors")
        _ = FileManager.default.createFile(atPath: sparse, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: sparse))
        try handle.truncate(atOffset: 40 << 30)
        try handle.close()
        // A hang or a huge read would run into the time limit (a failure, as a crash is).
        for path in ["/dev/zero", fifo, sparse] {
            let eval = try await RecurExecutable.run(
                ["eval", "--load", path, "--data", data, "--threads", "1", "--pin", "none"],
                memoryLimitKiB: 4_000_000, timeout: .seconds(60))
            expectFailure(eval, status: 1, mentioning: [path])
            let verify = try await RecurExecutable.run(
                ["verify", "--reference", path, "--threads", "1", "--pin", "none"],
                memoryLimitKiB: 4_000_000, timeout: .seconds(60))
            expectFailure(verify, status: 1, mentioning: [path])
        }
        let folder = work.file("runs")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
        try makeFIFO("\(folder)/checkpoint-000000003.safetensors")
        let resume = try await RecurExecutable.run(
            TinyTraining(data: data, steps: 4).arguments(["--resume", folder]), timeout: .seconds(30))
        expectFailure(resume, status: 1, mentioning: ["checkpoint-000000003.safetensors"])
    }

    // MARK: 4. Resume chooses by the step inside; foreign files are left alone

    @Test("foreign files in a checkpoint folder are never chosen nor deleted")
    func foreignCheckpointFiles() async throws {
        let (work, data) = try workFolder("foreign")
        let folder = work.file("runs")
        let whole = work.file("whole.safetensors"), resumed = work.file("resumed.safetensors")
        expectSuccess(try await RecurExecutable.run(TinyTraining(data: data, steps: 12).arguments(["--save", whole])))
        expectSuccess(
            try await RecurExecutable.run(
                TinyTraining(data: data, steps: 6).arguments(["--checkpoint-dir", folder, "--checkpoint-every", "2"])))
        let first = try #require(CheckpointFiles.list(in: folder).first)
        #expect(try CheckpointFiles.step(of: first) ?? 6 < 6)
        // Names that sort after the newest: a "best" copy, a canonical name
        // whose file says another step, and a number with an extra zero.
        let foreign = ["checkpoint-best.safetensors", "checkpoint-999999999.safetensors", "checkpoint-0000000007.safetensors"]
        for name in foreign { try FileManager.default.copyItem(atPath: first, toPath: "\(folder)/\(name)") }
        let result = try await RecurExecutable.run(
            TinyTraining(data: data, steps: 12).arguments(["--resume", folder, "--checkpoint-every", "1", "--save", resumed]))
        expectSuccess(result)
        #expect(result.standardOutput.contains("resuming after step 6"), "\(result)")
        #expect(try bytes(resumed) == bytes(whole))
        let left = try FileManager.default.contentsOfDirectory(atPath: folder)
        for name in foreign { #expect(left.contains(name), "\(name) was deleted: \(left)") }
    }

    // MARK: 5. One run per checkpoint folder

    @Test("a second run on a checkpoint folder in use is refused, naming the first; a killed run leaves no lock")
    func checkpointFolderLock() async throws {
        let (work, data) = try workFolder("lock")
        let folder = work.file("runs")
        let first = try RunningCommand(
            TinyTraining(data: data, steps: 1_000_000).arguments(
                ["--epochs", "1000000", "--checkpoint-dir", folder, "--checkpoint-every", "50"]))
        let deadline = ContinuousClock.now + .seconds(60)
        while CheckpointFiles.list(in: folder).isEmpty && first.isRunning && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        try #require(!CheckpointFiles.list(in: folder).isEmpty)
        let second = try await RecurExecutable.run(
            TinyTraining(data: data, steps: 3).arguments(["--checkpoint-dir", folder]))
        expectFailure(second, status: 1, mentioning: [folder, "in use", "pid \(first.processIdentifier)"])
        let resumed = try await RecurExecutable.run(TinyTraining(data: data, steps: 3).arguments(["--resume", folder]))
        expectFailure(resumed, status: 1, mentioning: [folder, "in use"])
        first.send(SIGKILL)
        _ = try await first.wait(timeout: .seconds(10))
        let newest = try #require(CheckpointFiles.list(in: folder).last)
        let target = try #require(try CheckpointFiles.step(of: newest)) + 1
        expectSuccess(
            try await RecurExecutable.run(
                TinyTraining(data: data, steps: target).arguments(["--epochs", "1000000", "--resume", folder])))
    }

    // MARK: 6. Signals save the run

    /// Starts a long checkpointing run and waits for its first checkpoint.
    private func startedRun(data: String, folder: String, extra: [String] = []) async throws -> RunningCommand {
        let running = try RunningCommand(
            TinyTraining(data: data, steps: 1_000_000).arguments(
                ["--epochs", "1000000", "--checkpoint-dir", folder, "--checkpoint-every", "1000"] + extra))
        // The run has started training once its start line is out.
        let deadline = ContinuousClock.now + .seconds(60)
        while running.isRunning && ContinuousClock.now < deadline && !FileManager.default.fileExists(atPath: folder) {
            try await Task.sleep(for: .milliseconds(20))
        }
        try await Task.sleep(for: .milliseconds(300))
        return running
    }

    @Test("two quick SIGINTs still save a checkpoint and exit 130")
    func doubleInterrupt() async throws {
        let (work, data) = try workFolder("double-sigint")
        let folder = work.file("runs")
        let running = try await startedRun(data: data, folder: folder)
        running.send(SIGINT)
        // Far enough apart to be two signals, not one pending twice; well within a step and its save.
        try await Task.sleep(for: .milliseconds(60))
        let stillRunning = running.isRunning
        running.send(SIGINT)
        let result = try await running.wait(timeout: .seconds(30))
        #expect(result.exited(with: 130), "\(result)")
        if stillRunning {
            #expect(result.standardError.contains("again to quit without saving"), "\(result)")
        }
        let newest = try #require(CheckpointFiles.list(in: folder).last, "\(result)")
        #expect(try CheckpointFiles.step(of: newest) ?? 0 > 0)
    }

    @Test("SIGHUP saves a checkpoint like SIGTERM and exits 129")
    func hangUp() async throws {
        let (work, data) = try workFolder("sighup")
        let folder = work.file("runs")
        let running = try await startedRun(data: data, folder: folder)
        running.send(SIGHUP)
        let result = try await running.wait(timeout: .seconds(30))
        #expect(result.exited(with: 129), "\(result)")
        #expect(result.standardError.contains("SIGHUP"), "\(result)")
        #expect(!CheckpointFiles.list(in: folder).isEmpty, "\(result)")
    }

    @Test("a closed stdout stops the output, not the training or its --save")
    func closedStandardOutput() async throws {
        let (work, data) = try workFolder("sigpipe")
        let model = work.file("m.safetensors"), status = work.file("status")
        let executable = try RecurExecutable.path()
        let arguments = TinyTraining(data: data, steps: 30).arguments(["--json", "--save", model])
        let quoted = ([executable] + arguments).map { "'\($0)'" }.joined(separator: " ")
        let shell = Process()
        shell.executableURL = URL(fileURLWithPath: "/bin/sh")
        // Steps print a line each 100: the summary and epoch lines come after head has gone.
        shell.arguments = ["-c", "( \(quoted) 2>/dev/null; echo $? > '\(status)' ) | head -1 > /dev/null"]
        try shell.run()
        shell.waitUntilExit()
        #expect(try String(contentsOfFile: status, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines) == "0")
        #expect(try SafetensorsFile.read(path: model).names.contains("fc.weight"))
    }

    // MARK: 7. Stale temporary files

    @Test("temporary files of dead writers are removed at start; others are kept")
    func staleTemporaryFiles() async throws {
        let (work, data) = try workFolder("stale")
        let folder = work.file("runs")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
        let gone = Process()
        gone.executableURL = URL(fileURLWithPath: "/bin/true")
        try gone.run()
        gone.waitUntilExit()
        let dead = gone.processIdentifier, alive = getpid()
        let stale = ".checkpoint-000000002.safetensors.tmp-\(dead)-1"
        let kept = [".checkpoint-000000002.safetensors.tmp-\(alive)-1", ".notes.txt.tmp-\(dead)-1"]
        for name in [stale] + kept { try Data("partial".utf8).write(to: URL(fileURLWithPath: "\(folder)/\(name)")) }
        expectSuccess(try await RecurExecutable.run(TinyTraining(data: data, steps: 2).arguments(["--checkpoint-dir", folder])))
        let left = try FileManager.default.contentsOfDirectory(atPath: folder)
        #expect(!left.contains(stale), "\(left)")
        for name in kept { #expect(left.contains(name), "\(left)") }
    }

    // MARK: 8. Non-finite weights

    @Test("eval and --resume refuse a checkpoint holding NaN or infinity, naming the tensor")
    func nonFiniteWeights() async throws {
        let (work, data) = try workFolder("nan")
        let folder = work.file("runs")
        expectSuccess(try await RecurExecutable.run(TinyTraining(data: data, steps: 2).arguments(["--checkpoint-dir", folder])))
        let checkpoint = try #require(CheckpointFiles.list(in: folder).last)
        var file = try SafetensorsFile.read(path: checkpoint)
        let bias = try file.floats(named: "fc.bias")
        try file.set(Tensor(floats: [.nan] + bias.dropFirst(), shape: [bias.count]), named: "fc.bias")
        let weights = try file.floats(named: "rnn.weight_hh_l0")
        try file.set(Tensor(floats: weights.dropLast() + [.infinity], shape: [8, 8]), named: "rnn.weight_hh_l0")
        try file.write(to: checkpoint)
        let eval = try await RecurExecutable.run(["eval", "--load", checkpoint, "--data", data, "--threads", "1", "--pin", "none"])
        expectFailure(eval, status: 1, mentioning: [checkpoint, "non-finite"])
        #expect(eval.errorLines.first?.contains("rnn.weight_hh_l0") == true || eval.errorLines.first?.contains("fc.bias") == true)
        let resume = try await RecurExecutable.run(TinyTraining(data: data, steps: 4).arguments(["--resume", folder]))
        expectFailure(resume, status: 1, mentioning: [checkpoint, "non-finite"])
    }

    @Test("a diverging run that checkpoints every step never saves a non-finite value")
    func divergingRunSavesOnlyFiniteValues() async throws {
        let (work, data) = try workFolder("diverge-every-step")
        let folder = work.file("runs")
        for rate in ["1e30", "1e20", "1e10"] {
            let result = try await RecurExecutable.run(
                TinyTraining(data: data, steps: 200).arguments(
                    ["--lr=\(rate)", "--checkpoint-dir", "\(folder)-\(rate)", "--checkpoint-every", "1",
                     "--save", work.file("model-\(rate).safetensors")]))
            #expect(result.exited(with: 1) || result.exited(with: 0), "\(result)")
            #expect(!result.crashed, "\(result)")
            let files = CheckpointFiles.list(in: "\(folder)-\(rate)") + [work.file("model-\(rate).safetensors")]
            for path in files where FileManager.default.fileExists(atPath: path) {
                let file = try SafetensorsFile.read(path: path)
                for name in file.names {
                    let values = try file.floats(named: name)
                    #expect(values.allSatisfy { $0.isFinite }, "\(path): \(name) is not finite")
                }
            }
        }
    }

    // MARK: 9. Smaller things

    @Test("a diverged run's --json ends with an error event")
    func divergedJSON() async throws {
        let (work, data) = try workFolder("diverged-json")
        defer { withExtendedLifetime(work) {} }
        let result = try await RecurExecutable.run(TinyTraining(data: data, steps: 200).arguments(["--lr=1e30", "--json"]))
        #expect(result.exited(with: 1), "\(result)")
        let last = try #require(result.outputLines.last)
        let object = try JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any]
        #expect(object?["event"] as? String == "error", "\(result)")
        #expect((object?["message"] as? String)?.contains("diverged") == true, "\(result)")
        #expect(object?["exit_code"] as? Int == 1, "\(result)")
    }

    /// Finite but huge weights overflow the logits, so the test loss is not a
    /// number: JSON has no NaN, so it must be null, not the string "NaN".
    @Test("eval --json writes a loss that is not a number as null, never as a string")
    func evalJSONNonFiniteLoss() async throws {
        let (work, data) = try workFolder("eval-json")
        let model = work.file("model.safetensors")
        expectSuccess(try await RecurExecutable.run(TinyTraining(data: data, steps: 2).arguments(["--save", model])))
        var file = try SafetensorsFile.read(path: model)
        try file.set(Tensor(floats: (0..<10).map { $0 % 2 == 0 ? 3e38 : -3e38 }, shape: [10]), named: "fc.bias")
        try file.write(to: model)
        let result = try await RecurExecutable.run(
            ["eval", "--load", model, "--data", data, "--threads", "1", "--pin", "none", "--json"])
        expectSuccess(result)
        let object = try JSONSerialization.jsonObject(with: Data(try #require(result.outputLines.last).utf8)) as? [String: Any]
        let loss = try #require(object?["test_loss"], "\(result)")
        #expect(loss is NSNumber || loss is NSNull, "\(result)")
        #expect(!(loss is String), "\(result)")
    }

    @Test("--save may go into the folder --checkpoint-dir creates")
    func saveIntoNewCheckpointFolder() async throws {
        let (work, data) = try workFolder("save-in-dir")
        let folder = work.file("runs")
        let result = try await RecurExecutable.run(
            TinyTraining(data: data, steps: 2).arguments(["--checkpoint-dir", folder, "--save", "\(folder)/model.safetensors"]))
        expectSuccess(result)
        #expect(try SafetensorsFile.read(path: "\(folder)/model.safetensors").names.contains("fc.weight"))
    }

    @Test("every error message starts with 'recur: '")
    func oneErrorPrefix() async throws {
        let (work, data) = try workFolder("prefix")
        for arguments in [
            ["eval", "--load", work.file("absent.safetensors"), "--data", data],
            ["train", "--no-such-option"], ["train", "--data", data, "--threads", "0"],
        ] {
            let result = try await RecurExecutable.run(arguments)
            #expect(result.errorLines.first?.hasPrefix("recur: ") == true, "\(result)")
        }
    }
}
