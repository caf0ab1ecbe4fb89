import Foundation
import RecurTestSupport
import Testing

/// A run whose loss stops being a number ends with a message and status 1,
/// and keeps the checkpoints written before.
@Suite("Divergence")
struct DivergenceTests {
    @Test("a huge learning rate stops training with a clear message and keeps the last good checkpoint")
    func hugeLearningRate() async throws {
        let work = try TemporaryDirectory(prefix: "recur-cli-diverge")
        let data = work.file("data")
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: false)
        try SyntheticMNIST.write(to: data, trainCount: 40, testCount: 10)
        let folder = work.file("checkpoints")
        // A good run leaves a checkpoint after its epoch of 5 steps; a new run
        // into the same folder at an absurd rate diverges before its first.
        let good = TinyTraining(data: data, steps: 5).arguments(["--checkpoint-dir", folder])
        expectSuccess(try await RecurExecutable.run(good))
        let saved = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
        let diverging = TinyTraining(data: data, steps: 200).arguments(["--lr=1e30", "--checkpoint-dir", folder])
        let result = try await RecurExecutable.run(diverging)
        expectFailure(result, status: 1, mentioning: ["diverged"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).sorted() == saved)
        let kept = try #require(saved.last)
        #expect(result.standardError.contains(kept), "\(result)")
    }
}
