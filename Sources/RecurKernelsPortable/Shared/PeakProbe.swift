/// Measures this build's fused multiply-add throughput: the ceiling every
/// kernel's GFLOP/s is compared with.
@_spi(Kernels) public enum PeakProbe {
    /// Runs `iterations` rounds of ``probeChains`` independent vector FMA
    /// chains (set per instruction set to fill the registers without
    /// spilling, and enough to cover the latency of two FMA pipes) and
    /// returns the floating-point operations done, counting an FMA as two.
    /// Time the call to get FLOP/s.
    @inline(never)
    public static func run(iterations: Int, seed: Float = 1e-3) -> (flops: Double, checksum: Float) {
        // c = c·(1-s) + s converges to 1: no overflow or subnormals, whose slow
        // paths would distort the peak.
        let x = Vec(repeating: 1 - seed), y = Vec(repeating: seed)
        var c0 = Vec(repeating: seed), c1 = c0 + 1, c2 = c0 + 2, c3 = c0 + 3, c4 = c0 + 4, c5 = c0 + 5
        var c6 = c0 + 6, c7 = c0 + 7, c8 = c0 + 8, c9 = c0 + 9, c10 = c0 + 10, c11 = c0 + 11
        for _ in 0..<iterations {
            c0 = fma(c0, x, y); c1 = fma(c1, x, y); c2 = fma(c2, x, y)
            if probeChains > 3 { c3 = fma(c3, x, y); c4 = fma(c4, x, y); c5 = fma(c5, x, y) }
            if probeChains > 6 {
                c6 = fma(c6, x, y); c7 = fma(c7, x, y); c8 = fma(c8, x, y)
                c9 = fma(c9, x, y); c10 = fma(c10, x, y); c11 = fma(c11, x, y)
            }
        }
        let total = (c0 + c1 + c2 + c3 + c4 + c5) + (c6 + c7 + c8 + c9 + c10 + c11)
        return (Double(iterations) * Double(probeChains) * 2 * Double(Vec.scalarCount), total.sum())
    }
}
