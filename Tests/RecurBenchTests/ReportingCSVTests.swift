import RecurEngine
import Testing

@testable import RecurBench

@Suite struct ReportingCSVTests {
    /// Splits RFC 4180 CSV text into records of fields, skipping lines that start with `#`.
    private func parseCSV(_ text: String) -> [[String]] {
        var records: [[String]] = [], record: [String] = [], field = ""
        var inQuotes = false, atLineStart = true, inComment = false
        var characters = text.makeIterator()
        var pending: Character? = nil
        while let character = pending ?? characters.next() {
            pending = nil
            if inComment {
                if character.isNewline { inComment = false; atLineStart = true }
                continue
            }
            if atLineStart, character == "#", !inQuotes { inComment = true; continue }
            atLineStart = false
            if inQuotes {
                if character == "\"" {
                    let next = characters.next()
                    if next == "\"" { field.append("\"") } else { inQuotes = false; pending = next }
                } else {
                    field.append(character)
                }
            } else if character == "\"" {
                inQuotes = true
            } else if character == "," {
                record.append(field); field = ""
            } else if character.isNewline {
                record.append(field); field = ""
                records.append(record); record = []
                atLineStart = true
            } else {
                field.append(character)
            }
        }
        if !field.isEmpty || !record.isEmpty { record.append(field); records.append(record) }
        return records
    }

    @Test func csvHasDocumentedColumnsAndOneRowPerResult() throws {
        let report = try ReportingFixtures.report()
        let records = parseCSV(report.csv())
        #expect(records.first == BenchReport.csvColumns)
        #expect(BenchReport.csvColumns.count == 15 + 2 * 7)
        #expect(BenchReport.csvColumns.contains("barrier_wait_max_s"))
        #expect(records.count == 1 + report.results.count)
        #expect(records.dropFirst().allSatisfy { $0.count == BenchReport.csvColumns.count })
    }

    @Test func csvValuesParseBackExactly() throws {
        let report = try ReportingFixtures.report()
        let records = parseCSV(report.csv())
        let columns = BenchReport.csvColumns
        func column(_ name: String) throws -> Int { try #require(columns.firstIndex(of: name)) }
        for (result, row) in zip(report.results, records.dropFirst()) {
            #expect(Int(row[try column("threads")]) == result.configuration.threads)
            #expect(Int(row[try column("batch_size")]) == result.configuration.batchSize)
            #expect(Bool(row[try column("pin")]) == result.configuration.pin)
            #expect(Int(row[try column("shard_size")]) == result.configuration.shardSize)
            #expect(Int(row[try column("pass_samples")]) == result.configuration.samplesPerPass)
            #expect(Int(row[try column("repeats")]) == result.samplesPerSecond.count)
            #expect(row[try column("samples_per_s_repeats")].split(separator: ";").compactMap { Double($0) } == result.samplesPerSecond)
            #expect(Double(row[try column("samples_per_s_median")]) == result.medianSamplesPerSecond)
            #expect(Double(row[try column("samples_per_s_min")]) == result.minSamplesPerSecond)
            #expect(Double(row[try column("samples_per_s_max")]) == result.maxSamplesPerSecond)
            #expect(Double(row[try column("speedup")]) == result.speedup)
            #expect(Double(row[try column("efficiency")]) == result.efficiency)
            #expect(Double(row[try column("gflops")]) == result.gflops)
            #expect(Double(row[try column("fma_peak_gflops")]) == result.fmaPeakGFLOPS)
            #expect(Double(row[try column("peak_share")]) == result.peakShare)
            for phase in StepPhase.allCases {
                #expect(Double(row[try column("\(phase.columnName)_mean_s")]) == result.phases[phase])
                #expect(Double(row[try column("\(phase.columnName)_max_s")]) == result.phasesMax[phase])
            }
            #expect(Double(row[try column("total_mean_s")]) == result.phases.total)
            #expect(Double(row[try column("total_max_s")]) == result.phasesMax.total)
        }
    }

    @Test func unknownFiguresAreEmptyFields() throws {
        var settings = ReportingFixtures.settings
        settings.fmaPeakGFLOPSPerCore = nil
        let report = try BenchReport(
            machine: ReportingFixtures.machine(), settings: settings,
            measurements: [ReportingFixtures.measurement(threads: 2, batchSize: 64, median: 900)])
        let records = parseCSV(report.csv())
        let row = try #require(records.last)
        for name in ["speedup", "efficiency", "peak_share"] {
            let index = try #require(BenchReport.csvColumns.firstIndex(of: name))
            #expect(row[index] == "")
        }
        #expect(report.csv().contains("# fma_peak_gflops_per_core: \n"))
    }

    @Test func commentsDescribeMachineAndSettingsEvenWithAwkwardCPUName() throws {
        let cpuModel = "Intel(R) Xeon(R) \"Max\", 9480\nrev 2"
        let csv = try ReportingFixtures.report(cpuModel: cpuModel).csv()
        let comments = csv.split(separator: "\n").filter { $0.hasPrefix("#") }
        #expect(comments.contains("# cpu_model: Intel(R) Xeon(R) \"Max\", 9480 rev 2"))
        for line in ["# hostname: bench-host", "# backend: avx512", "# date: 2025-11-25T13:18:00Z", "# steps: 20", "# warmup: 3",
                     "# repeats: 3", "# rounds: 1", "# flops_per_sample: 34260000.0", "# fma_peak_gflops_per_core: 64.0", "# l3_bytes: 33554432"] {
            #expect(comments.contains(Substring(line)), "missing \(line)")
        }
        let records = parseCSV(csv)
        #expect(records.count == 11)
        #expect(records.first == BenchReport.csvColumns)
    }

    @Test func fieldsWithCommasQuotesOrLineBreaksAreQuoted() {
        #expect(BenchReport.csvField("plain") == "plain")
        #expect(BenchReport.csvField("a,b") == "\"a,b\"")
        #expect(BenchReport.csvField("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(BenchReport.csvField("two\nlines") == "\"two\nlines\"")
        let fields = ["AMD, \"Zen 4\"", "x", "two\nlines", ""]
        let line = fields.map(BenchReport.csvField).joined(separator: ",") + "\n"
        #expect(parseCSV(line) == [fields])
    }
}
