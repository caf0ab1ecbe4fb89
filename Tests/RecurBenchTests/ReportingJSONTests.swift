import RecurEngine
import Foundation
import Testing

@testable import RecurBench

@Suite struct ReportingJSONTests {
    @Test func jsonRoundTripsToAnEqualReport() throws {
        let report = try ReportingFixtures.report(cpuModel: "Xeon \"Max\", 9480 / <HBM> & more")
        let decoded = try BenchReport(json: report.json())
        #expect(decoded == report)
        #expect(try decoded.json() == report.json())
    }

    @Test func jsonRoundTripsWithoutPeakOrBaseline() throws {
        var settings = ReportingFixtures.settings
        settings.fmaPeakGFLOPSPerCore = nil
        let report = try BenchReport(
            machine: ReportingFixtures.machine(), settings: settings,
            measurements: [ReportingFixtures.measurement(threads: 4, batchSize: 32, median: 900)])
        let json = try report.json()
        #expect(!json.contains("\"speedup\""))
        #expect(!json.contains("\"fmaPeakGFLOPSPerCore\""))
        #expect(try BenchReport(json: json) == report)
    }

    @Test func jsonHasSortedKeysAndDerivedFigures() throws {
        let json = try ReportingFixtures.report().json()
        let top = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(Set(top.keys) == ["machine", "settings", "results"])
        let machineAt = try #require(json.range(of: "\"machine\""))
        let resultsAt = try #require(json.range(of: "\"results\""))
        let settingsAt = try #require(json.range(of: "\"settings\""))
        #expect(machineAt.lowerBound < resultsAt.lowerBound && resultsAt.lowerBound < settingsAt.lowerBound)
        let results = try #require(top["results"] as? [[String: Any]])
        #expect(results.count == 10)
        let first = results[0]
        for key in ["configuration", "samplesPerSecond", "medianSamplesPerSecond", "minSamplesPerSecond", "maxSamplesPerSecond",
                    "speedup", "efficiency", "gflops", "peakShare", "phases", "phasesMax"] {
            #expect(first[key] != nil, "missing \(key)")
        }
        let phases = try #require(first["phases"] as? [String: Double])
        #expect(Set(phases.keys) == ["forward", "backward", "shardSum", "exchange", "optimizer", "barrierWait", "total"])
        #expect(first["medianSamplesPerSecond"] as? Double == 1450)
    }

    @Test func derivedFiguresInInputAreRecomputed() throws {
        let report = try ReportingFixtures.report()
        let json = try report.json().replacingOccurrences(of: "\"medianSamplesPerSecond\" : 1450", with: "\"medianSamplesPerSecond\" : 1")
        #expect(try BenchReport(json: json).results[0].medianSamplesPerSecond == 1450)
    }

    @Test func malformedJSONThrowsAClearError() throws {
        #expect(throws: BenchReportError.malformedJSON("not valid JSON")) { try BenchReport(json: "{ not json") }
        #expect(throws: BenchReportError.malformedJSON("missing key settings")) {
            try BenchReport(json: #"{"machine": {}, "results": []}"#.replacingOccurrences(of: "{}", with: try machineJSON()))
        }
        let report = try ReportingFixtures.report()
        let badType = try report.json().replacingOccurrences(of: "\"threads\" : 16", with: "\"threads\" : \"many\"")
        #expect(throws: BenchReportError.malformedJSON("results[4].configuration.threads is not of type Int")) {
            try BenchReport(json: badType)
        }
    }

    /// Reports from before pass sizes existed ran one shard per pass.
    @Test func reportsWithoutPassSizesReadAsOneShardPerPass() throws {
        let json = try ReportingFixtures.report().json().replacingOccurrences(of: "\"samplesPerPass\" : 4,", with: "")
        #expect(!json.contains("samplesPerPass"))
        let report = try BenchReport(json: json)
        #expect(report.results.allSatisfy { $0.configuration.samplesPerPass == $0.configuration.shardSize })
        let zero = try ReportingFixtures.report().json().replacingOccurrences(of: "\"samplesPerPass\" : 4", with: "\"samplesPerPass\" : 0")
        #expect {
            try BenchReport(json: zero)
        } throws: { error in
            guard case let .invalidMeasurement(_, field, _, _) = error as? BenchReportError else { return false }
            return field == "samplesPerPass"
        }
    }

    @Test func outOfRangeValuesInJSONThrow() throws {
        let json = try ReportingFixtures.report().json().replacingOccurrences(of: "\"threads\" : 16", with: "\"threads\" : -16")
        #expect {
            try BenchReport(json: json)
        } throws: { error in
            guard case let .invalidMeasurement(configuration, field, _, _) = error as? BenchReportError else { return false }
            return configuration.threads == -16 && field == "threads"
        }
    }

    private func machineJSON() throws -> String {
        String(decoding: try JSONEncoder().encode(ReportingFixtures.machine()), as: UTF8.self)
    }
}

/// Reports written before the exchange phase named the shard sum `allReduce`
/// and had no `exchange`: they still decode.
@Suite("Phase breakdown JSON from before the exchange")
struct LegacyPhaseJSONTests {
    @Test func decodesAllReduceAsTheShardSum() throws {
        let json = #"{"forward":1,"backward":2,"allReduce":3,"optimizer":4,"barrierWait":5,"total":15}"#
        let phases = try JSONDecoder().decode(PhaseBreakdown.self, from: Data(json.utf8))
        #expect(phases == PhaseBreakdown(forward: 1, backward: 2, allReduce: 3, optimizer: 4, barrierWait: 5))
        #expect(phases.exchange == 0)
    }
}
