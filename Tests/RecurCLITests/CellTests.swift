import Foundation
import RecurSafetensors
import RecurTestSupport
import Testing

/// `--cell rnn --nonlinearity relu` end to end: trains the same bits at any
/// thread count, records the cell in the checkpoint, and a resumed run or a
/// `--load` that asks for another cell is refused with the options to pass.
@Suite("Cells")
struct CellTests {
    @Test("a ReLU RNN trains the same bytes at 1 and 2 threads and records its cell")
    func reluTrainsDeterministically() async throws {
        let data = try TemporaryDirectory(prefix: "recur-cli-data")
        try SyntheticMNIST.write(to: data.path, trainCount: 64, testCount: 20)
        let work = try TemporaryDirectory(prefix: "recur-cli-relu")
        var models: [Data] = []
        for threads in [1, 2] {
            var training = TinyTraining(data: data.path, steps: 6)
            training.threads = threads
            let path = work.file("relu-\(threads).safetensors")
            expectSuccess(try await RecurExecutable.run(training.arguments(["--nonlinearity", "relu", "--save", path])))
            models.append(try Data(contentsOf: URL(fileURLWithPath: path)))
        }
        #expect(models[0] == models[1], "--threads 2 differs from --threads 1")
        let relu = try SafetensorsFile.read(path: work.file("relu-1.safetensors"))
        #expect(relu.metadata["cell"] == "rnn_relu")

        let tanh = work.file("tanh.safetensors")
        expectSuccess(try await RecurExecutable.run(TinyTraining(data: data.path, steps: 6).arguments(["--save", tanh])))
        #expect(try SafetensorsFile.read(path: tanh).metadata["cell"] == nil, "the default cell keeps the old bytes")
        #expect(try Data(contentsOf: URL(fileURLWithPath: tanh)) != models[0])

        let eval = try await RecurExecutable.run(["eval", "--load", work.file("relu-1.safetensors"), "--data", data.path])
        expectSuccess(eval)
        #expect(eval.standardOutput.contains("relu"), "\(eval)")
    }

    @Test("a resumed run or --load that asks for another cell says which options to pass")
    func cellMismatchesAreRefused() async throws {
        let data = try TemporaryDirectory(prefix: "recur-cli-data")
        try SyntheticMNIST.write(to: data.path, trainCount: 64, testCount: 20)
        let work = try TemporaryDirectory(prefix: "recur-cli-relu")
        let runs = work.file("runs")
        let training = TinyTraining(data: data.path, steps: 4)
        expectSuccess(try await RecurExecutable.run(training.arguments(
            ["--nonlinearity", "relu", "--checkpoint-dir", runs, "--checkpoint-every", "2"])))

        let resumed = TinyTraining(data: data.path, steps: 6)
        let resume = try await RecurExecutable.run(resumed.arguments(["--resume", runs, "--nonlinearity", "tanh"]))
        expectFailure(resume, status: 2, mentioning: ["--cell rnn --nonlinearity relu"])

        let load = try await RecurExecutable.run(
            training.arguments(["--load", work.file("runs/checkpoint-000000004.safetensors")]))
        expectFailure(load, status: 1, mentioning: ["rnn_relu", "--cell rnn --nonlinearity relu"])

        expectSuccess(try await RecurExecutable.run(resumed.arguments(["--resume", runs])))
    }

    /// The LSTM and GRU, over every step and on the last: the same bytes at
    /// 1 to 4 threads, the cell and head in the checkpoint, `eval` reads them.
    @Test(
        "every cell and head trains the same bytes at 1 to 4 threads",
        arguments: [["--cell", "lstm"], ["--cell", "gru"], ["--cell", "lstm", "--head", "last"], ["--cell", "gru", "--head", "last"]])
    func gatedCellsTrainDeterministically(options: [String]) async throws {
        let data = try TemporaryDirectory(prefix: "recur-cli-data")
        try SyntheticMNIST.write(to: data.path, trainCount: 64, testCount: 20)
        let work = try TemporaryDirectory(prefix: "recur-cli-cells")
        var models: [Data] = []
        for threads in 1...4 {
            var training = TinyTraining(data: data.path, steps: 5)
            training.threads = threads
            training.shardSize = 2
            let path = work.file("model-\(threads).safetensors")
            expectSuccess(try await RecurExecutable.run(training.arguments(options + ["--save", path])))
            models.append(try Data(contentsOf: URL(fileURLWithPath: path)))
        }
        for threads in 2...4 { #expect(models[threads - 1] == models[0], "\(options): --threads \(threads) differs from 1") }
        let saved = try SafetensorsFile.read(path: work.file("model-1.safetensors"))
        #expect(saved.metadata["cell"] == options[1])
        #expect(saved.metadata["head"] == (options.contains("last") ? "last" : nil))
        let gates = options[1] == "lstm" ? 4 : 3
        #expect(saved.tensors["rnn.weight_hh_l0"]?.shape == [gates * 8, 8])

        let eval = try await RecurExecutable.run(["eval", "--load", work.file("model-1.safetensors"), "--data", data.path])
        expectSuccess(eval)
        #expect(eval.standardOutput.contains(options[1] == "lstm" ? "LSTM(" : "GRU("), "\(eval)")
    }

    @Test("a GRU checkpoint loaded as an LSTM, or with another head, names the option to pass")
    func gatedMismatchesAreRefused() async throws {
        let data = try TemporaryDirectory(prefix: "recur-cli-data")
        try SyntheticMNIST.write(to: data.path, trainCount: 64, testCount: 20)
        let work = try TemporaryDirectory(prefix: "recur-cli-cells")
        let model = work.file("gru.safetensors")
        let training = TinyTraining(data: data.path, steps: 2)
        expectSuccess(try await RecurExecutable.run(training.arguments(["--cell", "gru", "--save", model])))
        let asLSTM = try await RecurExecutable.run(training.arguments(["--cell", "lstm", "--load", model]))
        expectFailure(asLSTM, status: 1, mentioning: ["gru", "--cell gru"])
        let lastHead = try await RecurExecutable.run(training.arguments(["--cell", "gru", "--head", "last", "--load", model]))
        expectFailure(lastHead, status: 1, mentioning: ["--head all"])

        let runs = work.file("runs")
        expectSuccess(try await RecurExecutable.run(training.arguments(
            ["--cell", "lstm", "--head", "last", "--checkpoint-dir", runs, "--checkpoint-every", "2"])))
        let resume = try await RecurExecutable.run(
            TinyTraining(data: data.path, steps: 4).arguments(["--resume", runs, "--head", "all"]))
        expectFailure(resume, status: 2, mentioning: ["--head last"])
        expectSuccess(try await RecurExecutable.run(TinyTraining(data: data.path, steps: 4).arguments(["--resume", runs])))

        let usage = try await RecurExecutable.run(training.arguments(["--cell", "lstm", "--nonlinearity", "relu"]))
        expectFailure(usage, status: 2, mentioning: ["--nonlinearity applies to --cell rnn only"])
    }
}
