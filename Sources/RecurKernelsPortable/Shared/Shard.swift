@_spi(Kernels) import RecurCore
import CRecurCPU

/// A pass's workspace regions (``ShardWorkspace``) as pointers. The last
/// layer's outputs and the logits' gradient are in the pass's
/// ``ShardPass/kept`` buffers when it has them.
private struct Workspace {
    let plan: ShardWorkspace
    let base: UnsafeMutablePointer<Float>
    let kept: KeptOutputs?

    init(_ pass: ShardPass) {
        plan = ShardWorkspace(shape: pass.shape, samples: pass.samples, keepsOutputs: pass.kept != nil)
        base = pass.workspace
        kept = pass.kept
    }

    /// The plan leaves a region out exactly where the pass has no use for it.
    private func region(_ offset: Int?) -> UnsafeMutablePointer<Float> {
        guard let offset else { preconditionFailure("the workspace plan has no such region for this model") }
        return base + offset
    }

    func output(_ layer: Int) -> UnsafeMutablePointer<Float> {
        if plan.layers[layer].outputs == nil, let kept { return kept.top }
        return region(plan.layers[layer].outputs)
    }
    func gates(_ layer: Int) -> UnsafeMutablePointer<Float> { region(plan.layers[layer].gates) }
    func states(_ layer: Int) -> UnsafeMutablePointer<Float> { region(plan.layers[layer].states) }
    var outputGradients: (UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>) {
        (base + plan.outputGradients, base + plan.spareOutputGradients)
    }
    var gateGradients: UnsafeMutablePointer<Float> { region(plan.gateGradients) }
    var recurrentGateGradients: UnsafeMutablePointer<Float> { region(plan.recurrentGateGradients) }
    var cellGradient: UnsafeMutablePointer<Float> { region(plan.cellGradient) }
    var transposeScratch: UnsafeMutablePointer<Float> { base + plan.transposeScratch }
    /// Each sample's last-step output of the last layer, for the head on the last step.
    var headInput: UnsafeMutablePointer<Float> { kept?.top ?? region(plan.headInput) }
    var headGradient: UnsafeMutablePointer<Float> { region(plan.headGradient) }
    var logitGradient: UnsafeMutablePointer<Float> { kept?.logitGradient ?? region(plan.logitGradient) }
}

extension ShardPass {
    /// Sample `sample`'s last real step.
    fileprivate func lastStep(of sample: Int) -> Int {
        guard let lengths else { return shape.sequenceLength - 1 }
        return Int(lengths[sample]) - 1
    }

    /// Zeroes step `t` of every sample that ended before it, in sequences of
    /// `hidden` floats a step: past its length a sample's state stays zero
    /// (whatever its inputs there hold), so no value there grows without
    /// bound and the zero gradient reaching those steps stays exactly zero.
    fileprivate func clearEndedSamples(step t: Int, _ sequences: UnsafeMutablePointer<Float>...) {
        guard let lengths else { return }
        let hidden = shape.hidden, stride = shape.flatFeatures
        for sample in 0..<samples where Int(lengths[sample]) <= t {
            for sequence in sequences { (sequence + sample * stride + t * hidden).update(repeating: 0, count: hidden) }
        }
    }
}

/// The linear layer's weight gradient for inputs `columns`: `∂W = ∂logitsᵀ·H`
/// over `samples` rows of the logits' gradient and of the last layer's
/// outputs `top` (each sample's flattened outputs one row), as
/// ``ProductShape/linearWeightGradient(_:samples:columns:)``.
func outputWeightProduct(
    shape: ModelShape, layout: ParameterLayout, logitGradient: UnsafePointer<Float>, top: UnsafePointer<Float>,
    samples: Int, columns: Range<Int>, gradients: UnsafeMutablePointer<Float>, accumulate: Bool = false,
    adding: Bool = false
) {
    var product = ProductShape.linearWeightGradient(shape, samples: samples, columns: columns.count)
    // Accumulating loads C into the zeroed accumulators before the chain over
    // the samples, so the chain continues exactly from C's values; adding
    // adds the finished chain to C.
    product.accumulate = accumulate
    if adding { product.epilogue = .add }
    MatrixProduct(
        product,
        a: logitGradient, b: top + columns.lowerBound,
        c: gradients + layout.outputWeight.offset + columns.lowerBound
    ).run()
}

