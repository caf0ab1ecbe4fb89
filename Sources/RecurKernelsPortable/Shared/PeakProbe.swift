/// Measures this build's fused multiply-add throughput: the ceiling every
/// kernel's GFLOP/s is compared with.
@_spi(Kernels) public enum PeakProbe {
    /// Runs `iterations` rounds of ``probeChains`` (3, 6, 12 or 16)
    /// independent vector FMA chains (set per instruction set to fill the
    /// registers without spilling, and at least the 8 that two FMA pipes of
    /// 4-cycle latency need) and returns the floating-point operations done,
    /// counting an FMA as two, and the sum of all 16 chain values (chains the
    /// build does not run keep their start values) so the work cannot be
    /// dropped. Time the call to get FLOP/s.
    @inline(never)
    public static func run(iterations: Int, seed: Float = 1e-3) -> (flops: Double, checksum: Float) {
        // c = c·(1-s) + s converges to 1: no overflow or subnormals, whose slow
        // paths would distort the peak.
        let x = Vec(repeating: 1 - seed), y = Vec(repeating: seed)
        var c0 = Vec(repeating: seed), c1 = c0 + 1, c2 = c0 + 2, c3 = c0 + 3, c4 = c0 + 4, c5 = c0 + 5
        var c6 = c0 + 6, c7 = c0 + 7, c8 = c0 + 8, c9 = c0 + 9, c10 = c0 + 10, c11 = c0 + 11
        var c12 = c0 + 12, c13 = c0 + 13, c14 = c0 + 14, c15 = c0 + 15
        for _ in 0..<iterations {
            c0 = fma(c0, x, y); c1 = fma(c1, x, y); c2 = fma(c2, x, y)
            if probeChains > 3 { c3 = fma(c3, x, y); c4 = fma(c4, x, y); c5 = fma(c5, x, y) }
            if probeChains > 6 {
                c6 = fma(c6, x, y); c7 = fma(c7, x, y); c8 = fma(c8, x, y)
                c9 = fma(c9, x, y); c10 = fma(c10, x, y); c11 = fma(c11, x, y)
            }
            if probeChains > 12 { c12 = fma(c12, x, y); c13 = fma(c13, x, y); c14 = fma(c14, x, y); c15 = fma(c15, x, y) }
        }
        let total = (c0 + c1 + c2 + c3 + c4 + c5) + (c6 + c7 + c8 + c9 + c10 + c11) + ((c12 + c13) + (c14 + c15))
        return (Double(iterations) * Double(probeChains) * 2 * Double(Vec.scalarCount), total.sum())
    }
}
