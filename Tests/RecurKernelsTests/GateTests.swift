import Foundation
@_spi(Kernels) import RecurCore
import Testing

/// The gate arithmetic of the LSTM and GRU (`Gates.swift`) against
/// double-precision references, on rows of 19 units (a whole vector and a
/// partial one) with strides wider than the rows, and the sigmoid's error
/// bound.
///
/// Measured against `1 / (1 + exp(-x))` in double, every 1e-4 in [-20, 20]:
/// absolute error 1.45e-7 in the fused builds (AVX-512, AVX2), 2.27e-7 in
/// the portable one.
@Suite struct GateTests {
    static let hidden = 19, rows = 3
    static let gateStride = 4 * 19 + 5, stateStride = 19 + 3

    static func sigmoid(_ x: Double) -> Double { 1 / (1 + exp(-x)) }

    static func bound(_ variant: KernelVariant) -> Double { variant.name == "portable" ? 2.3e-7 : 1.5e-7 }

    @Test(arguments: KernelVariant.supported)
    func sigmoidWithinItsBound(variant: KernelVariant) {
        var largest = 0.0
        var x = -20.0
        while x <= 20 {
            var input = SIMD16<Float>()
            for lane in 0..<16 { input[lane] = Float(x + Double(lane) * 1e-4) }
            let got = variant.sigmoid(input)
            for lane in 0..<16 {
                largest = max(largest, abs(Double(got[lane]) - Self.sigmoid(Double(input[lane]))))
            }
            x += 16e-4
        }
        #expect(largest <= Self.bound(variant), "\(variant): largest absolute error \(largest)")
        #expect(largest > 0, "a sigmoid exact to the last bit in float would be a surprise")
        let extremes = variant.sigmoid(SIMD16<Float>(repeating: .infinity))
        #expect(abs(extremes[0] - 1) <= 2.5e-7)
        #expect(variant.sigmoid(SIMD16<Float>(repeating: .nan))[0].isNaN)
    }

    /// Values in [-scale, scale] for `count` floats.
    static func random(_ count: Int, seed: UInt64, scale: Float = 2) -> [Float] {
        var random = RecurRandom(seed: seed)
        return random.floats(count, in: -scale...scale)
    }

