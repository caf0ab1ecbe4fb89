#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

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
        var now = time(nil)
        var parts = tm()
        gmtime_r(&now, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T"
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))Z"
    }
}
