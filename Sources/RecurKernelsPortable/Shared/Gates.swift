/// Vectorised logistic sigmoid `1 / (1 + e⁻ˣ)`, as `0.5 + 0.5·tanh(x/2)`
/// with ``vectorTanh(_:)``: absolute error at most 1.5e-7 with FMA (the
/// AVX-512 and AVX2 builds) and 2.3e-7 without (measured in
/// `RecurKernelsTests` against the double-precision sigmoid every 1e-4 in
/// [-20, 20]); below about -15.8 it returns 1.2e-7 rather than the true,
/// smaller value. NaN propagates.
@_transparent
func vectorSigmoid(_ x: Vec) -> Vec {
    let half = Vec(repeating: 0.5)
    return fma(half, vectorTanh(half * x), half)
}

/// Calls `body(j, valid)` for each run of up to 16 of `count` floats.
@inline(__always)
private func forEachVector(_ count: Int, _ body: (Int, Int) -> Void) {
    var j = 0
    while j < count {
        body(j, min(Vec.scalarCount, count - j))
        j += Vec.scalarCount
    }
}

/// One LSTM step for `rows` samples, as `nn.LSTM` (gates i, f, g, o):
/// `c = f·c₋₁ + i·g`, `h = o·tanh(c)`, with `i, f, o = σ(·)` and
/// `g = tanh(·)` of the gates' pre-activations. Each row's `4·hidden`
/// pre-activations at `gates` (rows `gateRowStride` apart) are overwritten by
/// the activations, which backprop reads; `cell` and `output` (rows
/// `stateRowStride` apart) get `c` and `h`. `previousCell` (laid out like
/// `cell`) is nil at the first step, where `c₋₁ = 0`.
func lstmCellRows(
    gates: UnsafeMutablePointer<Float>, gateRowStride: Int, previousCell: UnsafePointer<Float>?,
    cell: UnsafeMutablePointer<Float>, output: UnsafeMutablePointer<Float>, stateRowStride: Int,
    rows: Int, hidden: Int
) {
    for r in 0..<rows {
        let gate = gates + r * gateRowStride
        let c = cell + r * stateRowStride, h = output + r * stateRowStride
        let cPrevious = previousCell.map { $0 + r * stateRowStride }
        forEachVector(hidden) { j, valid in
            let i = vectorSigmoid(loadPartial(UnsafePointer(gate + j), valid: valid))
            let f = vectorSigmoid(loadPartial(UnsafePointer(gate + hidden + j), valid: valid))
            let g = vectorTanh(loadPartial(UnsafePointer(gate + 2 * hidden + j), valid: valid))
            let o = vectorSigmoid(loadPartial(UnsafePointer(gate + 3 * hidden + j), valid: valid))
            let ig = i * g
            let cell = cPrevious.map { fma(f, loadPartial($0 + j, valid: valid), ig) } ?? ig
            storePartial(i, gate + j, valid: valid)
            storePartial(f, gate + hidden + j, valid: valid)
            storePartial(g, gate + 2 * hidden + j, valid: valid)
            storePartial(o, gate + 3 * hidden + j, valid: valid)
            storePartial(cell, c + j, valid: valid)
            storePartial(o * vectorTanh(cell), h + j, valid: valid)
        }
    }
}

/// The gradient of one LSTM step (``lstmCellRows``) for `rows` samples: from
/// `∂h` (`outputGradient`) and the `∂c` carried from the next step
/// (`cellGradient`, `hidden` floats a row, zero at the last step), writes the
/// gradients of the four pre-activations to `gateGradients` and leaves
/// `∂c·f` in `cellGradient` for the step before:
/// `∂c = ∂c₊ + ∂h·o·(1 - tanh²c)`, `∂i = ∂c·g·i(1-i)`, `∂f = ∂c·c₋₁·f(1-f)`,
/// `∂g = ∂c·i·(1-g²)`, `∂o = ∂h·tanh(c)·o(1-o)`. Layouts as the forward's.
func lstmCellGradientRows(
    outputGradient: UnsafePointer<Float>, gates: UnsafePointer<Float>, gateRowStride: Int,
    previousCell: UnsafePointer<Float>?, cell: UnsafePointer<Float>, stateRowStride: Int,
    cellGradient: UnsafeMutablePointer<Float>, gateGradients: UnsafeMutablePointer<Float>,
    rows: Int, hidden: Int
) {
    let one = Vec(repeating: 1)
    for r in 0..<rows {
        let gate = gates + r * gateRowStride, gradient = gateGradients + r * gateRowStride
        let c = cell + r * stateRowStride, dh = outputGradient + r * stateRowStride
        let cPrevious = previousCell.map { $0 + r * stateRowStride }
        let carry = cellGradient + r * hidden
        forEachVector(hidden) { j, valid in
            let i = loadPartial(gate + j, valid: valid)
            let f = loadPartial(gate + hidden + j, valid: valid)
            let g = loadPartial(gate + 2 * hidden + j, valid: valid)
            let o = loadPartial(gate + 3 * hidden + j, valid: valid)
            let tanhC = vectorTanh(loadPartial(c + j, valid: valid))
            let dhv = loadPartial(dh + j, valid: valid)
            let dc = fma(dhv * o, one - tanhC * tanhC, loadPartial(UnsafePointer(carry + j), valid: valid))
            let previous = cPrevious.map { loadPartial($0 + j, valid: valid) } ?? Vec()
            storePartial(dc * g * (i * (one - i)), gradient + j, valid: valid)
            storePartial(dc * previous * (f * (one - f)), gradient + hidden + j, valid: valid)
            storePartial(dc * i * (one - g * g), gradient + 2 * hidden + j, valid: valid)
            storePartial(dhv * tanhC * (o * (one - o)), gradient + 3 * hidden + j, valid: valid)
            storePartial(dc * f, carry + j, valid: valid)
        }
    }
}

