import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import RecurTestSupport
import Testing

/// `--json` output is one JSON object per line, and bench's report files parse.
@Suite("JSON output")
struct JSONOutputTests {
    /// The objects `lines` hold, recording an issue for each line that is not a JSON object.
    private func objects(_ lines: [String], sourceLocation: SourceLocation = #_sourceLocation) -> [[String: Any]] {
        lines.compactMap { line in
            let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            #expect(object != nil, "not a JSON object: \(line)", sourceLocation: sourceLocation)
            return object
        }
    }

    @Test("train --json prints JSON lines ending with the summary; eval --load --json prints one object")
    func trainAndEval() async throws {
        let work = try TemporaryDirectory(prefix: "recur-cli-json")
        let data = work.file("data")
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: false)
        try SyntheticMNIST.write(to: data, trainCount: 40, testCount: 20)
        let model = work.file("model.safetensors")
        let train = try await RecurExecutable.run(
            TinyTraining(data: data).arguments(["--epochs", "2", "--json", "--save", model]))
        expectSuccess(train)
        let events = objects(train.outputLines)
        #expect(events.first?["event"] as? String == "start")
        #expect(events.filter { $0["event"] as? String == "epoch" }.count == 2, "\(train)")
        let summary = try #require(events.last)
        #expect(summary["event"] as? String == "summary")
        for key in ["test_accuracy", "seconds", "samples_per_second"] {
            #expect(summary[key] is NSNumber, "summary lacks a number '\(key)': \(train)")
        }
        #expect(summary["steps"] as? Int == 10)
        #expect(summary["saved_model"] as? String == model)

