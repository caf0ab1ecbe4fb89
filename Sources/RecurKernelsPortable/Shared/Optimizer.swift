@_spi(Kernels) import RecurCore
import CRecurCPU
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Element-wise passes over the flat parameter and gradient buffers.

/// `destination = ((s0 + s1) + s2) + ...` over `range`, strictly in source order,
/// so the bits do not depend on how the range is split between threads.
/// `destination` may be `s0` (each element is read before it is written);
/// then with one source there is nothing to do.
/// - Complexity: O(count x range.count).
func sumInOrder(
    _ sources: UnsafePointer<UnsafeMutablePointer<Float>>, count: Int,
    into destination: UnsafeMutablePointer<Float>, range: Range<Int>
) {
    guard count > 0 else {
        (destination + range.lowerBound).update(repeating: 0, count: range.count)
        return
    }
    if count == 1 && sources[0] == destination { return }
    var i = range.lowerBound
    // Four vectors at a time: each source is read once per block while the
    // partial sums stay in registers.
    while i + 4 * Vec.scalarCount <= range.upperBound {
        let w = Vec.scalarCount
        var a = UnsafePointer(sources[0]).vec(i), b = UnsafePointer(sources[0]).vec(i + w)
        var c = UnsafePointer(sources[0]).vec(i + 2 * w), d = UnsafePointer(sources[0]).vec(i + 3 * w)
        for s in 1..<count {
            let p = UnsafePointer(sources[s])
            a += p.vec(i); b += p.vec(i + w); c += p.vec(i + 2 * w); d += p.vec(i + 3 * w)
        }
        destination.store(a, i); destination.store(b, i + w)
        destination.store(c, i + 2 * w); destination.store(d, i + 3 * w)
        i += 4 * w
    }
    while i < range.upperBound {
        var total = sources[0][i]
        for s in 1..<count { total += sources[s][i] }
        destination[i] = total
        i += 1
    }
}

/// One `torch.optim.Adam` step over `range`, written as PyTorch's
/// implementation computes it:
///
///     m = m + (1 - β1)(g - m)            (lerp)
///     v = β2 v + (1 - β2) g²
///     p = p - (lr / (1 - β1ᵗ)) · m / (√v / √(1 - β2ᵗ) + ε)
///
/// The bias corrections are computed in double precision, as Python does.
func adamUpdate(
    _ step: AdamStep, parameters: UnsafeMutablePointer<Float>, gradients: UnsafePointer<Float>,
    firstMoment: UnsafeMutablePointer<Float>, secondMoment: UnsafeMutablePointer<Float>,
    range: Range<Int>
) {
    let t = Double(step.step)
    let stepSize = Float(step.learningRate / (1 - pow(step.beta1, t)))
    let correction2Sqrt = Float((1 - pow(step.beta2, t)).squareRoot())
    let oneMinusBeta1 = Float(1 - step.beta1), beta2 = Float(step.beta2), oneMinusBeta2 = Float(1 - step.beta2)
    let epsilon = Float(step.epsilon)

    var i = range.lowerBound
    let w = Vec.scalarCount
    let vOneMinusBeta1 = Vec(repeating: oneMinusBeta1), vBeta2 = Vec(repeating: beta2)
    let vOneMinusBeta2 = Vec(repeating: oneMinusBeta2), vEpsilon = Vec(repeating: epsilon)
    let vCorrection = Vec(repeating: correction2Sqrt), vStep = Vec(repeating: stepSize)
    while i + w <= range.upperBound {
        let g = gradients.vec(i)
        let m = firstMoment.vec(i) + vOneMinusBeta1 * (g - firstMoment.vec(i))
        let v = vBeta2 * secondMoment.vec(i) + vOneMinusBeta2 * (g * g)
        let denominator = recur_sqrt16(v) / vCorrection + vEpsilon
        firstMoment.store(m, i)
        secondMoment.store(v, i)
        parameters.store(parameters.vec(i) - vStep * (m / denominator), i)
        i += w
    }
    while i < range.upperBound {
        let g = gradients[i]
        let m = firstMoment[i] + oneMinusBeta1 * (g - firstMoment[i])
        let v = beta2 * secondMoment[i] + oneMinusBeta2 * (g * g)
        firstMoment[i] = m
        secondMoment[i] = v
        parameters[i] -= stepSize * (m / (v.squareRoot() / correction2Sqrt + epsilon))
        i += 1
    }
}

