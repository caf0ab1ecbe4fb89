import RecurSystem
/// Facts about this build of Recur, for reports.
public enum RecurBuild {
    public static let version = "0.1.0"

    /// The kernel builds the binary carries, the flags each was compiled
    /// with, and the optimisation level.
    public static let kernelBuilds =
        "kernels: avx512 (-march=x86-64-v4), avx2 (-march=x86-64-v3), portable (compiler defaults); " + optimization

    #if DEBUG
    static let optimization = "debug build (-Onone): not for measurements"
    #else
    static let optimization = "release build (-O)"
    #endif

    /// The current time as ISO 8601 in UTC, e.g. `2026-11-25T13:45:00Z`.
    public static func utcTimestamp() -> String {
        let now = SystemCalls.utcNow()
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(now.year)-\(two(now.month))-\(two(now.day))T"
            + "\(two(now.hour)):\(two(now.minute)):\(two(now.second))Z"
    }
}
