@_spi(Kernels) import RecurCore

/// Where a pass's workspace keeps what: every layer's outputs over all time
/// steps, then two gradient sequences, then the logits' gradient
/// (``ShardPass/workspaceCount(shape:samples:keepsOutputs:)``). The last
/// layer's outputs and the logits' gradient go to the pass's
/// ``ShardPass/kept`` buffers instead when it has them, and the workspace
/// has no room for them.
///
/// Sequences are sample-major, `[samples][time][hidden]`, as the inputs are,
/// so the per-sample flatten for the linear layer is contiguous and every
/// product over all time steps of a shard is one matrix product.
private struct WorkspaceLayout {
    let base: UnsafeMutablePointer<Float>
    let sequenceFloats: Int
    let layers: Int
    /// Layers whose outputs are in the workspace: all, or all but the last.
    let storedLayers: Int
    let kept: KeptOutputs?

    init(_ pass: ShardPass) {
        base = pass.workspace
        sequenceFloats = ParameterLayout.roundUp(pass.samples * pass.shape.flatFeatures)
        layers = pass.shape.layers
        kept = pass.kept
        storedLayers = kept == nil ? layers : layers - 1
    }

    func output(_ layer: Int) -> UnsafeMutablePointer<Float> {
        if layer == layers - 1, let kept { return kept.top }
        return base + layer * sequenceFloats
    }
    var gradientSequences: (UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>) {
        (base + storedLayers * sequenceFloats, base + (storedLayers + 1) * sequenceFloats)
    }
    var logitGradient: UnsafeMutablePointer<Float> { kept?.logitGradient ?? base + (storedLayers + 2) * sequenceFloats }
}

/// The linear layer's weight gradient for inputs `columns`: `∂W = ∂logitsᵀ·H`
/// over `samples` rows of the logits' gradient and of the last layer's
/// outputs `top` (each sample's flattened outputs one row), as
/// ``ProductShape/linearWeightGradient(_:samples:columns:)``.
func outputWeightProduct(
    shape: ModelShape, layout: ParameterLayout, logitGradient: UnsafePointer<Float>, top: UnsafePointer<Float>,
    samples: Int, columns: Range<Int>, gradients: UnsafeMutablePointer<Float>
) {
    MatrixProduct(
        .linearWeightGradient(shape, samples: samples, columns: columns.count),
        a: logitGradient, b: top + columns.lowerBound,
        c: gradients + layout.outputWeight.offset + columns.lowerBound
    ).run()
}

/// Forward pass and loss for the pass's shards, on its raw buffers, with the
/// products of `ModelProducts.swift` (RecurCore). With
/// `pass.gradients` set, also leaves the logits' gradient in the workspace
/// for ``backwardShard(_:)``. Writes each shard's summed loss to
/// `pass.losses` when set; returns their sum.
func forwardShard(_ pass: ShardPass) -> Float {
    let shape = pass.shape
    let steps = shape.sequenceLength, hidden = shape.hidden, classes = shape.classes
    let m = pass.samples
    let sequenceStride = shape.flatFeatures  // one sample's outputs of one layer
    let recurrentStep = ProductShape.recurrentStep(shape, samples: m)
    let workspace = WorkspaceLayout(pass)
    let logitGradient = workspace.logitGradient
    let parameters = pass.parameters
    let layout = pass.layout

    // Forward, layer by layer: first the input projection of all time steps
    // at once (biases folded in), then the recurrence h[t] = σ(u[t] + h[t-1] W_hhᵀ), σ tanh or ReLU.
    for layer in 0..<shape.layers {
        let packed = pass.packedLayout.layers[layer]
        let input = layer == 0 ? pass.inputs : UnsafePointer(workspace.output(layer - 1))
        let h = workspace.output(layer)
        MatrixProduct(
            .inputProjection(shape, layer: layer, samples: m),
            a: input, b: pass.packed + packed.inputWeightT, c: h, bias: pass.packed + packed.bias
        ).run()
        if shape.cell == .rnnReLU {
            reluRows(h, rows: m, rowStride: sequenceStride, count: hidden)
        } else {
            tanhRows(h, rows: m, rowStride: sequenceStride, count: hidden)
        }
        for t in 1..<max(steps, 1) {
            MatrixProduct(
                recurrentStep,
                a: UnsafePointer(h + (t - 1) * hidden), b: pass.packed + packed.recurrentWeightT, c: h + t * hidden
            ).run()
        }
    }

    // Linear layer over every time step's output of the last layer.
    let top = UnsafePointer(workspace.output(shape.layers - 1))
    let fcWeight = parameters + layout.outputWeight.offset
    let fcBias = parameters + layout.outputBias.offset
    let logits = pass.logits ?? logitGradient
    for i in 0..<m {
        for c in 0..<classes {
            logits[i * classes + c] = fcBias[c] + dot(top + i * sequenceStride, fcWeight + c * sequenceStride, count: sequenceStride)
        }
    }
    // Each shard's loss is its own sum, whatever else the pass holds.
    var total: Float = 0
    for shard in 0..<pass.shards.shardCount {
        let rows = pass.shards.samples(of: shard)
        let loss = softmaxCrossEntropy(
            logits: logits + rows.lowerBound * classes, labels: pass.labels + rows.lowerBound,
            samples: rows.count, classes: classes, gradientScale: pass.gradientScale,
            gradient: pass.gradients == nil ? nil : logitGradient + rows.lowerBound * classes)
        pass.losses?[shard] = loss
        total += loss
    }
    return total
}

