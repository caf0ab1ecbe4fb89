/// Measures this build's fused multiply-add throughput: the ceiling every
/// kernel's GFLOP/s is compared with.
@_spi(Kernels) public enum PeakProbe {
    /// Runs `iterations` rounds of 24 independent vector FMA chains (enough to
    /// cover the latency of two FMA pipes on current x86 cores) and returns the
    /// floating-point operations done, counting an FMA as two. Time the call
    /// to get FLOP/s.
    @inline(never)
    public static func run(iterations: Int, seed: Float = 1e-3) -> (flops: Double, checksum: Float) {
        // c = c·(1-s) + s converges to 1 and d = d·s + (1-s) to about 1: no
        // overflow or subnormals, whose slow paths would distort the peak.
        let x = Vec(repeating: 1 - seed), y = Vec(repeating: seed)
        var c0 = Vec(repeating: seed), c1 = c0 + 1, c2 = c0 + 2, c3 = c0 + 3, c4 = c0 + 4, c5 = c0 + 5
        var c6 = c0 + 6, c7 = c0 + 7, c8 = c0 + 8, c9 = c0 + 9, c10 = c0 + 10, c11 = c0 + 11
        var d0 = c0 - 1, d1 = c0 - 2, d2 = c0 - 3, d3 = c0 - 4, d4 = c0 - 5, d5 = c0 - 6
        var d6 = c0 - 7, d7 = c0 - 8, d8 = c0 - 9, d9 = c0 - 10, d10 = c0 - 11, d11 = c0 - 12
        for _ in 0..<iterations {
            c0 = fma(c0, x, y); c1 = fma(c1, x, y); c2 = fma(c2, x, y); c3 = fma(c3, x, y)
            c4 = fma(c4, x, y); c5 = fma(c5, x, y); c6 = fma(c6, x, y); c7 = fma(c7, x, y)
            c8 = fma(c8, x, y); c9 = fma(c9, x, y); c10 = fma(c10, x, y); c11 = fma(c11, x, y)
            d0 = fma(d0, y, x); d1 = fma(d1, y, x); d2 = fma(d2, y, x); d3 = fma(d3, y, x)
            d4 = fma(d4, y, x); d5 = fma(d5, y, x); d6 = fma(d6, y, x); d7 = fma(d7, y, x)
            d8 = fma(d8, y, x); d9 = fma(d9, y, x); d10 = fma(d10, y, x); d11 = fma(d11, y, x)
        }
        let total = (c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11)
            + (d0 + d1 + d2 + d3 + d4 + d5 + d6 + d7 + d8 + d9 + d10 + d11)
        return (Double(iterations) * 24 * 2 * Double(Vec.scalarCount), total.sum())
    }
}
