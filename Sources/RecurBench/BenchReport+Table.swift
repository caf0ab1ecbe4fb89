import RecurEngine
import RecurRuntime
extension BenchReport {
    /// The report as an aligned plain-text table for the terminal: a few
    /// summary lines, then one row per configuration with threads, batch size
    /// (pinning, shard and pass size too when they vary), median samples/s with the
    /// min-max range over repeats, speedup, parallel efficiency, GFLOP/s, share
    /// of the FMA peak, and milliseconds per step in each phase (mean over
    /// workers, plus the slowest worker's barrier wait). Unknown figures show
    /// as "-". Every line ends in a newline.
    public func table() -> String {
        let showsPin = Set(results.map(\.configuration.pin)).count > 1
        let showsShard = Set(results.map(\.configuration.shardSize)).count > 1
        let showsPass = Set(results.map(\.configuration.samplesPerPass)).count > 1
        var columns: [TextTable.Column] = [.init(header: "threads", alignment: .right), .init(header: "batch", alignment: .right)]
        if showsPin { columns.append(.init(header: "pin", alignment: .left)) }
        if showsShard { columns.append(.init(header: "shard", alignment: .right)) }
        if showsPass { columns.append(.init(header: "pass", alignment: .right)) }
        columns += ["samples/s (min-max)", "speedup", "eff.", "GFLOP/s", "peak"].map { .init(header: $0, alignment: .right) }
        columns += StepPhase.allCases.map { .init(header: Self.tableHeader($0), alignment: .right) }
        columns += ["wait max ms", "total ms"].map { .init(header: $0, alignment: .right) }

        var table = TextTable(columns: columns)
        for result in results {
            let configuration = result.configuration
            var row = ["\(configuration.threads)", "\(configuration.batchSize)"]
            if showsPin { row.append(configuration.pin ? "yes" : "no") }
            if showsShard { row.append("\(configuration.shardSize)") }
            if showsPass { row.append("\(configuration.samplesPerPass)") }
            let rate = { DecimalFormat.fixed($0, digits: 1) }
            row.append("\(rate(result.medianSamplesPerSecond)) (\(rate(result.minSamplesPerSecond))-\(rate(result.maxSamplesPerSecond)))")
            row.append(result.speedup.map { DecimalFormat.fixed($0, digits: 2) + "x" } ?? "-")
            row.append(result.efficiency.map { DecimalFormat.percent($0, digits: 1) } ?? "-")
            row.append(DecimalFormat.fixed(result.gflops, digits: 1))
            row.append(result.peakShare.map { DecimalFormat.percent($0, digits: 1) } ?? "-")
            let milliseconds = { DecimalFormat.fixed($0 * 1000, digits: 3) }
            row += StepPhase.allCases.map { milliseconds(result.phases[$0]) }
            row += [milliseconds(result.phasesMax.barrierWait), milliseconds(result.phases.total)]
            table.rows.append(row)
        }

        var notes = [
            "speedup and eff. compare with 1 thread at the same batch size; peak is the share of the FMA peak of the threads used, measured with all of them busy.",
            "Phase columns are milliseconds per step, mean over workers; wait max is the slowest worker's barrier wait.",
        ]
        if !showsPin, let pin = results.first?.configuration.pin { notes.append("Workers \(pin ? "pinned" : "not pinned").") }
        if !showsShard, let shard = results.first?.configuration.shardSize { notes.append("Shard size \(shard) samples.") }
        if !showsPass, let pass = results.first?.configuration.samplesPerPass {
            notes.append("Passes of up to \(pass) samples.")
        } else if showsPass {
            notes.append("pass is the most samples a worker runs through forward and BPTT at once.")
        }
        return summaryLines.map { $0 + "\n" }.joined() + "\n" + table.rendered() + "\n" + notes.map { $0 + "\n" }.joined()
    }

    /// A short column header for `phase`, e.g. "bwd ms".
    private static func tableHeader(_ phase: StepPhase) -> String {
        switch phase {
        case .forward: "fwd ms"
        case .backward: "bwd ms"
        case .allReduce: "sum ms"
        case .exchange: "exch ms"
        case .optimizer: "opt ms"
        case .barrierWait: "wait ms"
        }
    }
}
