@_spi(Kernels) import RecurCore
import Foundation
import Testing

/// `PeakProbe.run` and `ComputeBackend.fmaPeakProbe`: the FLOP count formula
/// and chains that compute what they claim.
@Suite struct PeakProbeTests {
    /// `chains` chains of one 16-float FMA (2 FLOPs per lane) per iteration.
    static func flops(_ iterations: Int, chains: Int) -> Double { Double(iterations) * Double(chains) * 16 * 2 }

    /// The sum of the probe's 16 values after `iterations` in closed form: the
    /// first `chains` run `c ← c(1-s) + s` from `s + k`, converging to 1 as
    /// `(1-s)ⁿ`; the others keep `s + k`. 16 lanes each.
    static func checksum(_ iterations: Int, seed s: Double, chains: Int) -> (value: Double, magnitude: Double) {
        var total = 0.0, magnitude = 0.0
        for k in 0..<16 {
            let c = k < chains ? 1 + (s + Double(k) - 1) * pow(1 - s, Double(iterations)) : s + Double(k)
            total += c
            magnitude += abs(c)
        }
        return (16 * total, 16 * magnitude)
    }

    /// Every build runs at least the 8 chains two FMA pipes of 4-cycle latency
    /// need, counted in hardware registers (a 16-float `Vec` is 1 zmm, 2 ymm or
    /// 4 xmm/NEON registers), and no more than the probe has.
    @Test(arguments: KernelVariant.supported)
    func runsEnoughChains(variant: KernelVariant) {
        #expect(variant.probeChains <= 16)
        let registersPerVec = ["avx512": 1, "avx2": 2][variant.name] ?? 4
        #expect(variant.probeChains * registersPerVec >= 8, "\(variant.name): \(variant.probeChains) chains")
        if variant.name == "avx512" { #expect(variant.probeChains == 16) }
    }

    @Test(arguments: KernelVariant.supported, [0, 1, 7, 1000])
    func countsFlopsAndComputesTheChains(variant: KernelVariant, iterations: Int) {
        for seed: Float in [1e-3, 0.25] {
            let result = variant.peakProbe(iterations, seed)
            #expect(result.flops == Self.flops(iterations, chains: variant.probeChains))
            let expected = Self.checksum(iterations, seed: Double(seed), chains: variant.probeChains)
            // Each chain contracts, so its rounding errors stay below ε·|c|/s.
            let tolerance = 4 * Double(Float.ulpOfOne) * expected.magnitude / Double(min(seed, 1 - seed))
            #expect(abs(Double(result.checksum) - expected.value) <= tolerance, "\(variant): \(result.checksum) vs \(expected.value)")
        }
        #expect(variant.backend.fmaPeakProbe(iterations: iterations) == Self.flops(iterations, chains: variant.probeChains))
    }
}
