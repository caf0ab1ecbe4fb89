import RecurEngine

extension BenchReport {
    /// For a benchmark under mpirun: each rank's time per step in each phase
    /// (the exchange between processes its own column) and the bytes it
    /// handed MPI to send per step, per configuration.
    public func rankTable() -> String {
        var lines: [String] = []
        for measurement in results {
            guard let ranks = measurement.rankPhases, let bytes = measurement.bytesSentPerStep else { continue }
            lines.append("\(measurement.processes ?? ranks.count) ranks x \(measurement.configuration):")
            let phases = StepPhase.allCases
            lines.append(
                "  rank " + phases.map { pad($0.label + " ms", 20) }.joined() + pad("sent B/step", 14) + pad("exch alone ms", 15))
            for (rank, breakdown) in ranks.enumerated() {
                let cells = phases.map { pad(DecimalFormat.fixed(breakdown[$0] * 1000, digits: 3), 20) }.joined()
                lines.append("  " + pad("\(rank)", 5) + cells + pad(DecimalFormat.fixed(bytes[rank], digits: 0), 14)
                        + pad(measurement.exchangeAloneSeconds.map { DecimalFormat.fixed($0[rank] * 1000, digits: 3) } ?? "-", 15))
            }
        }
        return lines.joined(separator: "\n")
    }

    private func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text + " " : String(repeating: " ", count: width - text.count) + text
    }
}
