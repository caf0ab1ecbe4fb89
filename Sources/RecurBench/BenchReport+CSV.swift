import RecurEngine
extension BenchReport {
    /// The CSV columns, in order:
    ///
    /// - `threads`, `batch_size`, `pin` (`true`/`false`), `shard_size`,
    ///   `pass_samples`: the configuration;
    /// - `repeats`: how many throughput figures were measured;
    /// - `samples_per_s_repeats`: those figures, separated by `;`;
    /// - `samples_per_s_median`, `samples_per_s_min`, `samples_per_s_max`;
    /// - `speedup`, `efficiency` (1 is linear scaling): empty without a
    ///   one-thread result at the same batch size;
    /// - `gflops`; `fma_peak_gflops`, the FMA peak of the threads used measured
    ///   with all of them busy (empty when not measured); `peak_share` (1 is
    ///   that peak, or the one-core peak times threads without it), empty when
    ///   no peak was measured;
    /// - for each phase (`forward`, `backward`, `shard_sum`, `exchange`, `optimizer`,
    ///   `barrier_wait`) and for `total`, the seconds per step as the mean over
    ///   workers (`<phase>_mean_s`) and the maximum over workers (`<phase>_max_s`).
    public static let csvColumns: [String] = {
        let figures = [
            "threads", "batch_size", "pin", "shard_size", "pass_samples", "repeats", "samples_per_s_repeats",
            "samples_per_s_median", "samples_per_s_min", "samples_per_s_max",
            "speedup", "efficiency", "gflops", "fma_peak_gflops", "peak_share",
        ]
        let phases = StepPhase.allCases.map(\.columnName) + ["total"]
        return figures + phases.flatMap { ["\($0)_mean_s", "\($0)_max_s"] }
    }()

    /// The report as CSV: comment lines starting with `#` that describe the
    /// machine and the settings (`# key: value`), then a header row of
    /// ``csvColumns`` and one row per result.
    ///
    /// Numbers are written in Swift's shortest round-trip form (e.g. `8300.0`,
    /// `1.5e-05`) and times are in seconds per step. Fields containing a comma,
    /// a double quote or a line break are quoted as RFC 4180 describes; lines
    /// end in `\n`. Line breaks inside comment values become spaces.
    public func csv() -> String {
        let comments: [(String, String)] = [
            ("recur_bench", "recur \(machine.recurVersion)"),
            ("cpu_model", machine.cpuModel),
            ("packages", "\(machine.packages)"),
            ("numa_nodes", "\(machine.numaNodes)"),
            ("cores", "\(machine.cores)"),
            ("pus", "\(machine.pus)"),
            ("usable_pus", "\(machine.usablePUs)"),
            ("l2_bytes", "\(machine.l2Bytes)"),
            ("l3_bytes", "\(machine.l3Bytes)"),
            ("backend", machine.backend),
            ("build_flags", machine.buildFlags),
            ("hostname", machine.hostname),
            ("date", machine.date),
            ("model", settings.modelDescription),
            ("flops_per_sample", "\(settings.flopsPerSample)"),
            ("fma_peak_gflops_per_core", settings.fmaPeakGFLOPSPerCore.map { "\($0)" } ?? ""),
            ("steps", "\(settings.steps)"),
            ("warmup", "\(settings.warmup)"),
            ("repeats", "\(settings.repeats)"),
            ("rounds", "\(settings.rounds)"),
        ]
        var text = ""
        for (key, value) in comments {
            let singleLine = String(value.map { $0.isNewline ? " " : $0 })
            text += "# \(key): \(singleLine)\n"
        }
        text += Self.csvColumns.map(Self.csvField).joined(separator: ",") + "\n"
        for result in results {
            text += Self.csvRow(result).map(Self.csvField).joined(separator: ",") + "\n"
        }
        return text
    }

    /// The cells of `result`'s row, in the order of ``csvColumns``.
    private static func csvRow(_ result: BenchResult) -> [String] {
        let configuration = result.configuration
        func optional(_ value: Double?) -> String { value.map { "\($0)" } ?? "" }
        var row: [String] = [
            "\(configuration.threads)", "\(configuration.batchSize)", "\(configuration.pin)", "\(configuration.shardSize)",
            "\(configuration.samplesPerPass)",
            "\(result.samplesPerSecond.count)", result.samplesPerSecond.map { "\($0)" }.joined(separator: ";"),
            "\(result.medianSamplesPerSecond)", "\(result.minSamplesPerSecond)", "\(result.maxSamplesPerSecond)",
        ]
        row += [optional(result.speedup), optional(result.efficiency), "\(result.gflops)"]
        row += [optional(result.fmaPeakGFLOPS), optional(result.peakShare)]
        for phase in StepPhase.allCases {
            row += ["\(result.phases[phase])", "\(result.phasesMax[phase])"]
        }
        row += ["\(result.phases.total)", "\(result.phasesMax.total)"]
        return row
    }

    /// `field` quoted as RFC 4180 requires: in double quotes, with inner
    /// double quotes doubled, when it contains a comma, a double quote or a
    /// line break; unchanged otherwise.
    static func csvField(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline }) else { return field }
        let escaped = field.flatMap { $0 == "\"" ? ["\"", "\""] : [$0] }
        return "\"" + String(escaped) + "\""
    }
}
