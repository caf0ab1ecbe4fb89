import Foundation
import RecurTestSupport
import Testing

/// `recur train`, `eval` and `predict` on sequence data of any shape:
/// `.ts` folders and files, safetensors files with lengths, normalisation
/// through a checkpoint, unequal lengths at any thread count, and the errors.
@Suite("Own data")
struct OwnDataTests {
    static let model = ["--cell", "gru", "--hidden", "8", "--layers", "1", "--head", "last", "--pin", "none"]

    func bytes(_ path: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path)) }

    @Test("unequal lengths: the same model bytes at 1-4 threads, whatever the padding holds")
    func unequalLengthsAreDeterministicAndIgnorePadding() async throws {
        let work = try TemporaryDirectory(prefix: "recur-own-data")
        let files = SequenceFiles()
        try files.writeSafetensors(work.file("large.safetensors"))
        try files.writeSafetensors(work.file("zero.safetensors"), padding: { _ in 0 })
        var models: [Data] = []
        for threads in 1...4 {
            let path = work.file("model-\(threads).safetensors")
            let result = try await RecurExecutable.run(
                ["train", "--data", work.file("large.safetensors"), "--epochs", "2", "--batch-size", "8", "--threads", "\(threads)", "--save", path]
                    + Self.model)
            expectSuccess(result)
            models.append(try bytes(path))
        }
        for (threads, model) in zip(2..., models.dropFirst()) { #expect(model == models[0], "--threads \(threads) differs from 1") }
        let zero = work.file("model-zero.safetensors")
        expectSuccess(try await RecurExecutable.run(
            ["train", "--data", work.file("zero.safetensors"), "--epochs", "2", "--batch-size", "8", "--threads", "2", "--save", zero]
                + Self.model))
        #expect(try bytes(zero) == models[0], "zero padding gives another model than large padding")
    }

    @Test("--head all with unequal lengths is refused, naming --head last")
    func headAllNeedsEqualLengths() async throws {
        let work = try TemporaryDirectory(prefix: "recur-own-data")
        try SequenceFiles().writeTSFolder(work.file("toy"))
        let result = try await RecurExecutable.run(["train", "--data", work.file("toy"), "--hidden", "8", "--layers", "1", "--epochs", "1"])
        expectFailure(result, status: 2, mentioning: ["--head all", "unequal lengths", "--head last"])
    }

    @Test("a .ts folder trains; eval and predict read the normalisation and class names from the checkpoint")
    func normalisationAndPredictionsRoundTrip() async throws {
        let work = try TemporaryDirectory(prefix: "recur-own-data")
        try SequenceFiles(count: 64).writeTSFolder(work.file("toy"))
        let model = work.file("toy.safetensors")
        let train = try await RecurExecutable.run(
            ["train", "--data", work.file("toy"), "--epochs", "3", "--batch-size", "8", "--threads", "2", "--json", "--save", model]
                + Self.model)
        expectSuccess(train)
        let summary = try #require(train.outputLines.compactMap(json).last { $0["event"] as? String == "summary" })
        let trainAccuracy = try #require(summary["test_accuracy"] as? Double)
        let metadata = try safetensorsMetadata(model)
        #expect(metadata["normalize"] == "standard" && metadata["normalize.mean"]?.split(separator: ",").count == 3)
        #expect(metadata["class_names"] == "[\"low\",\"high\"]")

        let eval = try await RecurExecutable.run(["eval", "--load", model, "--data", work.file("toy"), "--json", "--confusion", "--pin", "none"])
        expectSuccess(eval)
        let evaluation = try #require(eval.outputLines.compactMap(json).first)
        #expect(evaluation["test_accuracy"] as? Double == trainAccuracy)
        let confusion = try #require((evaluation["confusion"] as? [String: Any])?["counts"] as? [[Int]])
        #expect(confusion.flatMap { $0 }.reduce(0, +) == 32)

        let test = work.file("toy/Toy_TEST.ts")
        let csv = try await RecurExecutable.run(["predict", "--load", model, "--input", test, "--pin", "none"])
        expectSuccess(csv)
        let rows = csv.outputLines.map { $0.split(separator: ",").map(String.init) }
        #expect(rows.first == ["sample", "predicted", "label", "low", "high"])
        #expect(rows.count == 33)
        var correct = 0
        for row in rows.dropFirst() {
            let probabilities = row[3...].compactMap { Double($0) }
            #expect(probabilities.count == 2 && abs(probabilities.reduce(0, +) - 1) < 1e-5)
            #expect(row[1] == (probabilities[1] > probabilities[0] ? "high" : "low"))
            if row[1] == row[2] { correct += 1 }
        }
        #expect(Double(correct) / 32 == trainAccuracy)
        #expect(csv.errorLines.first?.hasPrefix("accuracy ") == true)

        let output = work.file("predictions.jsonl")
        expectSuccess(try await RecurExecutable.run(["predict", "--load", model, "--input", test, "--json", "--output", output, "--pin", "none"]))
        let lines = try String(contentsOfFile: output, encoding: .utf8).split(separator: "\n").compactMap { json(String($0)) }
        #expect(lines.count == 33)
        #expect(lines.last?["accuracy"] as? Double == trainAccuracy)
        #expect(lines.last?["classes"] as? [String] == ["low", "high"])
        #expect((lines.first?["probabilities"] as? [Double])?.count == 2)
    }

    @Test("--validation-split holds out a seeded share and reports it every epoch")
    func validationSplit() async throws {
        let work = try TemporaryDirectory(prefix: "recur-own-data")
        try SequenceFiles().writeSafetensors(work.file("d.safetensors"))
        var runs: [[[String: Any]]] = []
        for _ in 0..<2 {
            let result = try await RecurExecutable.run(
                ["train", "--data", work.file("d.safetensors"), "--epochs", "2", "--batch-size", "8", "--validation-split", "0.25", "--json"]
                    + Self.model)
            expectSuccess(result)
            runs.append(result.outputLines.compactMap(json).filter { $0["event"] as? String == "epoch" })
        }
        #expect(runs[0].count == 2)
        for epoch in runs[0] {
            #expect(epoch["validation_loss"] is Double && epoch["validation_accuracy"] is Double)
            #expect(epoch["samples"] as? Int == 36)
        }
        #expect(runs[0].map { $0["validation_loss"] as? Double } == runs[1].map { $0["validation_loss"] as? Double })
        let bad = try await RecurExecutable.run(["train", "--data", work.file("d.safetensors"), "--validation-split", "1.5"] + Self.model)
        expectFailure(bad, status: 2, mentioning: ["--validation-split"])
    }

    @Test("a resumed run on own data ends with the uninterrupted run's bytes; another --validation-split is refused")
    func resumeWithValidationSplit() async throws {
        let work = try TemporaryDirectory(prefix: "recur-own-data")
        try SequenceFiles().writeSafetensors(work.file("d.safetensors"))
        let common = ["train", "--data", work.file("d.safetensors"), "--batch-size", "8", "--validation-split", "0.25"] + Self.model
        let whole = work.file("whole.safetensors"), resumed = work.file("resumed.safetensors")
        expectSuccess(try await RecurExecutable.run(common + ["--epochs", "2", "--save", whole]))
        expectSuccess(try await RecurExecutable.run(common + ["--epochs", "1", "--checkpoint-dir", work.file("runs")]))
        let other = try await RecurExecutable.run(
            ["train", "--data", work.file("d.safetensors"), "--validation-split", "0.5", "--epochs", "2", "--resume", work.file("runs")])
        expectFailure(other, status: 2, mentioning: ["validation_split", "--validation-split"])
        expectSuccess(try await RecurExecutable.run(
            ["train", "--data", work.file("d.safetensors"), "--validation-split", "0.25", "--epochs", "2", "--resume", work.file("runs"),
             "--save", resumed, "--pin", "none"]))
        #expect(try bytes(resumed) == bytes(whole))
    }

    @Test("bad data files fail with one line naming the file and the place, exit 1")
    func badFiles() async throws {
        let work = try TemporaryDirectory(prefix: "recur-own-data")
        try SequenceFiles().writeTSFolder(work.file("toy"))
        var text = try String(contentsOfFile: work.file("toy/Toy_TRAIN.ts"), encoding: .utf8)
        text = text.replacingOccurrences(of: ":high\n", with: ":Jumping\n")
        try text.write(toFile: work.file("bad_TRAIN.ts"), atomically: true, encoding: .utf8)
        let result = try await RecurExecutable.run(
            ["train", "--train", work.file("bad_TRAIN.ts"), "--test", work.file("toy/Toy_TEST.ts")] + Self.model)
        expectFailure(result, status: 1, mentioning: ["bad_TRAIN.ts line ", "label 'Jumping' is not in @classLabel"])
        #expect(result.errorLines.count == 1 && result.errorLines[0].hasPrefix("recur: "))

        let other = SequenceFiles(features: 2)
        try other.writeTSFolder(work.file("two"))
        let mismatch = try await RecurExecutable.run(
            ["train", "--train", work.file("toy/Toy_TRAIN.ts"), "--test", work.file("two/Toy_TEST.ts")] + Self.model)
        expectFailure(mismatch, status: 1, mentioning: ["test split has 2 features per step, the training split 3"])

        let alone = try await RecurExecutable.run(["train", "--train", work.file("toy/Toy_TRAIN.ts")] + Self.model)
        expectFailure(alone, status: 1, mentioning: ["--test FILE"])
        let both = try await RecurExecutable.run(["train", "--data", work.file("toy"), "--dataset", "mnist"] + Self.model)
        expectFailure(both, status: 2, mentioning: ["--dataset cannot be combined"])
        let classes = try await RecurExecutable.run(["train", "--data", work.file("toy"), "--classes", "3"] + Self.model)
        expectFailure(classes, status: 2, mentioning: ["--classes 3 contradicts the data's 2 named classes (low high)"])
        let normalize = try await RecurExecutable.run(["train", "--data", work.file("toy"), "--normalize", "minmax"] + Self.model)
        expectFailure(normalize, status: 2, mentioning: ["--normalize must be none, standard or scale"])
        let missing = try await RecurExecutable.run(
            ["train", "--dataset", "fashion-mnist"] + Self.model, environment: ["FASHION_MNIST_DIR": work.file("nowhere")])
        expectFailure(missing, status: 1, mentioning: ["Fashion-MNIST not found", "apt-get install dataset-fashion-mnist"])
    }

    @Test("--dataset fashion-mnist trains where the Debian package put it")
    func fashionMNIST() async throws {
        guard FileManager.default.fileExists(atPath: "/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz") else {
            try Fixtures.skip("Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist)")
        }
        let work = try TemporaryDirectory(prefix: "recur-own-data")
        let model = work.file("fashion.safetensors")
        let result = try await RecurExecutable.run(
            ["train", "--dataset", "fashion-mnist", "--steps", "5", "--hidden", "8", "--layers", "1", "--eval-limit", "20", "--pin", "none", "--save", model])
        expectSuccess(result)
        #expect(try safetensorsMetadata(model)["class_names"]?.contains("Ankle boot") == true)
        #expect(try safetensorsMetadata(model)["normalize"] == nil)
    }
}

/// One JSON object line, or nil.
func json(_ line: String) -> [String: Any]? {
    (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
}

/// The `__metadata__` of a safetensors file.
func safetensorsMetadata(_ path: String) throws -> [String: String] {
    let data = try Data(contentsOf: URL(fileURLWithPath: path))
    let length = data.prefix(8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
    let header = try JSONSerialization.jsonObject(with: data.subdata(in: 8..<(8 + length))) as? [String: Any]
    return header?["__metadata__"] as? [String: String] ?? [:]
}