/// Backprop through time: the linear layer, then each RNN layer from the top,
/// its time steps from the last, with the products of `ModelProducts.swift`
/// (RecurCore). The two spare sequences of the workspace
/// hold `∂loss/∂h` of a layer, turned in place into `∂loss/∂z` (before tanh),
/// and the gradient passed to the layer below.
/// Runs after ``forwardShard(_:)`` on the same pass and workspace; writes
/// every parameter's gradient of each shard into that shard's buffer of
/// `pass.gradients`. Gradients flow between layers for all the pass's rows
/// at once; each weight and bias gradient is a product or sum over one
/// shard's rows.
func backwardShard(_ pass: ShardPass) {
    guard let shardGradients = pass.gradients else { return }
    let shape = pass.shape, layout = pass.layout
    let steps = shape.sequenceLength, hidden = shape.hidden, classes = shape.classes
    let m = pass.samples
    let sequenceStride = shape.flatFeatures
    let recurrentStepGradient = ProductShape.recurrentStepGradient(shape, samples: m)
    let workspace = WorkspaceLayout(pass)
    let logitGradient = UnsafePointer(workspace.logitGradient)
    var (current, spare) = workspace.gradientSequences
    let top = UnsafePointer(workspace.output(shape.layers - 1))
    let fcWeight = pass.parameters + layout.outputWeight.offset

    // Linear layer: ∂W = ∂logitsᵀ·H (unless the caller takes it over the
    // whole batch), ∂b = Σ ∂logits, ∂H = ∂logits·W.
    for shard in 0..<pass.shards.shardCount {
        let rows = pass.shards.samples(of: shard)
        let shardLogitGradient = logitGradient + rows.lowerBound * classes
        if pass.kept == nil {
            outputWeightProduct(
                shape: shape, layout: layout, logitGradient: shardLogitGradient,
                top: top + rows.lowerBound * sequenceStride, samples: rows.count,
                columns: 0..<sequenceStride, gradients: shardGradients[shard])
        }
        columnSums(
            shardLogitGradient, rows: rows.count, rowStride: classes, count: classes,
            into: shardGradients[shard] + layout.outputBias.offset)
    }
    MatrixProduct(.linearInputGradient(shape, samples: m), a: logitGradient, b: fcWeight, c: current).run()

    for layer in stride(from: shape.layers - 1, through: 0, by: -1) {
        let h = UnsafePointer(workspace.output(layer))
        let inputSize = shape.layerInputSize(layer)
        let input = layer == 0 ? pass.inputs : UnsafePointer(workspace.output(layer - 1))
        let recurrentWeight = pass.parameters + layout.recurrentWeight(layer: layer).offset
        let inputWeight = pass.parameters + layout.inputWeight(layer: layer).offset

        // Through time: ∂z[t] = (∂h[t] + ∂z[t+1]·W_hh) · σ'(h[t]), σ' = 1 - h² or h > 0.
        if shape.cell == .rnnReLU {
            reluGradientRows(
                current + (steps - 1) * hidden, h: h + (steps - 1) * hidden,
                rows: m, rowStride: sequenceStride, count: hidden)
        } else {
            tanhGradientRows(
                current + (steps - 1) * hidden, h: h + (steps - 1) * hidden,
                rows: m, rowStride: sequenceStride, count: hidden)
        }
        for t in stride(from: steps - 2, through: 0, by: -1) {
            MatrixProduct(
                recurrentStepGradient,
                a: UnsafePointer(current + (t + 1) * hidden), b: recurrentWeight, c: current + t * hidden,
                h: h + t * hidden
            ).run()
        }

        // Weight gradients of each shard, each one product over its samples
        // and time steps: ∂W_hh = Σ_t ∂z[t]ᵀ h[t-1] (t ≥ 1), ∂W_ih = Σ_t ∂z[t]ᵀ x[t].
        for shard in 0..<pass.shards.shardCount {
            let rows = pass.shards.samples(of: shard)
            let gradients = shardGradients[shard]
            let dz = UnsafePointer(current + rows.lowerBound * sequenceStride)
            MatrixProduct(
                .recurrentWeightGradient(shape, samples: rows.count),
                a: dz + hidden, b: h + rows.lowerBound * sequenceStride,
                c: gradients + layout.recurrentWeight(layer: layer).offset
            ).run()
            inputWeightGradient(
                shape: shape, layer: layer, samples: rows.count,
                dz: dz, input: input + rows.lowerBound * steps * inputSize, scratch: spare,
                into: gradients + layout.inputWeight(layer: layer).offset)
            let biasGradient = gradients + layout.inputBias(layer: layer).offset
            columnSums(dz, rows: rows.count * steps, rowStride: hidden, count: hidden, into: biasGradient)
            (gradients + layout.recurrentBias(layer: layer).offset).update(from: biasGradient, count: hidden)
        }

        // Gradient to the layer below: ∂x = ∂z·W_ih.
        if layer > 0 {
            MatrixProduct(
                .gradientToLayerBelow(shape, layer: layer, samples: m), a: UnsafePointer(current), b: inputWeight, c: spare
            ).run()
            swap(&current, &spare)
        }
    }
}