/// Forward pass and loss for the pass's shards, on its raw buffers, with the
/// products of `ModelProducts.swift` (RecurCore): layer by layer, first the
/// input projection of all time steps at once, then the recurrence step by
/// step, then the head. With `pass.gradients` set, also leaves the logits'
/// gradient in the workspace for ``backwardShard(_:)``. Writes each shard's
/// summed loss to `pass.losses` when set; returns their sum.
func forwardShard(_ pass: ShardPass) -> Float {
    let shape = pass.shape
    let classes = shape.classes, features = shape.headFeatures
    let m = pass.samples
    let workspace = Workspace(pass)
    for layer in 0..<shape.layers {
        let input = layer == 0 ? pass.inputs : UnsafePointer(workspace.output(layer - 1))
        switch shape.cell {
        case .rnnTanh, .rnnReLU: forwardRNNLayer(pass, workspace, layer: layer, input: input)
        case .lstm: forwardLSTMLayer(pass, workspace, layer: layer, input: input)
        case .gru: forwardGRULayer(pass, workspace, layer: layer, input: input)
        }
    }

    // The linear layer, over every step's output of the last layer or each sample's last step.
    let headInput = gatherHeadInput(pass, workspace)
    let fcWeight = pass.parameters + pass.layout.outputWeight.offset
    let fcBias = pass.parameters + pass.layout.outputBias.offset
    let logitGradient = workspace.logitGradient
    let logits = pass.logits ?? logitGradient
    for i in 0..<m {
        let row = logits + i * classes
        dots(headInput + i * features, fcWeight, rowStride: features, rows: classes, count: features, into: row)
        for c in 0..<classes { row[c] = fcBias[c] + row[c] }
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

/// What the linear layer reads, a row of ``ModelShape/headFeatures`` per
/// sample: the last layer's output sequence itself for the head on every
/// step; for the head on the last step, each sample's output at its last
/// real step, copied to the workspace's (or the kept) head rows.
private func gatherHeadInput(_ pass: ShardPass, _ workspace: Workspace) -> UnsafePointer<Float> {
    let shape = pass.shape, hidden = shape.hidden
    let top = UnsafePointer(workspace.output(shape.layers - 1))
    guard shape.head == .lastStep else {
        precondition(pass.lengths == nil, "the head over every step takes only full-length samples")
        return top
    }
    let rows = workspace.headInput
    for sample in 0..<pass.samples {
        (rows + sample * hidden).update(
            from: top + sample * shape.flatFeatures + pass.lastStep(of: sample) * hidden, count: hidden)
    }
    return UnsafePointer(rows)
}

/// `h[t] = σ(u[t] + h[t-1] W_hhᵀ)`, σ tanh or ReLU, the input projection `u`
/// (both biases) written to the output sequence first and σ applied in the
/// step products' tiles.
private func forwardRNNLayer(_ pass: ShardPass, _ workspace: Workspace, layer: Int, input: UnsafePointer<Float>) {
    let shape = pass.shape, hidden = shape.hidden, m = pass.samples
    let packed = pass.packedLayout.layers[layer]
    let h = workspace.output(layer)
    MatrixProduct(
        .inputProjection(shape, layer: layer, samples: m),
        a: input, b: pass.packed + packed.inputWeightT, c: h, bias: pass.packed + packed.bias
    ).run()
    if shape.cell == .rnnReLU {
        reluRows(h, rows: m, rowStride: shape.flatFeatures, count: hidden)
    } else {
        tanhRows(h, rows: m, rowStride: shape.flatFeatures, count: hidden)
    }
    let step = ProductShape.recurrentStep(shape, samples: m)
    for t in 1..<max(shape.sequenceLength, 1) {
        MatrixProduct(
            step, a: UnsafePointer(h + (t - 1) * hidden), b: pass.packed + packed.recurrentWeightT, c: h + t * hidden
        ).run()
        pass.clearEndedSamples(step: t, h)
    }
}

/// The LSTM's gate pre-activations `x W_ihᵀ + b_ih + b_hh` of every step at
/// once, then step by step `+= h[t-1] W_hhᵀ` over all four gates and the
/// cell update (``lstmCellRows``).
private func forwardLSTMLayer(_ pass: ShardPass, _ workspace: Workspace, layer: Int, input: UnsafePointer<Float>) {
    let shape = pass.shape, hidden = shape.hidden, gateCount = shape.gateRows, m = pass.samples
    let steps = shape.sequenceLength
    let packed = pass.packedLayout.layers[layer]
    let gates = workspace.gates(layer), cells = workspace.states(layer), h = workspace.output(layer)
    MatrixProduct(
        .inputProjection(shape, layer: layer, samples: m),
        a: input, b: pass.packed + packed.inputWeightT, c: gates, bias: pass.packed + packed.bias
    ).run()
    let step = ProductShape.recurrentStep(shape, samples: m)
    for t in 0..<steps {
        if t > 0 {
            MatrixProduct(
                step, a: UnsafePointer(h + (t - 1) * hidden), b: pass.packed + packed.recurrentWeightT,
                c: gates + t * gateCount
            ).run()
        }
        lstmCellRows(
            gates: gates + t * gateCount, gateRowStride: steps * gateCount,
            previousCell: t > 0 ? UnsafePointer(cells + (t - 1) * hidden) : nil,
            cell: cells + t * hidden, output: h + t * hidden, stateRowStride: shape.flatFeatures,
            rows: m, hidden: hidden)
        pass.clearEndedSamples(step: t, h, cells)
    }
}

/// The GRU's input projections `x W_ihᵀ + b_ih` of every step at once, then
/// step by step the recurrent product `h[t-1] W_hhᵀ + b_hh` over all three
/// gates (just `b_hh` at step 0) and the gate arithmetic (``gruCellRows``).
private func forwardGRULayer(_ pass: ShardPass, _ workspace: Workspace, layer: Int, input: UnsafePointer<Float>) {
    let shape = pass.shape, hidden = shape.hidden, gateCount = shape.gateRows, m = pass.samples
    let steps = shape.sequenceLength
    let packed = pass.packedLayout.layers[layer]
    guard let recurrentBias = packed.recurrentBias.map({ pass.packed + $0 }) else {
        preconditionFailure("a GRU's packed layout keeps b_hh apart")
    }
    let gates = workspace.gates(layer), recurrent = workspace.states(layer), h = workspace.output(layer)
    MatrixProduct(
        .inputProjection(shape, layer: layer, samples: m),
        a: input, b: pass.packed + packed.inputWeightT, c: gates, bias: pass.packed + packed.bias
    ).run()
    let step = ProductShape.recurrentStep(shape, samples: m)
    for t in 0..<steps {
        if t > 0 {
            MatrixProduct(
                step, a: UnsafePointer(h + (t - 1) * hidden), b: pass.packed + packed.recurrentWeightT,
                c: recurrent + t * gateCount, bias: recurrentBias
            ).run()
        } else {
            for sample in 0..<m { (recurrent + sample * steps * gateCount).update(from: recurrentBias, count: gateCount) }
        }
        gruCellRows(
            gates: gates + t * gateCount, recurrent: recurrent + t * gateCount, gateRowStride: steps * gateCount,
            previous: t > 0 ? UnsafePointer(h + (t - 1) * hidden) : nil, output: h + t * hidden,
            stateRowStride: shape.flatFeatures, rows: m, hidden: hidden)
        pass.clearEndedSamples(step: t, h)
    }
}

/// Backprop through time: the linear layer, then each recurrent layer from
/// the top, its time steps from the last, with the products of
/// `ModelProducts.swift` (RecurCore). The workspace's two output-gradient
/// sequences hold `∂loss/∂h` of a layer and the gradient it passes to the
/// layer below; the layer turns its `∂h` into its gates' pre-activation
/// gradients (the RNNs' in place), from which come its weight gradients.
/// Runs after ``forwardShard(_:)`` on the same pass and workspace; writes
/// every parameter's gradient of each shard into that shard's buffer of
/// `pass.gradients`. Gradients flow between layers for all the pass's rows
/// at once; each weight and bias gradient is a product or sum over one
/// shard's rows.
func backwardShard(_ pass: ShardPass) {
    guard let shardGradients = pass.gradients else { return }
    let shape = pass.shape, layout = pass.layout
    let classes = shape.classes, features = shape.headFeatures, hidden = shape.hidden
    let m = pass.samples
    let workspace = Workspace(pass)
    let logitGradient = UnsafePointer(workspace.logitGradient)
    var (current, spare) = workspace.outputGradients
    let headInput =
        shape.head == .allSteps ? UnsafePointer(workspace.output(shape.layers - 1)) : UnsafePointer(workspace.headInput)
    let fcWeight = pass.parameters + layout.outputWeight.offset

    // Linear layer: ∂W = ∂logitsᵀ·H (unless the caller takes it over the
    // whole batch), ∂b = Σ ∂logits, ∂H = ∂logits·W.
    for shard in 0..<pass.shards.shardCount {
        let rows = pass.shards.samples(of: shard)
        let shardLogitGradient = logitGradient + rows.lowerBound * classes
        let adding = pass.addsGradient(ofShard: shard)
        if pass.kept == nil {
            outputWeightProduct(
                shape: shape, layout: layout, logitGradient: shardLogitGradient,
                top: headInput + rows.lowerBound * features, samples: rows.count,
                columns: 0..<features, gradients: shardGradients[shard], adding: adding)
        }
        columnSums(
            shardLogitGradient, rows: rows.count, rowStride: classes, count: classes,
            into: shardGradients[shard] + layout.outputBias.offset, adding: adding)
    }
    if shape.head == .allSteps {
        MatrixProduct(.linearInputGradient(shape, samples: m), a: logitGradient, b: fcWeight, c: current).run()
    } else {
        // Only each sample's last real step reaches the head.
        let rows = workspace.headGradient
        MatrixProduct(.linearInputGradient(shape, samples: m), a: logitGradient, b: fcWeight, c: rows).run()
        current.update(repeating: 0, count: m * shape.flatFeatures)
        for sample in 0..<m {
            (current + sample * shape.flatFeatures + pass.lastStep(of: sample) * hidden)
                .update(from: rows + sample * hidden, count: hidden)
        }
    }

    for layer in stride(from: shape.layers - 1, through: 0, by: -1) {
        let input = layer == 0 ? pass.inputs : UnsafePointer(workspace.output(layer - 1))
        let gradients: GateGradients
        switch shape.cell {
        case .rnnTanh, .rnnReLU: gradients = backwardRNNLayer(pass, workspace, layer: layer, outputGradient: current)
        case .lstm: gradients = backwardLSTMLayer(pass, workspace, layer: layer, outputGradient: current)
        case .gru: gradients = backwardGRULayer(pass, workspace, layer: layer, outputGradient: current)
        }
        layerWeightGradients(pass, workspace, layer: layer, input: input, gates: gradients, into: shardGradients)

        // Gradient to the layer below: ∂x = ∂g·W_ih.
        if layer > 0 {
            guard let inputWeight = pass.packedLayout.layers[layer].inputWeight else {
                preconditionFailure("the packed layout keeps W_ih of every layer above the first")
            }
            MatrixProduct(
                .gradientToLayerBelow(shape, layer: layer, samples: m), a: gradients.input,
                b: pass.packed + inputWeight, c: spare
            ).run()
            swap(&current, &spare)
        }
    }
}

/// A layer's gates' pre-activation gradients over the pass's steps: those
/// of the input side (`W_ih`, `b_ih`, the layer below) and of the recurrent
/// side (`W_hh`, `b_hh`, the step before), which differ only for a GRU.
private struct GateGradients {
    let input: UnsafePointer<Float>
    let recurrent: UnsafePointer<Float>
}

/// Through time: `∂z[t] = (∂h[t] + ∂z[t+1]·W_hh) · σ'(h[t])`, σ' = `1 - h²`
/// or `h > 0`, in place of `∂h`.
private func backwardRNNLayer(
    _ pass: ShardPass, _ workspace: Workspace, layer: Int, outputGradient dz: UnsafeMutablePointer<Float>
) -> GateGradients {
    let shape = pass.shape, hidden = shape.hidden, steps = shape.sequenceLength, m = pass.samples
    let h = UnsafePointer(workspace.output(layer))
    let last = (steps - 1) * hidden
    if shape.cell == .rnnReLU {
        reluGradientRows(dz + last, h: h + last, rows: m, rowStride: shape.flatFeatures, count: hidden)
    } else {
        tanhGradientRows(dz + last, h: h + last, rows: m, rowStride: shape.flatFeatures, count: hidden)
    }
    let step = ProductShape.recurrentStepGradient(shape, samples: m)
    let recurrentWeight = pass.packed + pass.packedLayout.layers[layer].recurrentWeight
    for t in stride(from: steps - 2, through: 0, by: -1) {
        MatrixProduct(
            step, a: UnsafePointer(dz + (t + 1) * hidden), b: recurrentWeight, c: dz + t * hidden, h: h + t * hidden
        ).run()
    }
    return GateGradients(input: dz, recurrent: dz)
}

/// Through time, from the last step: `∂h[t] += ∂g[t+1]·W_hh` over the four
/// gates, then the cell's gradient (``lstmCellGradientRows``), `∂c` carried
/// from step to step in the workspace.
private func backwardLSTMLayer(
    _ pass: ShardPass, _ workspace: Workspace, layer: Int, outputGradient dh: UnsafeMutablePointer<Float>
) -> GateGradients {
    let shape = pass.shape, hidden = shape.hidden, gateCount = shape.gateRows, steps = shape.sequenceLength
    let m = pass.samples
    let gates = UnsafePointer(workspace.gates(layer)), cells = UnsafePointer(workspace.states(layer))
    let dg = workspace.gateGradients, carry = workspace.cellGradient
    carry.update(repeating: 0, count: m * hidden)
    let step = ProductShape.recurrentStepGradient(shape, samples: m)
    let recurrentWeight = pass.packed + pass.packedLayout.layers[layer].recurrentWeight
    for t in stride(from: steps - 1, through: 0, by: -1) {
        if t < steps - 1 {
            MatrixProduct(step, a: UnsafePointer(dg + (t + 1) * gateCount), b: recurrentWeight, c: dh + t * hidden).run()
        }
        lstmCellGradientRows(
            outputGradient: dh + t * hidden, gates: gates + t * gateCount, gateRowStride: steps * gateCount,
            previousCell: t > 0 ? cells + (t - 1) * hidden : nil, cell: cells + t * hidden,
            stateRowStride: shape.flatFeatures, cellGradient: carry, gateGradients: dg + t * gateCount,
            rows: m, hidden: hidden)
    }
    return GateGradients(input: dg, recurrent: dg)
}

/// Through time, from the last step: `∂h[t] += ∂g_hh[t+1]·W_hh` over the
/// three gates, then the gates' gradients (``gruCellGradientRows``), which
/// also add the direct path `∂h[t]·z[t]` to `∂h[t-1]`.
private func backwardGRULayer(
    _ pass: ShardPass, _ workspace: Workspace, layer: Int, outputGradient dh: UnsafeMutablePointer<Float>
) -> GateGradients {
    let shape = pass.shape, hidden = shape.hidden, gateCount = shape.gateRows, steps = shape.sequenceLength
    let m = pass.samples
    let gates = UnsafePointer(workspace.gates(layer)), recurrent = UnsafePointer(workspace.states(layer))
    let h = UnsafePointer(workspace.output(layer))
    let inputSide = workspace.gateGradients, recurrentSide = workspace.recurrentGateGradients
    let step = ProductShape.recurrentStepGradient(shape, samples: m)
    let recurrentWeight = pass.packed + pass.packedLayout.layers[layer].recurrentWeight
    for t in stride(from: steps - 1, through: 0, by: -1) {
        if t < steps - 1 {
            MatrixProduct(
                step, a: UnsafePointer(recurrentSide + (t + 1) * gateCount), b: recurrentWeight, c: dh + t * hidden
            ).run()
        }
        gruCellGradientRows(
            outputGradient: dh + t * hidden, gates: gates + t * gateCount, recurrent: recurrent + t * gateCount,
            gateRowStride: steps * gateCount, previous: t > 0 ? h + (t - 1) * hidden : nil,
            previousGradient: t > 0 ? dh + (t - 1) * hidden : nil, stateRowStride: shape.flatFeatures,
            inputGateGradients: inputSide + t * gateCount, recurrentGateGradients: recurrentSide + t * gateCount,
            rows: m, hidden: hidden)
    }
    return GateGradients(input: inputSide, recurrent: recurrentSide)
}

/// Weight and bias gradients of layer `layer` for each shard, each one
/// product or sum over its samples and time steps: `∂W_hh = Σ_t ∂g_hh[t]ᵀ
/// h[t-1]` (t ≥ 1), `∂W_ih = Σ_t ∂g_ih[t]ᵀ x[t]`, `∂b_ih = Σ_t ∂g_ih[t]`,
/// `∂b_hh = Σ_t ∂g_hh[t]`.
private func layerWeightGradients(
    _ pass: ShardPass, _ workspace: Workspace, layer: Int, input: UnsafePointer<Float>, gates: GateGradients,
    into shardGradients: UnsafePointer<UnsafeMutablePointer<Float>>
) {
    let shape = pass.shape, layout = pass.layout, steps = shape.sequenceLength, gateCount = shape.gateRows
    let inputSize = shape.layerInputSize(layer), gateSequence = steps * gateCount
    let h = UnsafePointer(workspace.output(layer))
    for shard in 0..<pass.shards.shardCount {
        let rows = pass.shards.samples(of: shard)
        let gradients = shardGradients[shard]
        let adding = pass.addsGradient(ofShard: shard)
        let inputSide = gates.input + rows.lowerBound * gateSequence
        let recurrentSide = gates.recurrent + rows.lowerBound * gateSequence
        var recurrentProduct = ProductShape.recurrentWeightGradient(shape, samples: rows.count)
        if adding { recurrentProduct.epilogue = .add }
        MatrixProduct(
            recurrentProduct,
            a: recurrentSide + gateCount, b: h + rows.lowerBound * shape.flatFeatures,
            c: gradients + layout.recurrentWeight(layer: layer).offset
        ).run()
        inputWeightGradient(
            shape: shape, layer: layer, samples: rows.count,
            gateGradients: inputSide, input: input + rows.lowerBound * steps * inputSize,
            scratch: workspace.transposeScratch, into: gradients + layout.inputWeight(layer: layer).offset,
            adding: adding)
        let inputBias = gradients + layout.inputBias(layer: layer).offset
        let recurrentBias = gradients + layout.recurrentBias(layer: layer).offset
        columnSums(
            inputSide, rows: rows.count * steps, rowStride: gateCount, count: gateCount, into: inputBias,
            adding: adding)
        if gates.recurrent == gates.input {
            // Both biases get the same gradient, shard by shard, so their
            // running sums are equal too.
            recurrentBias.update(from: inputBias, count: gateCount)
        } else {
            columnSums(
                recurrentSide, rows: rows.count * steps, rowStride: gateCount, count: gateCount, into: recurrentBias,
                adding: adding)
        }
    }
}

/// `∂W_ih = ∂gᵀ·X` (G x inputSize) over `samples` samples' rows of the
/// input side's gate gradients and `X`, as
/// ``ProductShape/inputWeightGradient(_:layer:samples:)``: where
/// ``ModelShape/transposesInputWeightGradient(layer:)`` says so, computed as
/// its transpose `Xᵀ·∂g` in `scratch` (`inputSize * G` floats) and transposed
/// into place. Either way each element is the same chain of fused
/// multiply-adds with the factors swapped, so the bits are the same.
private func inputWeightGradient(
    shape: ModelShape, layer: Int, samples: Int, gateGradients: UnsafePointer<Float>, input: UnsafePointer<Float>,
    scratch: UnsafeMutablePointer<Float>, into gradient: UnsafeMutablePointer<Float>, adding: Bool
) {
    let product = ProductShape.inputWeightGradient(shape, layer: layer, samples: samples)
    guard shape.transposesInputWeightGradient(layer: layer) else {
        var direct = product
        if adding { direct.epilogue = .add }
        MatrixProduct(direct, a: gateGradients, b: input, c: gradient).run()
        return
    }
    MatrixProduct(product, a: input, b: gateGradients, c: scratch).run()
    let inputSize = shape.layerInputSize(layer), gateCount = shape.gateRows
    // gradient(row, i) = scratch(i, row): blocks of up to 16 x 16 in registers.
    let block = 16  // recur_transpose_block's largest
    for row in stride(from: 0, to: gateCount, by: block) {
        for i in stride(from: 0, to: inputSize, by: block) {
            recur_transpose_block(
                scratch + i * gateCount + row, gateCount, Int32(min(block, inputSize - i)),
                Int32(min(block, gateCount - row)), gradient + row * inputSize + i, inputSize, adding ? 1 : 0)
        }
    }
}
