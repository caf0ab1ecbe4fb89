/// The model's matrix products, described once: the kernels' forward pass
/// and backprop through time (`Shard.swift`) build every `MatrixProduct`
/// from these shapes plus pointer offsets into their buffers
/// (``ShardWorkspace``), and the kernel benchmarks measure these same shapes.
///
/// Sequences are sample-major, `[samples][time][features]`, so the products
/// over all time steps of `samples` samples are single products. `samples`
/// is the number of samples in the product: a pass's rows for the products
/// between layers and through time, a shard's for the weight gradients, the
/// batch's for the linear layer's weight gradient when the engine computes it
/// over the batch. Every gate product is one product over all of a layer's
/// ``ModelShape/gateRows`` (`G`: `hidden` for the RNNs, 4 and 3 times that
/// for the LSTM and GRU).
///
/// Per sample, these products do ``ModelShape/flopsPerSample`` less what the
/// pass computes without a matrix product: in each layer, three `hidden x G`
/// products of one time step (the first forward step, whose previous state
/// is zero; the last step of BPTT, which has no later step to take a
/// gradient from; step 0 of the recurrent weight gradient), and the linear
/// layer's forward pass (dot products).
@_spi(Kernels) extension ProductShape {
    /// Every time step's input projection of layer `layer` at once, biases
    /// added (``PackedLayout``): (samples·T) x G, depth the layer's input
    /// size. A: the layer's input sequence; B: `W_ihᵀ` in column panels
    /// (``ProductShape/packedB()``, as every weight a product reads as B);
    /// C: the layer's output sequence (RNN) or gate sequence.
    public static func inputProjection(_ model: ModelShape, layer: Int, samples: Int) -> ProductShape {
        let input = model.layerInputSize(layer), gates = model.gateRows
        return ProductShape(
            rows: samples * model.sequenceLength, columns: gates, depth: input,
            aRowStride: input, aDepthStride: 1, bRowStride: gates, cRowStride: gates,
            hasBias: true
        ).packedB()
    }

    /// One forward time step's recurrent product `h[t-1]·W_hhᵀ` of every
    /// sample, rows one sample's sequence apart. A: `h[t-1]` of the first
    /// sample; B: `W_hhᵀ` in column panels. The RNNs accumulate it into the input
    /// projection `u[t]` (their output sequence) and apply σ (tanh or ReLU)
    /// in the tile: `h[t] = σ(u[t] + h[t-1]·W_hhᵀ)`. An LSTM accumulates it
    /// into its gates' pre-activations at `t`; a GRU writes it, with `b_hh`,
    /// to its recurrent products at `t` (``ShardWorkspace``).
    public static func recurrentStep(_ model: ModelShape, samples: Int) -> ProductShape {
        let gates = model.gateRows, hidden = model.hidden, steps = model.sequenceLength
        switch model.cell {
        case .rnnTanh, .rnnReLU:
            return ProductShape(
                rows: samples, columns: hidden, depth: hidden,
                aRowStride: model.flatFeatures, aDepthStride: 1, bRowStride: hidden, cRowStride: model.flatFeatures,
                accumulate: true, epilogue: model.cell == .rnnReLU ? .relu : .tanh
            ).packedB()
        case .lstm:
            return ProductShape(
                rows: samples, columns: gates, depth: hidden,
                aRowStride: model.flatFeatures, aDepthStride: 1, bRowStride: gates, cRowStride: steps * gates,
                accumulate: true
            ).packedB()
        case .gru:
            return ProductShape(
                rows: samples, columns: gates, depth: hidden,
                aRowStride: model.flatFeatures, aDepthStride: 1, bRowStride: gates, cRowStride: steps * gates,
                hasBias: true
            ).packedB()
        }
    }

