import Foundation
import Testing

/// `PeakProbe.run` and `ComputeBackend.fmaPeakProbe`: the FLOP count formula
/// and chains that compute what they claim.
@Suite struct PeakProbeTests {
    /// 24 chains of one 16-float FMA (2 FLOPs per lane) per iteration.
    static func flops(_ iterations: Int) -> Double { Double(iterations) * 24 * 16 * 2 }

    /// The chains' sum after `iterations` in closed form: 12 chains
    /// `c ← c(1-s) + s` from `s + k`, converging to 1 as `(1-s)ⁿ`, and 12
    /// chains `d ← d·s + (1-s)` from `s - (k+1)`, converging to 1 as `sⁿ`;
    /// 16 lanes each.
    static func checksum(_ iterations: Int, seed s: Double) -> (value: Double, magnitude: Double) {
        var total = 0.0, magnitude = 0.0
        for k in 0..<12 {
            let c = 1 + (s + Double(k) - 1) * pow(1 - s, Double(iterations))
            let d = 1 + (s - Double(k + 1) - 1) * pow(s, Double(iterations))
            total += c + d
            magnitude += abs(c) + abs(d)
        }
        return (16 * total, 16 * magnitude)
    }

    @Test(arguments: KernelVariant.supported, [0, 1, 7, 1000])
    func countsFlopsAndComputesTheChains(variant: KernelVariant, iterations: Int) {
        for seed: Float in [1e-3, 0.25] {
            let result = variant.peakProbe(iterations, seed)
            #expect(result.flops == Self.flops(iterations))
            let expected = Self.checksum(iterations, seed: Double(seed))
            // Each chain contracts, so its rounding errors stay below ε·|c|/s.
            let tolerance = 4 * Double(Float.ulpOfOne) * expected.magnitude / Double(min(seed, 1 - seed))
            #expect(abs(Double(result.checksum) - expected.value) <= tolerance, "\(variant): \(result.checksum) vs \(expected.value)")
        }
        #expect(variant.backend.fmaPeakProbe(iterations: iterations) == Self.flops(iterations))
    }
}
