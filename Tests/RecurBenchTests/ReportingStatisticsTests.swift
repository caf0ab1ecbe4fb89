import Testing

@testable import RecurBench

@Suite struct ReportingStatisticsTests {
    @Test func medianOfOddCountIsMiddleValue() {
        #expect(BenchStatistics.median([5, 1, 3]) == 3)
        #expect(BenchStatistics.median([7]) == 7)
    }

    @Test func medianOfEvenCountIsMeanOfMiddleValues() {
        #expect(BenchStatistics.median([4, 1, 3, 10]) == 3.5)
        #expect(BenchStatistics.median([2, 1]) == 1.5)
    }

    @Test func medianOfNothingIsNil() {
        #expect(BenchStatistics.median([]) == nil)
    }

    @Test func resultsCarryMedianMinMaxOfRepeats() throws {
        let report = try ReportingFixtures.report()
        let result = try #require(report.results.first { $0.configuration.threads == 8 && $0.configuration.batchSize == 64 })
        #expect(result.samplesPerSecond.count == 3)
        #expect(result.medianSamplesPerSecond == 8300)
        #expect(result.minSamplesPerSecond == 8300 * 0.97)
        #expect(result.maxSamplesPerSecond == 8300 * 1.02)
    }

    @Test func speedupEfficiencyAndPeakShareCompareWithOneThreadAtSameBatchSize() throws {
        let report = try ReportingFixtures.report()
        let result = try #require(report.results.first { $0.configuration.threads == 16 && $0.configuration.batchSize == 256 })
        let speedup = try #require(result.speedup)
        let efficiency = try #require(result.efficiency)
        let peakShare = try #require(result.peakShare)
        #expect(abs(speedup - 18900.0 / 1520) < 1e-12)
        #expect(abs(efficiency - 18900.0 / (16 * 1520)) < 1e-12)
        #expect(abs(result.gflops - 18900 * 34.26e6 / 1e9) < 1e-9)
        #expect(abs(peakShare - result.gflops / (64 * 16)) < 1e-12)
        let single = try #require(report.results.first { $0.configuration.threads == 1 && $0.configuration.batchSize == 256 })
        #expect(single.speedup == 1)
        #expect(single.efficiency == 1)
    }

    @Test func missingOneThreadBaselineLeavesSpeedupUnknown() throws {
        let measurements = [2, 4].map { ReportingFixtures.measurement(threads: $0, batchSize: 128, median: 1000 * Double($0)) }
        let settings = BenchSettings(
            steps: 5, warmup: 1, repeats: 3, modelDescription: "rnn", flopsPerSample: 1e6, fmaPeakGFLOPSPerCore: nil)
        let report = try BenchReport(machine: ReportingFixtures.machine(), settings: settings, measurements: measurements)
        #expect(report.results.count == 2)
        for result in report.results {
            #expect(result.speedup == nil)
            #expect(result.efficiency == nil)
            #expect(result.peakShare == nil)
        }
        #expect(report.table().contains(" - "))
    }

    @Test func baselinePrefersSamePinningAndShardSize() throws {
        let measurements = [
            ReportingFixtures.measurement(threads: 1, batchSize: 64, median: 1000, pin: false),
            ReportingFixtures.measurement(threads: 1, batchSize: 64, median: 800, pin: true),
            ReportingFixtures.measurement(threads: 4, batchSize: 64, median: 3200, pin: true),
            ReportingFixtures.measurement(threads: 4, batchSize: 64, median: 3000, pin: true, shardSize: 8),
        ]
        let report = try BenchReport(machine: ReportingFixtures.machine(), settings: ReportingFixtures.settings, measurements: measurements)
        let pinned = try #require(report.results.first { $0.configuration.threads == 4 && $0.configuration.shardSize == 16 })
        #expect(pinned.speedup == 4)
        // No one-thread result with shard size 8: the first one-thread result (unpinned) is the baseline.
        let otherShard = try #require(report.results.first { $0.configuration.shardSize == 8 })
        #expect(otherShard.speedup == 3)
    }

    @Test func resultsAreInReportOrder() throws {
        let report = try BenchReport(
            machine: ReportingFixtures.machine(), settings: ReportingFixtures.settings, measurements: ReportingFixtures.sweep.reversed())
        let order = report.results.map { [$0.configuration.batchSize, $0.configuration.threads] }
        #expect(order == [[64, 1], [64, 2], [64, 4], [64, 8], [64, 16], [256, 1], [256, 2], [256, 4], [256, 8], [256, 16]])
        #expect(report.batchSizes == [64, 256])
    }

