import Foundation
@_spi(Kernels) import RecurCore
import Testing

/// `ComputeBackend.adam` (`adamUpdate`) against `torch.optim.Adam`'s formula
/// computed in double precision from the same float state.
@Suite struct AdamUpdateTests {
    static let count = 203
    /// Covers whole vectors and a scalar tail, and leaves elements on both sides.
    static let range = 3..<170

    struct State {
        var parameters: [Float]
        var firstMoment: [Float]
        var secondMoment: [Float]
    }

    /// One step in double precision:
    /// `m = β1 m + (1-β1) g`, `v = β2 v + (1-β2) g²`,
    /// `p -= lr / (1-β1ᵗ) · m / (√v / √(1-β2ᵗ) + ε)`; also returns each
    /// parameter's tolerance, 1e-6 relative to the magnitudes of its terms.
    static func reference(_ state: State, gradients: [Float], step: AdamStep, index i: Int)
        -> (p: Double, m: Double, v: Double, pTolerance: Double, mTolerance: Double)
    {
        let t = Double(step.step)
        let g = Double(gradients[i]), m0 = Double(state.firstMoment[i]), v0 = Double(state.secondMoment[i])
        let m = step.beta1 * m0 + (1 - step.beta1) * g
        let v = step.beta2 * v0 + (1 - step.beta2) * g * g
        let stepSize = step.learningRate / (1 - pow(step.beta1, t))
        let denominator = v.squareRoot() / (1 - pow(step.beta2, t)).squareRoot() + step.epsilon
        let p0 = Double(state.parameters[i])
        let p = p0 - stepSize * m / denominator
        let mTolerance = 1e-6 * (abs(m0) + abs(g))
        return (p, m, v, 1e-6 * (abs(p0) + stepSize * (abs(m0) + abs(g)) / denominator), mTolerance)
    }

    /// Runs the backend's step on copies of `state`.
    static func update(_ variant: KernelVariant, _ state: State, gradients: [Float], step: AdamStep) -> State {
        let p = GuardedFloats(state.parameters), m = GuardedFloats(state.firstMoment)
        let v = GuardedFloats(state.secondMoment), g = GuardedFloats(gradients)
        variant.backend.adam(
            step, parameters: p.pointer, gradients: g.pointer, firstMoment: m.pointer, secondMoment: v.pointer,
            range: range)
        return State(parameters: p.values, firstMoment: m.values, secondMoment: v.values)
    }

    static let settings: [AdamStep] = [
        AdamStep(learningRate: 1e-3, step: 1),
        AdamStep(learningRate: 3e-2, beta1: 0.8, beta2: 0.99, epsilon: 1e-6, step: 1),
    ]

    /// Five consecutive steps; each is checked from the kernel's own float
    /// state after the previous one, so errors do not compound.
    @Test(arguments: KernelVariant.supported, settings.indices)
    func matchesTorchFormula(variant: KernelVariant, setting: Int) {
        var random = RecurRandom(seed: UInt64(setting))
        var state = State(
            parameters: random.floats(Self.count), firstMoment: [Float](repeating: 0, count: Self.count),
            secondMoment: [Float](repeating: 0, count: Self.count))
        for t in 1...5 {
            var step = Self.settings[setting]
            step.step = t
            // Gradients over several orders of magnitude, some zero, some below ε.
            var gradients = random.floats(Self.count).enumerated().map { i, g in g * Float(pow(10.0, Double(i % 7 - 5))) }
            for i in stride(from: 0, to: Self.count, by: 11) { gradients[i] = 0 }
            let updated = Self.update(variant, state, gradients: gradients, step: step)
            for i in 0..<Self.count {
                if Self.range.contains(i) {
                    let expected = Self.reference(state, gradients: gradients, step: step, index: i)
                    let p = Double(updated.parameters[i]), m = Double(updated.firstMoment[i])
                    let v = Double(updated.secondMoment[i])
                    #expect(abs(m - expected.m) <= expected.mTolerance, "\(variant) step \(t) m[\(i)]: \(m) vs \(expected.m)")
                    #expect(abs(v - expected.v) <= 1e-6 * expected.v, "\(variant) step \(t) v[\(i)]: \(v) vs \(expected.v)")
                    #expect(abs(p - expected.p) <= expected.pTolerance, "\(variant) step \(t) p[\(i)]: \(p) vs \(expected.p)")
                } else {
                    #expect(updated.parameters[i] == state.parameters[i], "\(variant): p[\(i)] outside the range changed")
                    #expect(updated.firstMoment[i] == state.firstMoment[i] && updated.secondMoment[i] == state.secondMoment[i])
                }
            }
            state = updated
        }
    }

    /// Zero gradients with zero moments (the layout's padding) leave the
    /// parameters exactly as they were.
    @Test(arguments: KernelVariant.supported)
    func zeroGradientLeavesParametersAlone(variant: KernelVariant) {
        var random = RecurRandom(seed: 9)
        let zeros = [Float](repeating: 0, count: Self.count)
        let state = State(parameters: random.floats(Self.count), firstMoment: zeros, secondMoment: zeros)
        let updated = Self.update(variant, state, gradients: zeros, step: AdamStep(learningRate: 0.1, step: 1))
        #expect(updated.parameters == state.parameters)
        #expect(updated.firstMoment == zeros && updated.secondMoment == zeros)
    }
}