    @Test(arguments: KernelVariant.supported, [false, true])
    func lstmStepAndGradientMatchDoubleReference(variant: KernelVariant, hasPrevious: Bool) {
        let h = Self.hidden, g = Self.gateStride, s = Self.stateStride
        let preActivations = Self.random(Self.rows * g, seed: 1)
        let previousCell = Self.random(Self.rows * s, seed: 2)
        var gates = preActivations
        var cell = [Float](repeating: 0, count: Self.rows * s), output = cell
        gates.withUnsafeMutableBufferPointer { gp in
            previousCell.withUnsafeBufferPointer { pp in
                cell.withUnsafeMutableBufferPointer { cp in
                    output.withUnsafeMutableBufferPointer { op in
                        variant.lstmCellRows(
                            gp.baseAddress!, g, hasPrevious ? pp.baseAddress! : nil, cp.baseAddress!, op.baseAddress!, s,
                            Self.rows, h)
                    }
                }
            }
        }
        let outputGradient = Self.random(Self.rows * s, seed: 3)
        let carried = Self.random(Self.rows * h, seed: 4)
        var carry = carried
        var gateGradients = [Float](repeating: 0, count: Self.rows * g)
        gates.withUnsafeBufferPointer { gp in
            previousCell.withUnsafeBufferPointer { pp in
                cell.withUnsafeBufferPointer { cp in
                    carry.withUnsafeMutableBufferPointer { dc in
                        gateGradients.withUnsafeMutableBufferPointer { dg in
                            variant.lstmCellGradientRows(
                                outputGradient, gp.baseAddress!, g, hasPrevious ? pp.baseAddress! : nil, cp.baseAddress!, s,
                                dc.baseAddress!, dg.baseAddress!, Self.rows, h)
                        }
                    }
                }
            }
        }
        var worst = 0.0
        func check(_ got: Float, _ expected: Double) { worst = max(worst, abs(Double(got) - expected)) }
        for r in 0..<Self.rows {
            for j in 0..<h {
                let x = { (gate: Int) in Double(preActivations[r * g + gate * h + j]) }
                let i = Self.sigmoid(x(0)), f = Self.sigmoid(x(1)), gg = tanh(x(2)), o = Self.sigmoid(x(3))
                let cPrevious = hasPrevious ? Double(previousCell[r * s + j]) : 0
                let c = f * cPrevious + i * gg
                for (gate, value) in [i, f, gg, o].enumerated() { check(gates[r * g + gate * h + j], value) }
                check(cell[r * s + j], c)
                check(output[r * s + j], o * tanh(c))
                // Backward from the kernel's own float activations.
                let a = { (gate: Int) in Double(gates[r * g + gate * h + j]) }
                let tc = tanh(Double(cell[r * s + j]))
                let dh = Double(outputGradient[r * s + j])
                let dc = Double(carried[r * h + j]) + dh * a(3) * (1 - tc * tc)
                check(gateGradients[r * g + j], dc * a(2) * a(0) * (1 - a(0)))
                check(gateGradients[r * g + h + j], dc * cPrevious * a(1) * (1 - a(1)))
                check(gateGradients[r * g + 2 * h + j], dc * a(0) * (1 - a(2) * a(2)))
                check(gateGradients[r * g + 3 * h + j], dh * tc * a(3) * (1 - a(3)))
                check(carry[r * h + j], dc * a(1))
            }
            // Padding between rows is never written.
            for pad in (r * g + 4 * h)..<((r + 1) * g) { #expect(gates[pad] == preActivations[pad]) }
        }
        #expect(worst <= 1e-6, "\(variant): largest absolute error \(worst)")
    }

    @Test(arguments: KernelVariant.supported, [false, true])
    func gruStepAndGradientMatchDoubleReference(variant: KernelVariant, hasPrevious: Bool) {
        let h = Self.hidden, g = Self.gateStride, s = Self.stateStride
        let preActivations = Self.random(Self.rows * g, seed: 5)
        let recurrent = Self.random(Self.rows * g, seed: 6)
        let previous = Self.random(Self.rows * s, seed: 7, scale: 1)
        var gates = preActivations
        var output = [Float](repeating: 0, count: Self.rows * s)
        gates.withUnsafeMutableBufferPointer { gp in
            previous.withUnsafeBufferPointer { pp in
                output.withUnsafeMutableBufferPointer { op in
                    variant.gruCellRows(
                        gp.baseAddress!, recurrent, g, hasPrevious ? pp.baseAddress! : nil, op.baseAddress!, s, Self.rows, h)
                }
            }
        }
        let outputGradient = Self.random(Self.rows * s, seed: 8)
        let previousGradientBefore = Self.random(Self.rows * s, seed: 9)
        var previousGradient = previousGradientBefore
        var inputSide = [Float](repeating: 0, count: Self.rows * g), recurrentSide = inputSide
        gates.withUnsafeBufferPointer { gp in
            previous.withUnsafeBufferPointer { pp in
                previousGradient.withUnsafeMutableBufferPointer { dp in
                    inputSide.withUnsafeMutableBufferPointer { di in
                        recurrentSide.withUnsafeMutableBufferPointer { dr in
                            variant.gruCellGradientRows(
                                outputGradient, gp.baseAddress!, recurrent, g, hasPrevious ? pp.baseAddress! : nil,
                                hasPrevious ? dp.baseAddress! : nil, s, di.baseAddress!, dr.baseAddress!, Self.rows, h)
                        }
                    }
                }
            }
        }
        var worst = 0.0
        func check(_ got: Float, _ expected: Double) { worst = max(worst, abs(Double(got) - expected)) }
        for row in 0..<Self.rows {
            for j in 0..<h {
                let x = { (gate: Int) in Double(preActivations[row * g + gate * h + j]) }
                let rr = { (gate: Int) in Double(recurrent[row * g + gate * h + j]) }
                let r = Self.sigmoid(x(0) + rr(0)), z = Self.sigmoid(x(1) + rr(1)), n = tanh(x(2) + r * rr(2))
                let hp = hasPrevious ? Double(previous[row * s + j]) : 0
                for (gate, value) in [r, z, n].enumerated() { check(gates[row * g + gate * h + j], value) }
                check(output[row * s + j], (1 - z) * n + z * hp)
                let a = { (gate: Int) in Double(gates[row * g + gate * h + j]) }
                let dh = Double(outputGradient[row * s + j])
                let dn = dh * (1 - a(1)) * (1 - a(2) * a(2))
                let dr = dn * rr(2) * a(0) * (1 - a(0))
                let dz = dh * (hp - a(2)) * a(1) * (1 - a(1))
                for (gate, value) in [dr, dz, dn].enumerated() { check(inputSide[row * g + gate * h + j], value) }
                for (gate, value) in [dr, dz, dn * a(0)].enumerated() { check(recurrentSide[row * g + gate * h + j], value) }
                let expectedPrevious = Double(previousGradientBefore[row * s + j]) + (hasPrevious ? dh * a(1) : 0)
                check(previousGradient[row * s + j], expectedPrevious)
            }
        }
        #expect(worst <= 1e-6, "\(variant): largest absolute error \(worst)")
    }
}
