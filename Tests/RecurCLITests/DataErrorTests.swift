import Foundation
import RecurTestSupport
import Testing

/// Missing or broken MNIST files end with exit status 1 and a message naming
/// the folder or file, never a crash.
@Suite("Data errors")
struct DataErrorTests {
    /// `recur train` on `directory` with a tiny model.
    private func train(on directory: String) async throws -> CommandResult {
        try await RecurExecutable.run(TinyTraining(data: directory, steps: 2).arguments())
    }

    /// A folder holding the four MNIST files of `mnist`, copied (so they can be changed).
    private func copyOfMNIST(_ mnist: String) throws -> TemporaryDirectory {
        let copy = try TemporaryDirectory(prefix: "recur-cli-mnist")
        for name in try FileManager.default.contentsOfDirectory(atPath: mnist) where name.contains("-idx") {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: "\(mnist)/\(name)"))
            try bytes.write(to: URL(fileURLWithPath: copy.file(name)))
        }
        return copy
    }

    /// The path of the training images in `directory`, as the gz file or the plain one.
    private func trainImages(in directory: String) throws -> String {
        let names = try FileManager.default.contentsOfDirectory(atPath: directory)
        let name = try #require(names.first { $0.hasPrefix(SyntheticMNIST.imageFile) })
        return "\(directory)/\(name)"
    }

    @Test("--data naming a missing folder")
    func missingFolder() async throws {
        let result = try await train(on: "/nonexistent/recur-mnist")
        expectFailure(result, status: 1, mentioning: ["--data /nonexistent/recur-mnist", "no such directory"])
    }

    @Test("--data naming a folder without the training images")
    func missingFile() async throws {
        let data = try TemporaryDirectory(prefix: "recur-cli-data")
        try SyntheticMNIST.write(to: data.path, trainCount: 20, testCount: 10)
        try FileManager.default.removeItem(atPath: data.file(SyntheticMNIST.imageFile))
        let result = try await train(on: data.path)
        expectFailure(result, status: 1, mentioning: [data.path, SyntheticMNIST.imageFile])
    }

    @Test("a truncated train-images gzip file")
    func truncatedGzip() async throws {
        let data = try copyOfMNIST(try Fixtures.requireMNIST())
        let images = try trainImages(in: data.path)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: images))
        try bytes.prefix(bytes.count / 10).write(to: URL(fileURLWithPath: images))
        let result = try await train(on: data.path)
        expectFailure(result, status: 1, mentioning: [images, "truncated"])
    }

    /// Damages the gzip trailer's CRC: the whole stream decompresses, then
    /// fails its check. (Damage inside the deflate data can make the debug
    /// build's decompressor spend seconds growing its buffer first.)
    @Test("a train-images gzip file with a damaged checksum")
    func corruptGzip() async throws {
        let data = try copyOfMNIST(try Fixtures.requireMNIST())
        let images = try trainImages(in: data.path)
        try #require(images.hasSuffix(".gz"))
        var bytes = try Data(contentsOf: URL(fileURLWithPath: images))
        for offset in (bytes.count - 8)..<(bytes.count - 4) { bytes[offset] ^= 0x5A }
        try bytes.write(to: URL(fileURLWithPath: images))
        let result = try await train(on: data.path)
        expectFailure(result, status: 1, mentioning: [images, "corrupt"])
    }

    @Test("a train-images file shorter than its header")
    func truncatedHeader() async throws {
        let data = try TemporaryDirectory(prefix: "recur-cli-data")
        try SyntheticMNIST.write(to: data.path, trainCount: 20, testCount: 10)
        try SyntheticMNIST.images(count: 20, seed: 1).prefix(10)
            .write(to: URL(fileURLWithPath: data.file(SyntheticMNIST.imageFile)))
        let result = try await train(on: data.path)
        expectFailure(result, status: 1, mentioning: [data.file(SyntheticMNIST.imageFile), "header"])
    }

    @Test("a train-images header promising 2^32-1 images")
    func hostileImageCount() async throws {
        let data = try TemporaryDirectory(prefix: "recur-cli-data")
        try SyntheticMNIST.write(to: data.path, trainCount: 20, testCount: 10)
        var images = SyntheticMNIST.images(count: 20, seed: 1)
        images.replaceSubrange(4..<8, with: [0xFF, 0xFF, 0xFF, 0xFF])
        try images.write(to: URL(fileURLWithPath: data.file(SyntheticMNIST.imageFile)))
        let result = try await train(on: data.path)
        expectFailure(result, status: 1, mentioning: [data.file(SyntheticMNIST.imageFile)])
    }

    @Test("labels and images disagree on the sample count")
    func countMismatch() async throws {
        let data = try TemporaryDirectory(prefix: "recur-cli-data")
        try SyntheticMNIST.write(to: data.path, trainCount: 20, testCount: 10)
        try SyntheticMNIST.labels(count: 19).write(to: URL(fileURLWithPath: data.file(SyntheticMNIST.labelFile)))
        let result = try await train(on: data.path)
        expectFailure(
            result, status: 1, mentioning: [data.file(SyntheticMNIST.labelFile), "19 labels", "20 images"])
    }

    @Test("a label that is not a digit")
    func labelOutOfRange() async throws {
        let data = try TemporaryDirectory(prefix: "recur-cli-data")
        try SyntheticMNIST.write(to: data.path, trainCount: 20, testCount: 10)
        var labels = SyntheticMNIST.labels(count: 20)
        labels[labels.count - 1] = 10
        try labels.write(to: URL(fileURLWithPath: data.file(SyntheticMNIST.labelFile)))
        let result = try await train(on: data.path)
        expectFailure(result, status: 1, mentioning: [data.file(SyntheticMNIST.labelFile), "label 10"])
    }

    @Test("eval with a broken test set")
    func evalBrokenTestSet() async throws {
        let work = try TemporaryDirectory(prefix: "recur-cli-eval")
        let data = work.file("data")
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: false)
        try SyntheticMNIST.write(to: data, trainCount: 20, testCount: 10)
        let model = work.file("model.safetensors")
        expectSuccess(try await RecurExecutable.run(TinyTraining(data: data, steps: 1).arguments(["--save", model])))
        try SyntheticMNIST.labels(count: 9).write(to: URL(fileURLWithPath: "\(data)/\(SyntheticMNIST.testLabelFile)"))
        let result = try await RecurExecutable.run(["eval", "--load", model, "--data", data, "--threads", "1", "--pin", "none"])
        expectFailure(result, status: 1, mentioning: ["\(data)/\(SyntheticMNIST.testLabelFile)"])
    }
}
