#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Nanoseconds of `CLOCK_MONOTONIC`: about 20 ns a read through the vDSO,
/// cheap enough to read at every phase of every training step.
@inline(__always)
public func monotonicNanoseconds() -> Int64 {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return Int64(now.tv_sec) &* 1_000_000_000 &+ Int64(now.tv_nsec)
}

/// Seconds of `CLOCK_MONOTONIC`.
public func monotonicSeconds() -> Double {
    Double(monotonicNanoseconds()) / 1e9
}
