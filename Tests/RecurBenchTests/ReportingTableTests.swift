import RecurRuntime
import Testing

@testable import RecurBench

@Suite struct ReportingTableTests {
    @Test func tableHasHeaderAndOneAlignedRowPerResult() throws {
        let report = try ReportingFixtures.report()
        let lines = report.table().split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let headerIndex = try #require(lines.firstIndex { $0.hasPrefix("threads") })
        let header = lines[headerIndex]
        for column in ["batch", "samples/s (min-max)", "speedup", "eff.", "GFLOP/s", "peak", "fwd ms", "bwd ms", "sum ms", "exch ms",
                       "opt ms", "wait ms", "wait max ms", "total ms"] {
            #expect(header.contains(column), "missing column \(column)")
        }
        #expect(!header.contains("pin"), "pinning does not vary, so it has no column")
        let rows = Array(lines[(headerIndex + 2)...].prefix { !$0.isEmpty })
        #expect(rows.count == report.results.count)
        // Every column is right-aligned to the header's width, so lines are equally long.
        #expect(Set(([header, lines[headerIndex + 1]] + rows).map(\.count)).count == 1)
        let row = try #require(rows.first { $0.hasPrefix("     16     64") })
        #expect(row.contains("7400.0 (7178.0-7548.0)"))
        #expect(row.contains("5.10x"))
        #expect(row.contains("31.9%"))
        #expect(row.contains("253.5"))
    }

    @Test func passSizesGetAColumnOnlyWhenTheyVary() throws {
        let constant = try ReportingFixtures.report().table()
        #expect(constant.contains("Passes of up to 4 samples."))
        let measurements = [4, 16].map {
            ReportingFixtures.measurement(threads: 1, batchSize: 64, median: 1000, samplesPerPass: $0)
        }
        let varying = try BenchReport(
            machine: ReportingFixtures.machine(), settings: ReportingFixtures.settings, measurements: measurements
        ).table()
        let lines = varying.split(separator: "\n").map(String.init)
        let header = try #require(lines.first { $0.hasPrefix("threads") })
        #expect(header.contains("pass"))
        #expect(!varying.contains("Passes of up to"))
        #expect(lines.contains { $0.hasPrefix("      1     64     4 ") })
        #expect(lines.contains { $0.hasPrefix("      1     64    16 ") })
    }

    @Test func speedupComparesWithOneThreadAtTheSamePassSize() throws {
        let measurements = [(1, 4, 1000.0), (1, 16, 1250), (2, 4, 1900), (2, 16, 2000)].map {
            ReportingFixtures.measurement(threads: $0.0, batchSize: 64, median: $0.2, samplesPerPass: $0.1)
        }
        let results = try BenchReport(
            machine: ReportingFixtures.machine(), settings: ReportingFixtures.settings, measurements: measurements
        ).results
        let speedups = results.map { ($0.configuration.threads, $0.configuration.samplesPerPass, $0.speedup) }
        #expect(speedups.map(\.2) == [1, 1, 1.9, 1.6], "\(speedups)")
    }

    @Test func tableStartsWithMachineAndSettings() throws {
        let table = try ReportingFixtures.report().table()
        #expect(table.hasPrefix("recur bench: AMD EPYC 9654 96-Core Processor on bench-host, 2025-11-25T13:18:00Z\n"))
        #expect(table.contains("L2 1 MiB, L3 32 MiB"))
        #expect(table.contains("34.26 MFLOP per sample"))
        #expect(table.contains("FMA peak 64.0 GFLOP/s per core"))
    }

    @Test func textTablePadsShortRowsAndAlignsColumns() {
        var table = TextTable(columns: [.init(header: "name", alignment: .left), .init(header: "n", alignment: .right)])
        table.rows = [["a", "100"], ["long name"]]
        #expect(table.rendered() == "name         n\n---------  ---\na          100\nlong name\n")
    }
}