        let evaluation = try await RecurExecutable.run(
            ["eval", "--load", model, "--data", data, "--json", "--threads", "1", "--pin", "none"])
        expectSuccess(evaluation)
        let lines = objects(evaluation.outputLines)
        #expect(lines.count == 1)
        #expect(lines.first?["event"] as? String == "evaluation")
        #expect(lines.first?["samples"] as? Int == 20)
        #expect(lines.first?["test_accuracy"] is NSNumber)
    }

    @Test("train --json on MNIST ends with a summary")
    func trainOnMNIST() async throws {
        let result = try await RecurExecutable.run(
            TinyTraining(data: try Fixtures.requireMNIST(), steps: 10).arguments(["--json"]))
        expectSuccess(result)
        let summary = try #require(objects(result.outputLines).last)
        #expect(summary["event"] as? String == "summary")
        let accuracy = try #require(summary["test_accuracy"] as? Double)
        #expect((0...1).contains(accuracy))
        #expect((summary["samples_per_second"] as? Double ?? 0) > 0)
        #expect((summary["seconds"] as? Double ?? 0) > 0)
    }

    /// A few steps of `recur bench` on synthetic data, as CI runs it.
    @Test("bench writes JSON, CSV and SVG reports")
    func benchReports() async throws {
        let work = try TemporaryDirectory(prefix: "recur-cli-bench")
        let json = work.file("bench.json"), csv = work.file("bench.csv"), plot = work.file("bench.svg")
        let result = try await RecurExecutable.run(
            [
                "bench", "--threads", "1,2", "--steps", "2", "--repeats", "1", "--warmup", "0", "--hidden", "8",
                "--layers", "1", "--batch-size", "8", "--pin", "none", "--json", json, "--csv", csv, "--plot", plot,
            ], timeout: .seconds(300))
        expectSuccess(result)
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as? [String: Any]
        #expect((report?["results"] as? [Any])?.count == 2)
        let csvLines = try String(contentsOfFile: csv, encoding: .utf8).split(separator: "\n").filter { !$0.hasPrefix("#") }
        #expect(csvLines.count == 3, "a header and a row per thread count")
        #expect(csvLines.first?.contains("threads") == true)
        let svg = try Data(contentsOf: URL(fileURLWithPath: plot))
        let parser = XMLParser(data: svg)
        #expect(parser.parse(), "the plot is not well-formed XML")
        #expect(String(decoding: svg, as: UTF8.self).contains("<svg"))
    }

    /// Runs a tiny `recur bench` with `arguments` and returns its output and
    /// the configurations of its JSON report.
    private func benchConfigurations(_ arguments: [String]) async throws -> (CommandResult, [[String: Any]]) {
        let work = try TemporaryDirectory(prefix: "recur-cli-bench")
        let json = work.file("bench.json")
        let result = try await RecurExecutable.run(["bench"] + arguments + ["--json", json], timeout: .seconds(300))
        expectSuccess(result)
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as? [String: Any]
        return (result, (report?["results"] as? [[String: Any]] ?? []).compactMap { $0["configuration"] as? [String: Any] })
    }

    /// Options for a tiny sweep: one layer of 8 units, batch 8, short runs.
    private let tinySweep = [
        "--steps", "2", "--repeats", "1", "--warmup", "0", "--hidden", "8", "--layers", "1", "--batch-size", "8", "--pin", "none",
    ]

    @Test("bench measures every shard size given, and tune recommends among them")
    func benchShardSizes() async throws {
        let common = ["--threads", "1,2"] + tinySweep
        let (_, configurations) = try await benchConfigurations(common + ["--shard-size", "2,4"])
        let pairs = Set(configurations.compactMap { c in (c["threads"] as? Int).flatMap { t in (c["shardSize"] as? Int).map { [t, $0] } } })
        #expect(pairs == [[1, 2], [2, 2], [1, 4], [2, 4]], "\(configurations)")
        let tune = try await RecurExecutable.run(["tune"] + common + ["--shard-size", "2,4"], timeout: .seconds(300))
        expectSuccess(tune)
        #expect(tune.standardOutput.contains("Shards of 2:") && tune.standardOutput.contains("Shards of 4:"), "\(tune)")
        #expect(tune.outputLines.last?.hasPrefix("Use: recur train --hidden 8 --layers 1 --threads ") == true, "the model's options too: \(tune)")
    }

    @Test("bench --rounds runs the sweep again and pools each configuration's repeats")
    func benchRounds() async throws {
        let work = try TemporaryDirectory(prefix: "recur-cli-bench")
        let json = work.file("bench.json")
        let result = try await RecurExecutable.run(
            ["bench", "--threads", "1,2"] + tinySweep + ["--rounds", "2", "--json", json], timeout: .seconds(300))
        expectSuccess(result)
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as? [String: Any]
        #expect((report?["settings"] as? [String: Any])?["rounds"] as? Int == 2)
        let results = report?["results"] as? [[String: Any]] ?? []
        #expect(results.count == 2 && results.allSatisfy { ($0["samplesPerSecond"] as? [Any])?.count == 2 }, "\(results)")
        let lines = result.errorLines + result.outputLines
        #expect(lines.filter { $0.hasPrefix("round 1 of 2: ") }.count == 2, "\(result)")
        #expect(lines.filter { $0.hasPrefix("round 2 of 2: ") }.count == 2, "\(result)")
        #expect(lines.filter { $0.range(of: #"^[12] threads?, batch 8, .*: [0-9]+ samples/s$"#, options: .regularExpression) != nil }.count == 2)
    }

    @Test("bench measures every pass size given, and tune's command carries the fastest")
    func benchPassSizes() async throws {
        let common = ["--threads", "1", "--shard-size", "2"] + tinySweep
        let (result, configurations) = try await benchConfigurations(common + ["--pass-samples", "2,8"])
        #expect(Set(configurations.compactMap { $0["samplesPerPass"] as? Int }) == [2, 8], "\(configurations)")
        #expect(result.standardOutput.contains(" pass "), "\(result)")
        let tune = try await RecurExecutable.run(["tune"] + common + ["--pass-samples", "2,8"], timeout: .seconds(300))
        expectSuccess(tune)
        let command = try #require(tune.outputLines.last)
        #expect(command.hasSuffix("--pass-samples 2") || command.hasSuffix("--pass-samples 8"), "\(tune)")
    }
}
