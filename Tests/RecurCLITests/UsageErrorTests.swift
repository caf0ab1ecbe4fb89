import Foundation
import RecurTestSupport
import Testing

/// Bad options end with exit status 2 and a first stderr line naming the option.
@Suite("Usage errors")
struct UsageErrorTests {
    /// A command line and the words its error message must contain.
    struct Case: CustomTestStringConvertible, Sendable {
        var arguments: [String]
        var mentions: [String]
        var testDescription: String { arguments.joined(separator: " ") }
    }

    /// A `--data` folder that does not exist: options are checked before any
    /// data is read, so these runs never get to it.
    static let noData = "/nonexistent/recur-cli-test-data"

    static let trainCases: [Case] = [
        Case(arguments: ["--threads", "0"], mentions: ["--threads"]),
        Case(arguments: ["--threads", "abc"], mentions: ["--threads", "abc"]),
        Case(arguments: ["--threads", "-1"], mentions: ["--threads", "'-1'"]),
        Case(arguments: ["--threads", "100000"], mentions: ["--threads 100000", "usable CPUs"]),
        Case(arguments: ["--pin", "maybe"], mentions: ["--pin", "maybe"]),
        Case(arguments: ["--batch-size", "0"], mentions: ["--batch-size"]),
        Case(arguments: ["--batch-size", "2000000"], mentions: ["--batch-size"]),
        Case(arguments: ["--epochs=-1"], mentions: ["--epochs"]),
        Case(arguments: ["--steps", "0"], mentions: ["--steps"]),
        Case(arguments: ["--steps", "99999999999999999999"], mentions: ["--steps"]),
        Case(arguments: ["--hidden", "0"], mentions: ["--hidden"]),
        Case(arguments: ["--hidden", "70000"], mentions: ["--hidden"]),
        Case(arguments: ["--layers", "0"], mentions: ["--layers"]),
        Case(arguments: ["--lr=0"], mentions: ["--lr"]),
        Case(arguments: ["--lr=nan"], mentions: ["--lr"]),
        Case(arguments: ["--lr=-1"], mentions: ["--lr"]),
        Case(arguments: ["--lr=inf"], mentions: ["--lr"]),
        Case(arguments: ["--lr", "1e39"], mentions: ["--lr", "float32"]),
        Case(arguments: ["--lr", "1e-50"], mentions: ["--lr", "float32"]),
        Case(arguments: ["--shard-size", "0"], mentions: ["--shard-size"]),
        Case(arguments: ["--pass-samples", "0"], mentions: ["--pass-samples"]),
        Case(arguments: ["--eval-limit", "0"], mentions: ["--eval-limit"]),
        Case(arguments: ["--checkpoint-every", "5"], mentions: ["--checkpoint-every", "--checkpoint-dir"]),
        Case(arguments: ["--checkpoint-every", "0", "--checkpoint-dir", "runs"], mentions: ["--checkpoint-every"]),
        Case(arguments: ["--load", "a.safetensors", "--resume", "runs"], mentions: ["--load", "--resume"]),
        Case(arguments: ["--no-such-option"], mentions: ["--no-such-option"]),
        Case(arguments: ["--head", "middle"], mentions: ["--head", "middle"]),
        Case(arguments: ["--cell", "lstm", "--nonlinearity", "tanh"], mentions: ["--nonlinearity", "--cell lstm"]),
        Case(arguments: ["--cell", "transformer"], mentions: ["--cell", "transformer"]),
        Case(arguments: ["--nonlinearity", "sigmoid"], mentions: ["--nonlinearity", "sigmoid"]),
        Case(arguments: ["--cell", "gru", "--nonlinearity", "relu"], mentions: ["--nonlinearity", "--cell gru"]),
    ]

    @Test("train rejects a bad option before reading data", arguments: trainCases)
    func trainOption(_ usage: Case) async throws {
        let result = try await RecurExecutable.run(["train", "--data", Self.noData] + usage.arguments)
        expectFailure(result, status: 2, mentioning: usage.mentions)
        #expect(result.errorLines.first?.hasPrefix("recur: ") == true, "one error prefix: \(result)")
    }

    static let otherCommandCases: [Case] = [
        Case(arguments: ["bench", "--threads", "1,x"], mentions: ["--threads"]),
        Case(arguments: ["bench", "--threads", "0"], mentions: ["--threads"]),
        Case(arguments: ["bench", "--batch-size", "0"], mentions: ["--batch-size"]),
        Case(arguments: ["bench", "--pin", "maybe"], mentions: ["--pin"]),
        Case(arguments: ["bench", "--steps", "0"], mentions: ["--steps"]),
        Case(arguments: ["bench", "--repeats", "0"], mentions: ["--repeats"]),
        Case(arguments: ["bench", "--rounds", "0"], mentions: ["--rounds"]),
        Case(arguments: ["tune", "--rounds=-1"], mentions: ["--rounds"]),
        Case(arguments: ["bench", "--warmup=-1"], mentions: ["--warmup"]),
        Case(arguments: ["bench", "--shard-size", "0"], mentions: ["--shard-size"]),
        Case(arguments: ["bench", "--pass-samples", "0"], mentions: ["--pass-samples"]),
        Case(arguments: ["tune", "--pass-samples=-3"], mentions: ["--pass-samples"]),
        Case(arguments: ["bench", "--hidden", "0"], mentions: ["--hidden"]),
        Case(arguments: ["tune", "--batch-size", "0"], mentions: ["--batch-size"]),
        Case(arguments: ["eval"], mentions: ["--load"]),
        Case(arguments: ["eval", "--load", "model.safetensors", "--threads", "0"], mentions: ["--threads"]),
        Case(arguments: ["topology", "--threads", "0"], mentions: ["--threads"]),
        Case(arguments: ["topology", "--threads", "99999999"], mentions: ["--threads"]),
        Case(arguments: ["frobnicate"], mentions: ["frobnicate"]),
    ]

    @Test("bench, tune, eval and topology reject bad options", arguments: otherCommandCases)
    func otherCommandOption(_ usage: Case) async throws {
        let result = try await RecurExecutable.run(usage.arguments)
        expectFailure(result, status: 2, mentioning: usage.mentions)
        #expect(result.errorLines.first?.hasPrefix("recur: ") == true, "one error prefix: \(result)")
    }

    @Test("an unknown --backend is a usage error listing the available ones")
    func unknownBackend() async throws {
        let data = try TemporaryDirectory(prefix: "recur-cli-data")
        try SyntheticMNIST.write(to: data.path, trainCount: 20, testCount: 10)
        let result = try await RecurExecutable.run(
            TinyTraining(data: data.path, steps: 1).arguments(["--backend", "foo"]))
        expectFailure(result, status: 2, mentioning: ["--backend foo", "portable"])
    }

    @Test("--help and --version succeed")
    func helpAndVersion() async throws {
        let help = try await RecurExecutable.run(["train", "--help"])
        expectSuccess(help)
        #expect(help.standardOutput.contains("--checkpoint-every"))
        for command in ["bench", "tune"] {
            let sweepHelp = try await RecurExecutable.run([command, "--help"])
            expectSuccess(sweepHelp)
            // List defaults read as they are typed, e.g. "(default: 4)".
            #expect(sweepHelp.standardOutput.contains("(default: 4)"), "\(command)")
            #expect(!sweepHelp.standardOutput.contains("IntegerList"), "\(command)")
        }
        let version = try await RecurExecutable.run(["--version"])
        expectSuccess(version)
        #expect(!version.outputLines.isEmpty)
    }
}