/// Writes the packed copies (``PackedLayout``) of output units `units` of
/// recurrent layer `layer`: those units' columns of `W_ihᵀ` and `W_hhᵀ` and
/// their rows of `W_hh` and `W_ih` in every gate block, all in column panels
/// (``ProductShape/packedIndex(depth:column:depth:)``), and their biases
/// (`b_ih + b_hh`, a GRU's `b_ih` and `b_hh` apart). Callers that split the
/// units into runs of 16 write whole cache lines of the panels, so workers
/// never share a line.
/// - Complexity: O(units x gates x (input + hidden)).
func packLayerWeights(
    layout: ParameterLayout, packedLayout: PackedLayout, parameters: UnsafePointer<Float>,
    packed: UnsafeMutablePointer<Float>, layer: Int, units: Range<Int>
) {
    let shape = layout.shape
    let target = packedLayout.layers[layer]
    let hidden = shape.hidden, gateRows = shape.gateRows
    let input = shape.layerInputSize(layer)
    let width = ProductShape.panelWidth
    let gateUnits = (0..<shape.cell.gateCount).map { gate in (gate * hidden + units.lowerBound)..<(gate * hidden + units.upperBound) }
    // Wᵀ(k, j) = W[j][k]: 16 rows of W at a time, blocks of up to 16 x 16
    // transposed in registers, where 16 units (aligned to 16) land in one
    // cache line of each panel row; element by element elsewhere.
    func transpose(_ source: UnsafePointer<Float>, columns: Int, into destination: UnsafeMutablePointer<Float>) {
        func element(_ k: Int, _ j: Int) {
            destination[ProductShape.packedIndex(depth: k, column: j, depth: columns)] = source[j * columns + k]
        }
        let block = 16  // recur_transpose_block's largest
        for rows in gateUnits {
            var j = rows.lowerBound
            while j % block == 0 && j + block <= rows.upperBound {
                for k in stride(from: 0, to: columns, by: block) {
                    recur_transpose_block(
                        source + j * columns + k, columns, Int32(block), Int32(min(block, columns - k)),
                        destination + ProductShape.packedIndex(depth: k, column: j, depth: columns), width, 0)
                }
                j += block
            }
            for row in j..<rows.upperBound { for k in 0..<columns { element(k, row) } }
        }
    }
    // W(k, j) = W[k][j] for the units' rows k: each row's panels are whole
    // runs of up to 64 floats.
    func copyRows(_ source: UnsafePointer<Float>, columns: Int, into destination: UnsafeMutablePointer<Float>) {
        for rows in gateUnits {
            for k in rows {
                var j = 0
                while j < columns {
                    let count = min(width, columns - j)
                    (destination + ProductShape.packedIndex(depth: k, column: j, depth: gateRows))
                        .update(from: source + k * columns + j, count: count)
                    j += count
                }
            }
        }
    }
    let inputWeight = parameters + layout.inputWeight(layer: layer).offset
    let recurrentWeight = parameters + layout.recurrentWeight(layer: layer).offset
    transpose(inputWeight, columns: input, into: packed + target.inputWeightT)
    transpose(recurrentWeight, columns: hidden, into: packed + target.recurrentWeightT)
    copyRows(recurrentWeight, columns: hidden, into: packed + target.recurrentWeight)
    if let inputWeightPanels = target.inputWeight {
        copyRows(inputWeight, columns: input, into: packed + inputWeightPanels)
    }
    let biasIH = parameters + layout.inputBias(layer: layer).offset
    let biasHH = parameters + layout.recurrentBias(layer: layer).offset
    for rows in gateUnits {
        if let recurrentBias = target.recurrentBias {
            for j in rows {
                packed[target.bias + j] = biasIH[j]
                packed[recurrentBias + j] = biasHH[j]
            }
        } else {
            for j in rows { packed[target.bias + j] = biasIH[j] + biasHH[j] }
        }
    }
}
