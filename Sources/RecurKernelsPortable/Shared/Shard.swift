import RecurCore

/// Forward pass, loss and (when `pass.gradients` is set) backprop through
/// time for one shard, on the pass's raw buffers. Returns the summed loss.
///
/// Sequences are sample-major, `[samples][time][hidden]`, as the inputs are,
/// so the per-sample flatten for the linear layer is contiguous and every
/// product over all time steps of a shard is one matrix product.
func runShard(_ pass: ShardPass) -> Float {
    let shape = pass.shape
    let steps = shape.sequenceLength, hidden = shape.hidden, classes = shape.classes
    let m = pass.samples
    let sequenceStride = steps * hidden  // one sample's outputs of one layer
    let sequenceFloats = ParameterLayout.roundUp(m * sequenceStride)
    let outputs = (0..<shape.layers).map { pass.workspace + $0 * sequenceFloats }
    let logitGradient = pass.workspace + (shape.layers + 2) * sequenceFloats
    let parameters = pass.parameters
    let layout = pass.layout

    // Forward, layer by layer: first the input projection of all time steps
    // at once (biases folded in), then the recurrence h[t] = tanh(u[t] + h[t-1] W_hhᵀ).
    for layer in 0..<shape.layers {
        let packed = pass.packedLayout.layers[layer]
        let inputSize = shape.layerInputSize(layer)
        let input = layer == 0 ? pass.inputs : UnsafePointer(outputs[layer - 1])
        let h = outputs[layer]
        MatrixProduct(
            rows: m * steps, columns: hidden, depth: inputSize,
            a: input, aRowStride: inputSize, aDepthStride: 1,
            b: pass.packed + packed.inputWeightT, bRowStride: hidden,
            c: h, cRowStride: hidden,
            bias: pass.packed + packed.bias
        ).run()
        tanhRows(h, rows: m, rowStride: sequenceStride, count: hidden)
        for t in 1..<max(steps, 1) {
            MatrixProduct(
                rows: m, columns: hidden, depth: hidden,
                a: UnsafePointer(h + (t - 1) * hidden), aRowStride: sequenceStride, aDepthStride: 1,
                b: pass.packed + packed.recurrentWeightT, bRowStride: hidden,
                c: h + t * hidden, cRowStride: sequenceStride,
                accumulate: true, epilogue: .tanh
            ).run()
        }
    }

    // Linear layer over every time step's output of the last layer.
    let top = UnsafePointer(outputs[shape.layers - 1])
    let fcWeight = parameters + layout.outputWeight.offset
    let fcBias = parameters + layout.outputBias.offset
    let logits = pass.logits ?? logitGradient
    for i in 0..<m {
        for c in 0..<classes {
            logits[i * classes + c] = fcBias[c] + dot(top + i * sequenceStride, fcWeight + c * sequenceStride, count: sequenceStride)
        }
    }
    guard let gradients = pass.gradients else {
        return softmaxCrossEntropy(
            logits: logits, labels: pass.labels, samples: m, classes: classes,
            gradientScale: pass.gradientScale, gradient: nil)
    }
    let loss = softmaxCrossEntropy(
        logits: logits, labels: pass.labels, samples: m, classes: classes,
        gradientScale: pass.gradientScale, gradient: logitGradient)
    backward(pass, outputs: outputs, logitGradient: UnsafePointer(logitGradient), gradients: gradients)
    return loss
}

