import Foundation
import RecurSafetensors
import RecurTestSupport
import Testing

/// Unusable checkpoints and unwritable save paths end with exit status 1 and
/// a message naming the file; a failed save leaves what was there untouched.
@Suite("Checkpoint errors")
struct CheckpointErrorTests {
    /// A work folder with a small synthetic MNIST in `data/`.
    private func workFolder() throws -> (work: TemporaryDirectory, data: String) {
        let work = try TemporaryDirectory(prefix: "recur-cli-checkpoint")
        let data = work.file("data")
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: false)
        try SyntheticMNIST.write(to: data, trainCount: 20, testCount: 10)
        return (work, data)
    }

    /// Trains two steps and saves the model to `path`.
    private func saveModel(data: String, to path: String) async throws {
        expectSuccess(try await RecurExecutable.run(TinyTraining(data: data, steps: 2).arguments(["--save", path])))
    }

    @Test("--load of a file that is not safetensors")
    func loadNotSafetensors() async throws {
        let (work, data) = try workFolder()
        let path = work.file("notes.safetensors")
        try Data("hello, world\n".utf8).write(to: URL(fileURLWithPath: path))
        let result = try await RecurExecutable.run(TinyTraining(data: data, steps: 1).arguments(["--load", path]))
        expectFailure(result, status: 1, mentioning: [path])
    }

    @Test("--load of a truncated checkpoint")
    func loadTruncated() async throws {
        let (work, data) = try workFolder()
        let model = work.file("model.safetensors")
        try await saveModel(data: data, to: model)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: model))
        try bytes.prefix(bytes.count - 100).write(to: URL(fileURLWithPath: model))
        let result = try await RecurExecutable.run(TinyTraining(data: data, steps: 1).arguments(["--load", model]))
        expectFailure(result, status: 1, mentioning: [model])
    }

    @Test("--load of a checkpoint missing a tensor")
    func loadMissingTensor() async throws {
        let (work, data) = try workFolder()
        let model = work.file("model.safetensors")
        try await saveModel(data: data, to: model)
        var file = try SafetensorsFile.read(path: model)
        try #require(file.removeTensor(named: "fc.bias") != nil)
        try file.write(to: model)
        let result = try await RecurExecutable.run(TinyTraining(data: data, steps: 1).arguments(["--load", model]))
        expectFailure(result, status: 1, mentioning: [model, "fc.bias"])
    }

    @Test("--load of a checkpoint for another hidden size names the option to change")
    func loadOtherShape() async throws {
        let (work, data) = try workFolder()
        let model = work.file("model.safetensors")
        try await saveModel(data: data, to: model)
        let result = try await RecurExecutable.run(
            TinyTraining(data: data, steps: 1).arguments(["--hidden", "16", "--load", model]))
        expectFailure(result, status: 1, mentioning: [model, "--hidden 8"])
    }

    @Test("--resume from a checkpoint missing an optimizer tensor")
    func resumeIncompleteOptimizer() async throws {
        let (work, data) = try workFolder()
        let folder = work.file("runs")
        expectSuccess(
            try await RecurExecutable.run(TinyTraining(data: data, steps: 2).arguments(["--checkpoint-dir", folder])))
        let checkpoints = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasPrefix("checkpoint-") }
        let checkpoint = "\(folder)/\(try #require(checkpoints.max()))"
        var file = try SafetensorsFile.read(path: checkpoint)
        try #require(file.removeTensor(named: "optimizer.exp_avg_sq.fc.weight") != nil)
        try file.write(to: checkpoint)
        let result = try await RecurExecutable.run(TinyTraining(data: data, steps: 4).arguments(["--resume", folder]))
        expectFailure(result, status: 1, mentioning: [checkpoint, "optimizer.exp_avg_sq.fc.weight"])
    }

    @Test("eval --load of a missing file")
    func evalMissingFile() async throws {
        let (work, data) = try workFolder()
        let path = work.file("absent.safetensors")
        let result = try await RecurExecutable.run(["eval", "--load", path, "--data", data, "--threads", "1", "--pin", "none"])
        expectFailure(result, status: 1, mentioning: [path])
    }

    @Test("--save into a folder that does not exist")
    func saveIntoMissingFolder() async throws {
        let (work, data) = try workFolder()
        let path = work.file("missing/model.safetensors")
        let result = try await RecurExecutable.run(TinyTraining(data: data, steps: 2).arguments(["--save", path]))
        expectFailure(result, status: 1, mentioning: [path])
        #expect(!FileManager.default.fileExists(atPath: work.file("missing")))
    }

    /// The target exists and the final rename over it fails (a directory
    /// cannot be replaced by a file): the directory and its contents stay,
    /// and no temporary file is left next to it.
    @Test("--save onto an existing directory leaves it untouched")
    func saveOntoDirectory() async throws {
        let (work, data) = try workFolder()
        let target = work.file("model.safetensors")
        try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: false)
        try Data("keep me".utf8).write(to: URL(fileURLWithPath: "\(target)/inside"))
        let before = try FileManager.default.contentsOfDirectory(atPath: work.path).sorted()
        let result = try await RecurExecutable.run(TinyTraining(data: data, steps: 2).arguments(["--save", target]))
        expectFailure(result, status: 1, mentioning: [target])
        #expect(try FileManager.default.contentsOfDirectory(atPath: target) == ["inside"])
        #expect(try String(contentsOfFile: "\(target)/inside", encoding: .utf8) == "keep me")
        #expect(try FileManager.default.contentsOfDirectory(atPath: work.path).sorted() == before)
    }

    /// A model too large for memory must be refused with a message, not a trap.
    @Test(
        "a model too large to allocate is an error, not a crash")
    func modelTooLargeToAllocate() async throws {
        let (work, data) = try workFolder()
        let result = try await RecurExecutable.run(
            TinyTraining(data: data, steps: 1).arguments(["--hidden", "65536", "--layers", "64"]),
            in: work.path, memoryLimitKiB: 4_000_000)
        #expect(!result.crashed, "\(result)")
        #expect(result.exited(with: 1), "\(result)")
    }
}