/// `∂W_ih = ∂Zᵀ·X` (hidden x inputSize) over `samples` samples' rows of
/// `∂Z` and `X`, as ``ProductShape/inputWeightGradient(_:layer:samples:)``:
/// where ``ModelShape/transposesInputWeightGradient(layer:samples:)`` says
/// so, computed as its transpose `Xᵀ·∂Z` in `scratch` (`inputSize * hidden`
/// floats) and transposed into place. Either way each element is the same
/// chain of fused multiply-adds with the factors swapped, so the bits are
/// the same.
private func inputWeightGradient(
    shape: ModelShape, layer: Int, samples: Int, dz: UnsafePointer<Float>, input: UnsafePointer<Float>,
    scratch: UnsafeMutablePointer<Float>, into gradient: UnsafeMutablePointer<Float>
) {
    let product = ProductShape.inputWeightGradient(shape, layer: layer, samples: samples)
    guard shape.transposesInputWeightGradient(layer: layer, samples: samples) else {
        MatrixProduct(product, a: dz, b: input, c: gradient).run()
        return
    }
    MatrixProduct(product, a: input, b: dz, c: scratch).run()
    let inputSize = shape.layerInputSize(layer), hidden = shape.hidden
    for unit in 0..<hidden {
        for i in 0..<inputSize { gradient[unit * inputSize + i] = scratch[i * hidden + unit] }
    }
}