/// Backprop through time: the linear layer, then each RNN layer from the top,
/// its time steps from the last. The two spare sequences of the workspace
/// hold `∂loss/∂h` of a layer, turned in place into `∂loss/∂z` (before tanh),
/// and the gradient passed to the layer below.
private func backward(
    _ pass: ShardPass, outputs: [UnsafeMutablePointer<Float>], logitGradient: UnsafePointer<Float>,
    gradients: UnsafeMutablePointer<Float>
) {
    let shape = pass.shape, layout = pass.layout
    let steps = shape.sequenceLength, hidden = shape.hidden, classes = shape.classes
    let m = pass.samples
    let sequenceStride = steps * hidden
    let sequenceFloats = ParameterLayout.roundUp(m * sequenceStride)
    var current = pass.workspace + shape.layers * sequenceFloats
    var spare = current + sequenceFloats
    let top = UnsafePointer(outputs[shape.layers - 1])
    let fcWeight = pass.parameters + layout.outputWeight.offset

    // Linear layer: ∂W = ∂logitsᵀ·H, ∂b = Σ ∂logits, ∂H = ∂logits·W.
    MatrixProduct(
        rows: classes, columns: sequenceStride, depth: m,
        a: logitGradient, aRowStride: 1, aDepthStride: classes,
        b: top, bRowStride: sequenceStride,
        c: gradients + layout.outputWeight.offset, cRowStride: sequenceStride
    ).run()
    columnSums(logitGradient, rows: m, rowStride: classes, count: classes, into: gradients + layout.outputBias.offset)
    MatrixProduct(
        rows: m, columns: sequenceStride, depth: classes,
        a: logitGradient, aRowStride: classes, aDepthStride: 1,
        b: fcWeight, bRowStride: sequenceStride,
        c: current, cRowStride: sequenceStride
    ).run()

    for layer in stride(from: shape.layers - 1, through: 0, by: -1) {
        let h = UnsafePointer(outputs[layer])
        let inputSize = shape.layerInputSize(layer)
        let input = layer == 0 ? pass.inputs : UnsafePointer(outputs[layer - 1])
        let recurrentWeight = pass.parameters + layout.recurrentWeight(layer: layer).offset
        let inputWeight = pass.parameters + layout.inputWeight(layer: layer).offset

        // Through time: ∂z[t] = (∂h[t] + ∂z[t+1]·W_hh) · (1 - h[t]²).
        tanhGradientRows(
            current + (steps - 1) * hidden, h: h + (steps - 1) * hidden,
            rows: m, rowStride: sequenceStride, count: hidden)
        for t in stride(from: steps - 2, through: 0, by: -1) {
            MatrixProduct(
                rows: m, columns: hidden, depth: hidden,
                a: UnsafePointer(current + (t + 1) * hidden), aRowStride: sequenceStride, aDepthStride: 1,
                b: recurrentWeight, bRowStride: hidden,
                c: current + t * hidden, cRowStride: sequenceStride,
                accumulate: true, epilogue: .tanhGradient(h + t * hidden, rowStride: sequenceStride)
            ).run()
        }

        // Weight gradients, each one product over all samples and time steps:
        // ∂W_hh = Σ_t ∂z[t]ᵀ h[t-1] (t ≥ 1), ∂W_ih = Σ_t ∂z[t]ᵀ x[t].
        MatrixProduct(
            rows: hidden, columns: hidden, depth: steps - 1, segments: m,
            a: UnsafePointer(current + hidden), aRowStride: 1, aDepthStride: hidden, aSegmentStride: sequenceStride,
            b: h, bRowStride: hidden, bSegmentStride: sequenceStride,
            c: gradients + layout.recurrentWeight(layer: layer).offset, cRowStride: hidden
        ).run()
        MatrixProduct(
            rows: hidden, columns: inputSize, depth: m * steps,
            a: UnsafePointer(current), aRowStride: 1, aDepthStride: hidden,
            b: input, bRowStride: inputSize,
            c: gradients + layout.inputWeight(layer: layer).offset, cRowStride: inputSize
        ).run()
        let biasGradient = gradients + layout.inputBias(layer: layer).offset
        columnSums(current, rows: m * steps, rowStride: hidden, count: hidden, into: biasGradient)
        (gradients + layout.recurrentBias(layer: layer).offset).update(from: biasGradient, count: hidden)

        // Gradient to the layer below: ∂x = ∂z·W_ih.
        if layer > 0 {
            MatrixProduct(
                rows: m * steps, columns: inputSize, depth: hidden,
                a: UnsafePointer(current), aRowStride: hidden, aDepthStride: 1,
                b: inputWeight, bRowStride: inputSize,
                c: spare, cRowStride: inputSize
            ).run()
            swap(&current, &spare)
        }
    }
}
