import RecurRuntime
extension VerificationReport {
    /// The report as an aligned table, one row per tensor, then a summary
    /// line: `PASSED: all 22 tensors within 1.00e-04 ...` or
    /// `FAILED: 1 of 22 tensors over 1.00e-04: grad.fc.weight`.
    ///
    /// Errors are written in scientific notation with three significant
    /// digits (`inf` for a NaN or a size mismatch), with the norm they are
    /// measured in (`max` or `l2`).
    public func table() -> String {
        var table = TextTable(columns: [
            .init(header: "tensor", alignment: .left),
            .init(header: "elements", alignment: .right),
            .init(header: "rel. error", alignment: .right),
            .init(header: "norm", alignment: .left),
            .init(header: "result", alignment: .left),
        ])
        table.rows = rows.map { row in
            [
                row.name, "\(row.elements)", Self.scientific(row.relativeError), row.norm.rawValue,
                row.passed ? "ok" : "FAIL",
            ]
        }
        let heading =
            "\(reference): \(shape.summary), batch \(batchSize), \(adamSteps) Adam step\(adamSteps == 1 ? "" : "s")\n"
        let bound = Self.scientific(tolerance)
        let summary =
            passed
            ? "PASSED: all \(rows.count) tensors within \(bound) of the reference\n"
            : "FAILED: \(failures.count) of \(rows.count) tensors over \(bound): "
                + failures.map(\.name).joined(separator: ", ") + "\n"
        return heading + table.rendered() + summary
    }

    /// `value` as `d.dde±XX` (e.g. `3.14e-07`), `0`, `inf` or `nan`.
    static func scientific(_ value: Double) -> String {
        guard value.isFinite else { return value.isNaN ? "nan" : "inf" }
        guard value != 0 else { return "0" }
        var mantissa = value.magnitude
        var exponent = 0
        while mantissa >= 10 {
            mantissa /= 10
            exponent += 1
        }
        while mantissa < 1 {
            mantissa *= 10
            exponent -= 1
        }
        var digits = Int((mantissa * 100).rounded())
        if digits >= 1000 {
            digits /= 10
            exponent += 1
        }
        let fraction = digits % 100
        let sign = value < 0 ? "-" : ""
        let exponentText = (exponent < 0 ? "-" : "+") + (abs(exponent) < 10 ? "0" : "") + "\(abs(exponent))"
        return "\(sign)\(digits / 100).\(fraction < 10 ? "0" : "")\(fraction)e\(exponentText)"
    }
}
