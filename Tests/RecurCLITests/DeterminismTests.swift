import Foundation
import RecurTestSupport
import Testing

/// For a fixed seed, batch size and shard size, the saved model is
/// byte-identical at every thread count and pinning mode.
@Suite("Determinism")
struct DeterminismTests {
    /// Trains 20 steps with `training` at each `(threads, pin)` and returns the saved files' bytes.
    private func savedModels(_ training: TinyTraining, _ settings: [(threads: Int, pin: String)]) async throws -> [Data] {
        let work = try TemporaryDirectory(prefix: "recur-cli-determinism")
        var models: [Data] = []
        for (index, setting) in settings.enumerated() {
            var run = training
            run.threads = setting.threads
            run.pin = setting.pin
            let path = work.file("model-\(index).safetensors")
            expectSuccess(try await RecurExecutable.run(run.arguments(["--save", path])))
            models.append(try Data(contentsOf: URL(fileURLWithPath: path)))
        }
        return models
    }

    @Test("1, 2, 3 and 4 threads, pinned or not, save the same bytes")
    func threadCounts() async throws {
        let training = TinyTraining(data: try Fixtures.requireMNIST(), steps: 20)
        let settings = [(1, "none"), (2, "none"), (3, "none"), (4, "none"), (1, "core"), (2, "core")]
        let models = try await savedModels(training, settings.map { (threads: $0.0, pin: $0.1) })
        #expect(models[0].count > 10_000)
        for (setting, model) in zip(settings, models).dropFirst() {
            #expect(model == models[0], "--threads \(setting.0) --pin \(setting.1) differs from --threads 1 --pin none")
        }
    }

    @Test("uneven shards (batch 10, shards of 3) at 1 and 3 threads save the same bytes")
    func unevenShards() async throws {
        var training = TinyTraining(data: try Fixtures.requireMNIST(), steps: 20)
        training.batchSize = 10
        training.shardSize = 3
        let models = try await savedModels(training, [(1, "none"), (3, "none")])
        #expect(models[0] == models[1])
    }

    @Test("passes of 1, 2 and 16 samples through the data path save the same bytes")
    func passSizes() async throws {
        let training = TinyTraining(data: try Fixtures.requireMNIST(), steps: 20, shardSize: 1)
        let work = try TemporaryDirectory(prefix: "recur-cli-passes")
        var models: [Data] = []
        for samples in [1, 2, 16] {
            let path = work.file("model-\(samples).safetensors")
            expectSuccess(try await RecurExecutable.run(training.arguments(["--pass-samples", "\(samples)", "--save", path])))
            models.append(try Data(contentsOf: URL(fileURLWithPath: path)))
        }
        #expect(models[0].count > 10_000)
        #expect(models[1] == models[0], "--pass-samples 2 differs from 1")
        #expect(models[2] == models[0], "--pass-samples 16 differs from 1")
    }

    @Test("another seed gives another model")
    func seedMatters() async throws {
        let data = try TemporaryDirectory(prefix: "recur-cli-data")
        try SyntheticMNIST.write(to: data.path, trainCount: 40, testCount: 10)
        let work = try TemporaryDirectory(prefix: "recur-cli-seed")
        for seed in [1, 2] {
            let arguments = TinyTraining(data: data.path, steps: 3).arguments(
                ["--seed", "\(seed)", "--save", work.file("seed-\(seed).safetensors")])
            expectSuccess(try await RecurExecutable.run(arguments))
        }
        let first = try Data(contentsOf: URL(fileURLWithPath: work.file("seed-1.safetensors")))
        let second = try Data(contentsOf: URL(fileURLWithPath: work.file("seed-2.safetensors")))
        #expect(first != second)
    }
}
