@_spi(Kernels) import RecurCore

/// The products one shard of the model runs, with the strides the forward
/// pass and backprop through time call them with (`Shard.swift` of the
/// kernels). `samples` is the shard's sample count, m.
extension ProductShape {
    /// Every time step's input projection at once, biases folded in:
    /// (m·T) x hidden, depth = the layer's input size.
    static func inputProjection(_ model: ModelShape, layer: Int, samples: Int) -> ProductShape {
        let input = model.layerInputSize(layer)
        return ProductShape(
            rows: samples * model.sequenceLength, columns: model.hidden, depth: input,
            aRowStride: input, aDepthStride: 1, bRowStride: model.hidden, cRowStride: model.hidden,
            hasBias: true)
    }

    /// One forward time step `h[t] = tanh(u[t] + h[t-1]·W_hhᵀ)`: m x hidden,
    /// depth hidden, rows one sample's sequence apart.
    static func recurrentStep(_ model: ModelShape, samples: Int) -> ProductShape {
        let sequence = model.sequenceLength * model.hidden
        return ProductShape(
            rows: samples, columns: model.hidden, depth: model.hidden,
            aRowStride: sequence, aDepthStride: 1, bRowStride: model.hidden, cRowStride: sequence,
            accumulate: true, epilogue: .tanh)
    }

    /// One backward time step `∂z[t] = (∂h[t] + ∂z[t+1]·W_hh) · (1 - h[t]²)`.
    static func recurrentStepGradient(_ model: ModelShape, samples: Int) -> ProductShape {
        var shape = recurrentStep(model, samples: samples)
        shape.epilogue = .tanhGradient(hRowStride: shape.cRowStride)
        return shape
    }

    /// `∂W_hh = Σ ∂z[t]ᵀ h[t-1]` over every sample's steps 1..<T: hidden x
    /// hidden, depth T - 1 in m segments, A transposed.
    static func recurrentWeightGradient(_ model: ModelShape, samples: Int) -> ProductShape {
        let sequence = model.sequenceLength * model.hidden
        return ProductShape(
            rows: model.hidden, columns: model.hidden, depth: model.sequenceLength - 1, segments: samples,
            aRowStride: 1, aDepthStride: model.hidden, aSegmentStride: sequence,
            bRowStride: model.hidden, bSegmentStride: sequence, cRowStride: model.hidden)
    }

    /// `∂W_ih = Σ ∂z[t]ᵀ x[t]`: hidden x the layer's input size, depth m·T,
    /// A transposed; or its transpose `Σ x[t]ᵀ ∂z[t]` (input size x hidden)
    /// where the model computes that (layer 0: 28 inputs fill 28 of 32
    /// vector lanes), as measured here. The transpose into place after it
    /// is not measured.
    static func inputWeightGradient(_ model: ModelShape, layer: Int, samples: Int) -> ProductShape {
        let input = model.layerInputSize(layer), depth = samples * model.sequenceLength
        if model.transposesInputWeightGradient(layer: layer, samples: samples) {
            return ProductShape(
                rows: input, columns: model.hidden, depth: depth,
                aRowStride: 1, aDepthStride: input, bRowStride: model.hidden, cRowStride: model.hidden)
        }
        return ProductShape(
            rows: model.hidden, columns: input, depth: depth,
            aRowStride: 1, aDepthStride: model.hidden, bRowStride: input, cRowStride: input)
    }

    /// The gradient passed to the layer below, `∂x = ∂z·W_ih`: (m·T) x the
    /// layer's input size, depth hidden.
    static func gradientToLayerBelow(_ model: ModelShape, layer: Int, samples: Int) -> ProductShape {
        let input = model.layerInputSize(layer)
        return ProductShape(
            rows: samples * model.sequenceLength, columns: input, depth: model.hidden,
            aRowStride: model.hidden, aDepthStride: 1, bRowStride: input, cRowStride: input)
    }

    /// The linear layer's weight gradient `∂W = ∂logitsᵀ·H`: classes x
    /// (T·hidden), depth m, A transposed. The engine computes it once per
    /// step over the whole batch (m is the batch size), split between
    /// workers in blocks of 128 columns; this measures all columns in one call.
    static func linearWeightGradient(_ model: ModelShape, samples: Int) -> ProductShape {
        ProductShape(
            rows: model.classes, columns: model.flatFeatures, depth: samples,
            aRowStride: 1, aDepthStride: model.classes, bRowStride: model.flatFeatures,
            cRowStride: model.flatFeatures)
    }

    /// The linear layer's input gradient `∂H = ∂logits·W`: m x (T·hidden),
    /// depth classes.
    static func linearInputGradient(_ model: ModelShape, samples: Int) -> ProductShape {
        ProductShape(
            rows: samples, columns: model.flatFeatures, depth: model.classes,
            aRowStride: model.classes, aDepthStride: 1, bRowStride: model.flatFeatures,
            cRowStride: model.flatFeatures)
    }
}
