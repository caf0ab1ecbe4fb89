/// The model's matrix products, described once: the kernels' forward pass
/// and backprop through time (`Shard.swift`) build every `MatrixProduct`
/// from these shapes plus pointer offsets into their buffers, and the kernel
/// benchmarks measure these same shapes.
///
/// Sequences are sample-major, `[samples][time][hidden]` (the inputs
/// `[samples][time][inputSize]`), so one sample's outputs of a layer are
/// `sequenceLength * hidden` floats and the products over all time steps of
/// `samples` samples are single products. `samples` is the number of samples
/// in the product: a pass's rows for the products between layers and through
/// time, a shard's for the weight gradients, the batch's for the linear
/// layer's weight gradient when the engine computes it over the batch.
///
/// Per sample, these products do ``ModelShape/flopsPerSample`` less what the
/// pass computes without a matrix product: in each layer, three `hidden²`
/// products of one time step (the first forward step, whose previous state
/// is zero, is a tanh of the input projection; the last step of BPTT has no
/// later step to take a gradient from; the recurrent weight gradient has no
/// term for step 0), and the linear layer's forward pass (dot products).
@_spi(Kernels) extension ProductShape {
    /// Every time step's input projection of layer `layer` at once, biases
    /// folded in (`b_ih + b_hh`): (samples·T) x hidden, depth the layer's
    /// input size. A: the layer's input sequence; B: packed `W_ihᵀ`; C: the
    /// layer's output sequence.
    public static func inputProjection(_ model: ModelShape, layer: Int, samples: Int) -> ProductShape {
        let input = model.layerInputSize(layer)
        return ProductShape(
            rows: samples * model.sequenceLength, columns: model.hidden, depth: input,
            aRowStride: input, aDepthStride: 1, bRowStride: model.hidden, cRowStride: model.hidden,
            hasBias: true)
    }

    /// One forward time step `h[t] = σ(u[t] + h[t-1]·W_hhᵀ)` (σ: tanh, or
    /// ReLU for ``RecurrentCell/rnnReLU``) of every
    /// sample, accumulating into the input projection `u[t]`: samples x
    /// hidden, depth hidden, rows one sample's sequence apart. A: `h[t-1]` of
    /// the first sample; B: packed `W_hhᵀ`; C: `h[t]` of the first sample.
    public static func recurrentStep(_ model: ModelShape, samples: Int) -> ProductShape {
        let sequence = model.flatFeatures
        return ProductShape(
            rows: samples, columns: model.hidden, depth: model.hidden,
            aRowStride: sequence, aDepthStride: 1, bRowStride: model.hidden, cRowStride: sequence,
            accumulate: true, epilogue: model.cell == .rnnReLU ? .relu : .tanh)
    }

    /// One backward time step `∂z[t] = (∂h[t] + ∂z[t+1]·W_hh) · σ'` (σ' =
    /// `1 - h[t]²` for tanh, `h[t] > 0` for ReLU),
    /// accumulating into `∂h[t]`: the forward step's geometry with the
    /// gradient through tanh, `h[t]` laid out like C. A: `∂z[t+1]`; B: `W_hh`.
    public static func recurrentStepGradient(_ model: ModelShape, samples: Int) -> ProductShape {
        var shape = recurrentStep(model, samples: samples)
        shape.epilogue =
            model.cell == .rnnReLU ? .reluGradient(hRowStride: shape.cRowStride) : .tanhGradient(hRowStride: shape.cRowStride)
        return shape
    }

    /// `∂W_hh = Σ ∂z[t]ᵀ h[t-1]` over every sample's steps 1..<T: hidden x
    /// hidden, depth T - 1 in `samples` segments, one sample's sequence
    /// apart, A transposed. A: `∂z[1]` of the first sample; B: `h[0]` of it;
    /// C: the gradient of `W_hh`.
    public static func recurrentWeightGradient(_ model: ModelShape, samples: Int) -> ProductShape {
        let sequence = model.flatFeatures
        return ProductShape(
            rows: model.hidden, columns: model.hidden, depth: model.sequenceLength - 1, segments: samples,
            aRowStride: 1, aDepthStride: model.hidden, aSegmentStride: sequence,
            bRowStride: model.hidden, bSegmentStride: sequence, cRowStride: model.hidden)
    }