    @Test func invalidMeasurementsAreRejected() {
        let machine = ReportingFixtures.machine(), settings = ReportingFixtures.settings
        var noRepeats = ReportingFixtures.measurement(threads: 1, batchSize: 64, median: 1000)
        noRepeats.samplesPerSecond = []
        var notANumber = ReportingFixtures.measurement(threads: 2, batchSize: 64, median: 1000)
        notANumber.samplesPerSecond[1] = .nan
        var negativePhase = ReportingFixtures.measurement(threads: 2, batchSize: 64, median: 1000)
        negativePhase.phasesMax.barrierWait = -1
        var noThreads = ReportingFixtures.measurement(threads: 1, batchSize: 64, median: 1000)
        noThreads.configuration.threads = 0
        for (measurement, field) in [(noRepeats, "samplesPerSecond"), (notANumber, "samplesPerSecond"),
                                     (negativePhase, "phasesMax.barrierWait"), (noThreads, "threads")] {
            #expect {
                try BenchReport(machine: machine, settings: settings, measurements: [measurement])
            } throws: { error in
                guard case let .invalidMeasurement(_, failing, _, _) = error as? BenchReportError else { return false }
                return failing == field
            }
        }
    }

    @Test func duplicateConfigurationsAndEmptyReportsAreRejected() {
        let machine = ReportingFixtures.machine(), settings = ReportingFixtures.settings
        let measurement = ReportingFixtures.measurement(threads: 2, batchSize: 64, median: 1000)
        #expect(throws: BenchReportError.duplicateConfiguration(measurement.configuration)) {
            try BenchReport(machine: machine, settings: settings, measurements: [measurement, measurement])
        }
        #expect(throws: BenchReportError.noMeasurements) {
            try BenchReport(machine: machine, settings: settings, measurements: [])
        }
    }

    @Test func invalidSettingsAreRejected() {
        var settings = ReportingFixtures.settings
        settings.fmaPeakGFLOPSPerCore = 0
        #expect(throws: BenchReportError.invalidSetting(name: "fmaPeakGFLOPSPerCore", value: "0.0", expected: "a finite number above 0")) {
            try BenchReport(machine: ReportingFixtures.machine(), settings: settings, measurements: ReportingFixtures.sweep)
        }
        settings = ReportingFixtures.settings
        settings.repeats = 0
        #expect(throws: BenchReportError.invalidSetting(name: "repeats", value: "0", expected: "at least 1")) {
            try BenchReport(machine: ReportingFixtures.machine(), settings: settings, measurements: ReportingFixtures.sweep)
        }
    }

    @Test func errorMessagesNameTheProblem() {
        let configuration = BenchConfiguration(threads: 4, batchSize: 64, pin: true, shardSize: 16, samplesPerPass: 32)
        let error = BenchReportError.invalidMeasurement(configuration: configuration, field: "samplesPerSecond", value: "nan", expected: "finite numbers above 0")
        #expect(error.description == "bench report: samplesPerSecond of (4 threads, batch 64, pinned, shard 16, passes of 32) is nan, expected finite numbers above 0")
    }

    @Test func decimalFormatRoundsAndPads() {
        #expect(DecimalFormat.fixed(3.14159, digits: 2) == "3.14")
        #expect(DecimalFormat.fixed(2.5, digits: 0) == "3")
        #expect(DecimalFormat.fixed(0.05, digits: 3) == "0.050")
        #expect(DecimalFormat.fixed(-1.234, digits: 1) == "-1.2")
        #expect(DecimalFormat.fixed(-0.0004, digits: 2) == "0.00")
        #expect(DecimalFormat.fixed(1e20, digits: 2) == "1e+20")
        #expect(DecimalFormat.percent(0.8123, digits: 1) == "81.2%")
    }

    @Test func peakShareUsesThePeakMeasuredWithAllThreadsBusy() throws {
        var busy = ReportingFixtures.measurement(threads: 16, batchSize: 64, median: 7400)
        busy.fmaPeakGFLOPS = 1500
        let alone = ReportingFixtures.measurement(threads: 8, batchSize: 64, median: 8300)
        let report = try BenchReport(
            machine: ReportingFixtures.machine(), settings: ReportingFixtures.settings, measurements: [busy, alone])
        let sixteen = try #require(report.results.first { $0.configuration.threads == 16 })
        let eight = try #require(report.results.first { $0.configuration.threads == 8 })
        #expect(sixteen.fmaPeakGFLOPS == 1500)
        #expect(abs(try #require(sixteen.peakShare) - sixteen.gflops / 1500) < 1e-12)
        let perCore = try #require(ReportingFixtures.settings.fmaPeakGFLOPSPerCore)
        #expect(abs(try #require(eight.peakShare) - eight.gflops / (perCore * 8)) < 1e-12)
    }
}