    /// One backward time step's recurrent product. The RNNs: `∂z[t] = (∂h[t]
    /// + ∂z[t+1]·W_hh) · σ'` (σ' = `1 - h[t]²` for tanh, `h[t] > 0` for
    /// ReLU), accumulating into `∂h[t]`: the forward step's geometry with the
    /// gradient through σ in the tile, `h[t]` laid out like C. A: `∂z[t+1]`;
    /// B: `W_hh` in column panels. The LSTM and GRU: `∂h[t] += ∂g[t+1]·W_hh`,
    /// samples x hidden, depth G, A the recurrent side's gate gradients at
    /// `t + 1`, B `W_hh` in column panels, C `∂h[t]`; the gates' own
    /// derivatives are applied apart.
    public static func recurrentStepGradient(_ model: ModelShape, samples: Int) -> ProductShape {
        switch model.cell {
        case .rnnTanh, .rnnReLU:
            var shape = recurrentStep(model, samples: samples)
            shape.epilogue =
                model.cell == .rnnReLU
                ? .reluGradient(hRowStride: shape.cRowStride) : .tanhGradient(hRowStride: shape.cRowStride)
            return shape
        case .lstm, .gru:
            return ProductShape(
                rows: samples, columns: model.hidden, depth: model.gateRows,
                aRowStride: model.sequenceLength * model.gateRows, aDepthStride: 1, bRowStride: model.hidden,
                cRowStride: model.flatFeatures, accumulate: true
            ).packedB()
        }
    }

    /// `∂W_hh = Σ ∂g[t]ᵀ h[t-1]` over every sample's steps 1..<T: G x
    /// hidden, depth T - 1 in `samples` segments, one sample's sequence
    /// apart, A transposed. A: the recurrent side's gate gradients (the RNNs'
    /// `∂z`) at step 1 of the first sample; B: `h[0]` of it; C: the gradient
    /// of `W_hh`.
    public static func recurrentWeightGradient(_ model: ModelShape, samples: Int) -> ProductShape {
        let gates = model.gateRows
        return ProductShape(
            rows: gates, columns: model.hidden, depth: model.sequenceLength - 1, segments: samples,
            aRowStride: 1, aDepthStride: gates, aSegmentStride: model.sequenceLength * gates,
            bRowStride: model.hidden, bSegmentStride: model.flatFeatures, cRowStride: model.hidden)
    }

    /// `∂W_ih = Σ ∂g[t]ᵀ x[t]` over `samples` samples' steps: G x the layer's
    /// input size, depth samples·T, A transposed (A: the input side's gate
    /// gradients, B: `X`). Where ``ModelShape/transposesInputWeightGradient(layer:)``
    /// says so, its transpose `Σ x[t]ᵀ ∂g[t]` instead (input size x G; A:
    /// `X`, B: the gate gradients), which the caller transposes into place.
    public static func inputWeightGradient(_ model: ModelShape, layer: Int, samples: Int) -> ProductShape {
        let input = model.layerInputSize(layer), depth = samples * model.sequenceLength
        if model.transposesInputWeightGradient(layer: layer) {
            return .transposedA(rows: input, columns: model.gateRows, depth: depth)
        }
        return .transposedA(rows: model.gateRows, columns: input, depth: depth)
    }

    /// The gradient passed to layer `layer - 1`, `∂x = ∂g·W_ih`: (samples·T) x
    /// layer `layer`'s input size, depth G. A: the input side's gate
    /// gradients; B: `W_ih` in column panels.
    public static func gradientToLayerBelow(_ model: ModelShape, layer: Int, samples: Int) -> ProductShape {
        ProductShape.plain(rows: samples * model.sequenceLength, columns: model.layerInputSize(layer), depth: model.gateRows)
            .packedB()
    }

    /// The linear layer's input gradient `∂H = ∂logits·W`: samples x
    /// ``ModelShape/headFeatures``, depth classes. A: the logits' gradient;
    /// B: the weight. With the head on every step, C is the last layer's
    /// output gradient sequence; on the last step, rows the caller puts at
    /// each sample's last step.
    public static func linearInputGradient(_ model: ModelShape, samples: Int) -> ProductShape {
        .plain(rows: samples, columns: model.headFeatures, depth: model.classes)
    }

    /// The linear layer's weight gradient `∂W = ∂logitsᵀ·H` over `samples`
    /// rows, for `columns` of its ``ModelShape/headFeatures`` columns (all by
    /// default; the engine splits them between workers): classes x columns,
    /// depth samples, A transposed, B and C rows `headFeatures` apart. A: the
    /// logits' gradient; B: the head's input from the first column; C: the
    /// weight's gradient from the first column.
    public static func linearWeightGradient(_ model: ModelShape, samples: Int, columns: Int? = nil) -> ProductShape {
        let width = model.headFeatures
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