/// One GRU step for `rows` samples, as `nn.GRU` (gates r, z, n):
/// `r = σ(x_r + R_r)`, `z = σ(x_z + R_z)`, `n = tanh(x_n + r·R_n)`,
/// `h = (h₋₁ - n)·z + n` (PyTorch's form of `(1-z)·n + z·h₋₁`), where `x` is
/// the input projection with `b_ih` (`gates`, overwritten by r, z, n) and `R`
/// the recurrent product with `b_hh` (`recurrent`), both `3·hidden` a row,
/// rows `gateRowStride` apart. `previous` (`h₋₁`, laid out like `output`,
/// rows `stateRowStride` apart) is nil at the first step, where it is zero.
func gruCellRows(
    gates: UnsafeMutablePointer<Float>, recurrent: UnsafePointer<Float>, gateRowStride: Int,
    previous: UnsafePointer<Float>?, output: UnsafeMutablePointer<Float>, stateRowStride: Int,
    rows: Int, hidden: Int
) {
    for row in 0..<rows {
        let gate = gates + row * gateRowStride, recurrentRow = recurrent + row * gateRowStride
        let h = output + row * stateRowStride
        let hPrevious = previous.map { $0 + row * stateRowStride }
        forEachVector(hidden) { j, valid in
            let r = vectorSigmoid(
                loadPartial(UnsafePointer(gate + j), valid: valid) + loadPartial(recurrentRow + j, valid: valid))
            let z = vectorSigmoid(
                loadPartial(UnsafePointer(gate + hidden + j), valid: valid)
                    + loadPartial(recurrentRow + hidden + j, valid: valid))
            let n = vectorTanh(
                loadPartial(UnsafePointer(gate + 2 * hidden + j), valid: valid)
                    + r * loadPartial(recurrentRow + 2 * hidden + j, valid: valid))
            let previous = hPrevious.map { loadPartial($0 + j, valid: valid) } ?? Vec()
            storePartial(r, gate + j, valid: valid)
            storePartial(z, gate + hidden + j, valid: valid)
            storePartial(n, gate + 2 * hidden + j, valid: valid)
            storePartial(fma(previous - n, z, n), h + j, valid: valid)
        }
    }
}

/// The gradient of one GRU step (``gruCellRows``) for `rows` samples, from
/// `∂h` (`outputGradient`, complete for the step): the input side's
/// pre-activation gradients `(∂r', ∂z', ∂n')` to `inputGateGradients` and the
/// recurrent side's `(∂r', ∂z', ∂n'·r)` to `recurrentGateGradients` (the reset
/// gate scales the recurrent candidate product), with `∂n = ∂h·(1-z)`,
/// `∂n' = ∂n·(1-n²)`, `∂r' = ∂n'·R_n·r(1-r)`, `∂z' = ∂h·(h₋₁-n)·z(1-z)`; and
/// adds the direct path `∂h·z` to `previousGradient` (`∂h₋₁`, laid out like
/// `outputGradient`), nil at the first step. Layouts as the forward's.
func gruCellGradientRows(
    outputGradient: UnsafePointer<Float>, gates: UnsafePointer<Float>, recurrent: UnsafePointer<Float>,
    gateRowStride: Int, previous: UnsafePointer<Float>?, previousGradient: UnsafeMutablePointer<Float>?,
    stateRowStride: Int, inputGateGradients: UnsafeMutablePointer<Float>,
    recurrentGateGradients: UnsafeMutablePointer<Float>, rows: Int, hidden: Int
) {
    let one = Vec(repeating: 1)
    for row in 0..<rows {
        let gate = gates + row * gateRowStride, recurrentRow = recurrent + row * gateRowStride
        let input = inputGateGradients + row * gateRowStride
        let recurrentGradient = recurrentGateGradients + row * gateRowStride
        let dh = outputGradient + row * stateRowStride
        let hPrevious = previous.map { $0 + row * stateRowStride }
        let dhPrevious = previousGradient.map { $0 + row * stateRowStride }
        forEachVector(hidden) { j, valid in
            let r = loadPartial(gate + j, valid: valid)
            let z = loadPartial(gate + hidden + j, valid: valid)
            let n = loadPartial(gate + 2 * hidden + j, valid: valid)
            let dhv = loadPartial(dh + j, valid: valid)
            let previous = hPrevious.map { loadPartial($0 + j, valid: valid) } ?? Vec()
            let dn = dhv * (one - z) * (one - n * n)
            let dr = dn * loadPartial(recurrentRow + 2 * hidden + j, valid: valid) * (r * (one - r))
            let dz = dhv * (previous - n) * (z * (one - z))
            storePartial(dr, input + j, valid: valid)
            storePartial(dz, input + hidden + j, valid: valid)
            storePartial(dn, input + 2 * hidden + j, valid: valid)
            storePartial(dr, recurrentGradient + j, valid: valid)
            storePartial(dz, recurrentGradient + hidden + j, valid: valid)
            storePartial(dn * r, recurrentGradient + 2 * hidden + j, valid: valid)
            if let dhPrevious {
                storePartial(fma(dhv, z, loadPartial(UnsafePointer(dhPrevious + j), valid: valid)), dhPrevious + j, valid: valid)
            }
        }
    }
}
