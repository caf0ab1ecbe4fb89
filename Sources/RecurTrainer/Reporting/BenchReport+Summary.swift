extension BenchReport {
    /// A few lines describing the machine and the settings, for the top of the
    /// table and the plot's subtitle, e.g. "model: 2-layer tanh RNN, 34.26 MFLOP per sample".
    var summaryLines: [String] {
        let peak = settings.fmaPeakGFLOPSPerCore.map { "FMA peak \(DecimalFormat.fixed($0, digits: 1)) GFLOP/s per core" }
        return [
            "recur bench: \(machine.cpuModel) on \(machine.hostname), \(machine.date)",
            "machine: \(machine.topologySummary)",
            "build: recur \(machine.recurVersion), backend \(machine.backend), flags \(machine.buildFlags)",
            "model: \(settings.modelDescription), \(DecimalFormat.fixed(settings.flopsPerSample / 1e6, digits: 2)) MFLOP per sample",
            "run: \(settings.steps) measured steps after \(settings.warmup) warm-up steps, \(settings.repeats) repeats; "
                + (peak ?? "FMA peak not measured"),
        ]
    }
}