    /// `∂W_ih = Σ ∂z[t]ᵀ x[t]` over `samples` samples' steps: hidden x the
    /// layer's input size, depth samples·T, A transposed (A: `∂Z`, B: `X`).
    /// Where ``ModelShape/transposesInputWeightGradient(layer:samples:)``
    /// says so, its transpose `Σ x[t]ᵀ ∂z[t]` instead (input size x hidden;
    /// A: `X`, B: `∂Z`), which the caller transposes into place.
    public static func inputWeightGradient(_ model: ModelShape, layer: Int, samples: Int) -> ProductShape {
        let input = model.layerInputSize(layer), depth = samples * model.sequenceLength
        if model.transposesInputWeightGradient(layer: layer, samples: samples) {
            return .transposedA(rows: input, columns: model.hidden, depth: depth)
        }
        return .transposedA(rows: model.hidden, columns: input, depth: depth)
    }

    /// The gradient passed to layer `layer - 1`, `∂x = ∂z·W_ih`: (samples·T) x
    /// layer `layer`'s input size, depth hidden. A: `∂Z`; B: `W_ih`.
    public static func gradientToLayerBelow(_ model: ModelShape, layer: Int, samples: Int) -> ProductShape {
        .plain(rows: samples * model.sequenceLength, columns: model.layerInputSize(layer), depth: model.hidden)
    }

    /// The linear layer's input gradient `∂H = ∂logits·W`: samples x
    /// (T·hidden), depth classes. A: the logits' gradient; B: the weight.
    public static func linearInputGradient(_ model: ModelShape, samples: Int) -> ProductShape {
        .plain(rows: samples, columns: model.flatFeatures, depth: model.classes)
    }

    /// The linear layer's weight gradient `∂W = ∂logitsᵀ·H` over `samples`
    /// rows, for `columns` of its T·hidden columns (all by default; the
    /// engine splits them between workers): classes x columns, depth
    /// samples, A transposed, B and C rows T·hidden apart. A: the logits'
    /// gradient; B: the last layer's outputs from the first column; C: the
    /// weight's gradient from the first column.
    public static func linearWeightGradient(_ model: ModelShape, samples: Int, columns: Int? = nil) -> ProductShape {
        let width = model.flatFeatures
        return ProductShape(
            rows: model.classes, columns: columns ?? width, depth: samples,
            aRowStride: 1, aDepthStride: model.classes, bRowStride: width, cRowStride: width)
    }

    /// `C = Aᵀ·B` for dense row-major `A` (depth x rows) and `B` (depth x
    /// columns).
    static func transposedA(rows: Int, columns: Int, depth: Int) -> ProductShape {
        ProductShape(
            rows: rows, columns: columns, depth: depth,
            aRowStride: 1, aDepthStride: rows, bRowStride: columns, cRowStride: columns)
    }
}

/// One of the model's products and how many times a pass runs it
/// (``all(_:samples:)``).
@_spi(Kernels) public struct PassProduct: Sendable, CustomStringConvertible {
    public var name: String
    public var shape: ProductShape
    public var calls: Int

    /// Floating-point operations of all its calls.
    public var flops: Double { Double(calls) * shape.flops }

    public var description: String { "\(name) x\(calls): \(shape)" }
}

@_spi(Kernels) extension PassProduct {
    /// Every product of a forward and backward pass over `samples` samples in
    /// one shard, the linear layer's weight gradient over the same samples,
    /// in the order `Shard.swift` first runs them. Their FLOPs are
    /// ``ModelShape/flopsPerSample`` times `samples` less the work done
    /// without products (see `ProductShape`'s model products above).
    public static func all(_ model: ModelShape, samples: Int) -> [PassProduct] {
        let steps = model.sequenceLength
        var products: [PassProduct] = []
        for layer in 0..<model.layers {
            products.append(PassProduct(
                name: "input projection L\(layer)",
                shape: .inputProjection(model, layer: layer, samples: samples), calls: 1))
            products.append(PassProduct(
                name: "recurrent step L\(layer)", shape: .recurrentStep(model, samples: samples), calls: steps - 1))
        }
        products.append(PassProduct(
            name: "linear weight gradient", shape: .linearWeightGradient(model, samples: samples), calls: 1))
        products.append(PassProduct(
            name: "linear input gradient", shape: .linearInputGradient(model, samples: samples), calls: 1))
        for layer in stride(from: model.layers - 1, through: 0, by: -1) {
            products.append(PassProduct(
                name: "BPTT recurrent step L\(layer)",
                shape: .recurrentStepGradient(model, samples: samples), calls: steps - 1))
            products.append(PassProduct(
                name: "recurrent weight gradient L\(layer)",
                shape: .recurrentWeightGradient(model, samples: samples), calls: 1))
            products.append(PassProduct(
                name: "input weight gradient L\(layer)",
                shape: .inputWeightGradient(model, layer: layer, samples: samples), calls: 1))
            if layer > 0 {
                products.append(PassProduct(
                    name: "gradient to layer below L\(layer)",
                    shape: .gradientToLayerBelow(model, layer: layer, samples: samples), calls: 1))
            }
        }
        return products
    }
}
