import Testing

@testable import RecurBench

@Suite struct ThreadRecommendationTests {
    private func results(batchSize: Int = 256, shardSize: Int = 4, _ rates: [(Int, Double)]) throws -> [BenchResult] {
        try BenchReport(
            machine: ReportingFixtures.machine(), settings: ReportingFixtures.settings,
            measurements: rates.map {
                ReportingFixtures.measurement(threads: $0.0, batchSize: batchSize, median: $0.1, shardSize: shardSize)
            }
        ).results
    }

    @Test func clearWinnerIsRecommended() throws {
        let recommendation = try ThreadRecommendation(results: results([(1, 1000), (2, 1900), (4, 3600), (8, 6000)]))
        #expect(recommendation.threads == 8)
        #expect(recommendation.fastestThreads == 8)
        #expect(recommendation.samplesPerSecond == 6000)
        #expect(recommendation.slowdowns.isEmpty)
        #expect(recommendation.commandLine == "recur train --threads 8 --batch-size 256")
        #expect(recommendation.description == """
            Recommended: 8 threads at batch size 256 (6000.0 samples/s).
            Use: recur train --threads 8 --batch-size 256
            """)
    }

    @Test func nearTiePrefersFewerThreads() throws {
        let recommendation = try ThreadRecommendation(results: results([(1, 1000), (4, 3600), (8, 6000), (16, 6100)]))
        #expect(recommendation.threads == 8)
        #expect(recommendation.fastestThreads == 16)
        #expect(recommendation.description.contains("16 threads are 1.7% faster (6100.0 samples/s), within the 3% tolerance"))
        let strict = try ThreadRecommendation(results: results([(1, 1000), (4, 3600), (8, 6000), (16, 6100)]), tolerance: 0.01)
        #expect(strict.threads == 16)
    }

    @Test func moreThreadsSlowerThanFewerIsSaid() throws {
        let recommendation = try ThreadRecommendation(results: results(batchSize: 64, [(1, 1450), (2, 2780), (4, 5100), (8, 8300), (16, 7300)]))
        #expect(recommendation.threads == 8)
        #expect(recommendation.slowdowns == [.init(threads: 16, fasterThreads: 8, shortfall: 1 - 7300.0 / 8300)])
        #expect(recommendation.description == """
            Recommended: 8 threads at batch size 64 (8300.0 samples/s).
            16 threads are 12% slower than 8.
            Use: recur train --threads 8 --batch-size 64
            """)
    }

    @Test func slowdownsCompareWithFastestFewerThreads() throws {
        let recommendation = try ThreadRecommendation(results: results([(1, 1000), (2, 1800), (4, 1700), (8, 1900), (16, 1500)]))
        #expect(recommendation.slowdowns.map(\.description) == ["4 threads are 5.6% slower than 2", "16 threads are 21% slower than 8"])
    }

    @Test func aShardSizeOtherThanTheDefaultIsInTheCommand() throws {
        let recommendation = try ThreadRecommendation(results: results(shardSize: 2, [(1, 1000), (2, 1900)]))
        #expect(recommendation.shardSize == 2)
        #expect(recommendation.commandLine == "recur train --threads 2 --batch-size 256 --shard-size 2")
    }

    /// (The default pass size, 4, is left out of the command.)
    @Test func theFastestPassSizeStandsForItsThreadCountAndIsInTheCommand() throws {
        let measurements = [(1, 4, 1000.0), (1, 16, 1100), (2, 4, 2000), (2, 16, 1900)].map {
            ReportingFixtures.measurement(threads: $0.0, batchSize: 256, median: $0.2, shardSize: 4, samplesPerPass: $0.1)
        }
        let results = try BenchReport(
            machine: ReportingFixtures.machine(), settings: ReportingFixtures.settings, measurements: measurements
        ).results
        let recommendation = try ThreadRecommendation(results: results)
        #expect(recommendation.threads == 2 && recommendation.samplesPerSecond == 2000)
        #expect(recommendation.samplesPerPass == 4)
        #expect(recommendation.commandLine == "recur train --threads 2 --batch-size 256")
        let single = try ThreadRecommendation(results: results.filter { $0.configuration.threads == 1 })
        #expect(single.samplesPerPass == 16)
        #expect(single.commandLine == "recur train --threads 1 --batch-size 256 --pass-samples 16")
        // For a model whose default pass is 16 (an LSTM on a 1 MiB L2), 4 is the one to name.
        let lstm = try ThreadRecommendation(results: results, modelArguments: ["--cell lstm"], defaultSamplesPerPass: 16)
        #expect(lstm.commandLine == "recur train --cell lstm --threads 2 --batch-size 256 --pass-samples 4")
    }

    @Test func unusableInputsThrow() throws {
        #expect(throws: ThreadRecommendationError.noResults) { try ThreadRecommendation(results: []) }
        let mixed = try ReportingFixtures.report().results
        #expect(throws: ThreadRecommendationError.mixedBatchSizes([64, 256])) { try ThreadRecommendation(results: mixed) }
        let shards = try results(shardSize: 2, [(1, 1000)]) + results(shardSize: 4, [(2, 1900)])
        #expect(throws: ThreadRecommendationError.mixedShardSizes([2, 4])) { try ThreadRecommendation(results: shards) }
        let single = try results([(1, 1000)])
        #expect(throws: ThreadRecommendationError.invalidTolerance(1)) { try ThreadRecommendation(results: single, tolerance: 1) }
        #expect(throws: ThreadRecommendationError.invalidTolerance(-0.1)) { try ThreadRecommendation(results: single, tolerance: -0.1) }
    }
}
