import Testing
import RecurEngine
@testable import RecurBench

/// `recur bench --rounds`: a configuration's measurements from several
/// rounds pool into one.
@Suite("Pooling rounds of one configuration")
struct PoolingTests {
    @Test func repeatsJoinAndPhasesAverageByRepeats() {
        var first = ReportingFixtures.measurement(threads: 2, batchSize: 64, median: 3000)
        first.fmaPeakGFLOPS = 470
        var second = ReportingFixtures.measurement(threads: 2, batchSize: 64, median: 2000)
        second.samplesPerSecond = [2000]
        second.fmaPeakGFLOPS = 490
        let expectedForward = (first.phases.forward * 3 + second.phases.forward * 1) / 4
        let expectedWaitMax = (first.phasesMax.barrierWait * 3 + second.phasesMax.barrierWait * 1) / 4
        let rates = first.samplesPerSecond + second.samplesPerSecond
        first.pool(second)
        #expect(first.samplesPerSecond == rates)
        #expect(abs(first.phases.forward - expectedForward) <= 1e-15)
        #expect(abs(first.phasesMax.barrierWait - expectedWaitMax) <= 1e-15)
        #expect(first.fmaPeakGFLOPS == 490, "the higher probe of the two, as within a round")
        #expect(first.configuration == second.configuration)
    }

    @Test func ranksPoolRankByRank() {
        func rankMeasurement(median: Double, bytes: Double, alone: Double, peaks: [Double]) -> BenchMeasurement {
            var measurement = ReportingFixtures.measurement(threads: 1, batchSize: 64, median: median)
            measurement.samplesPerSecond = [median]
            measurement.processes = 2
            measurement.bytesSentPerStep = [bytes, bytes / 2]
            measurement.exchangeAloneSeconds = [alone, alone]
            measurement.rankPhases = [measurement.phases, measurement.phases]
            measurement.rankFMAPeakGFLOPS = peaks
            measurement.fmaPeakGFLOPS = peaks.reduce(0, +)
            return measurement
        }
        var first = rankMeasurement(median: 9000, bytes: 1000, alone: 0.001, peaks: [240, 230])
        let second = rankMeasurement(median: 8000, bytes: 1000, alone: 0.003, peaks: [235, 238])
        first.pool(second)
        #expect(first.samplesPerSecond == [9000, 8000])
        #expect(first.bytesSentPerStep == [1000, 500])
        #expect(abs((first.exchangeAloneSeconds?[1] ?? 0) - 0.002) <= 1e-15)
        #expect(first.rankFMAPeakGFLOPS == [240, 238])
        #expect(first.fmaPeakGFLOPS == 478, "the sum of each rank's higher probe")
        #expect(abs((first.rankPhases?[0].forward ?? 0) - first.phases.forward) <= 1e-15)
    }

    @Test func reportsWithoutRoundsReadAsOneRound() throws {
        let json = try ReportingFixtures.report().json()
        #expect(json.contains("\"rounds\" : 1"))
        let old = json.replacingOccurrences(of: "\"rounds\" : 1,", with: "")
        #expect(!old.contains("rounds"))
        #expect(try BenchReport(json: old).settings.rounds == 1)
        var settings = ReportingFixtures.settings
        settings.rounds = 3
        let report = try BenchReport(machine: ReportingFixtures.machine(), settings: settings, measurements: ReportingFixtures.sweep)
        #expect(try BenchReport(json: report.json()).settings.rounds == 3)
        #expect(report.summaryLines.contains { $0.contains("3 repeats in each of 3 rounds") })
    }
}
