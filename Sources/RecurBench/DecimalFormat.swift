/// Fixed-point formatting of numbers for the text outputs, without
/// Foundation's `String(format:)`.
enum DecimalFormat {
    /// `value` rounded half away from zero to `digits` decimals (0 to 9),
    /// e.g. `fixed(3.14159, digits: 2) == "3.14"`, `fixed(-0.004, digits: 2) == "0.00"`.
    /// Values too large for fixed-point digits (and non-finite ones) use
    /// Swift's shortest description, e.g. "1e+20".
    static func fixed(_ value: Double, digits: Int) -> String {
        let digits = min(max(digits, 0), 9)
        var scale: UInt64 = 1
        for _ in 0..<digits { scale *= 10 }
        let scaled = (value.magnitude * Double(scale)).rounded()
        guard scaled < 9e15 else { return "\(value)" }
        let units = UInt64(scaled)
        let sign = value < 0 && units != 0 ? "-" : ""
        let whole = "\(units / scale)"
        guard digits > 0 else { return sign + whole }
        let fraction = "\(units % scale)"
        return sign + whole + "." + String(repeating: "0", count: digits - fraction.count) + fraction
    }

    /// `share` (1 is 100 %) as a percentage with `digits` decimals and no
    /// sign, e.g. `percent(0.8123, digits: 1) == "81.2%"`.
    static func percent(_ share: Double, digits: Int) -> String {
        fixed(share * 100, digits: digits) + "%"
    }
}
