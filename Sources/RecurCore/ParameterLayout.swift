/// One named tensor inside the flat parameter buffer.
public struct TensorSlot: Hashable, Sendable {
    /// PyTorch's state-dict name, e.g. `rnn.weight_hh_l1` or `fc.bias`.
    public let name: String
    /// PyTorch's shape, row-major (`[out, in]` for weights).
    public let shape: [Int]
    /// Offset of the first element in the flat buffer, in floats.
    public let offset: Int

    public var count: Int { shape.reduce(1, *) }
    public var range: Range<Int> { offset..<(offset + count) }
}

/// Where every parameter of a ``ModelShape`` lives in one flat `Float` buffer.
///
/// Tensors appear in PyTorch's state-dict order (`rnn.weight_ih_l0`,
/// `rnn.weight_hh_l0`, `rnn.bias_ih_l0`, `rnn.bias_hh_l0`, ... , `fc.weight`,
/// `fc.bias`), each in PyTorch's row-major layout, each starting on a 64-byte
/// boundary. The gaps are zero and stay zero: element-wise passes (gradient
/// sums, Adam) run over the whole buffer without looking at the names.
public struct ParameterLayout: Hashable, Sendable {
    /// Floats between tensor starts are rounded up to this many (64 bytes).
    public static let alignment = 16

    public let shape: ModelShape
    public let slots: [TensorSlot]
    /// Length of the flat buffer in floats: the tensors, their padding, and
    /// ``alignment`` floats of slack at the end, because kernels read rows in
    /// whole vectors and may read past the last one.
    public let count: Int

    public init(_ shape: ModelShape) {
        self.shape = shape
        var slots: [TensorSlot] = []
        var offset = 0
        func add(_ name: String, _ dims: [Int]) {
            slots.append(TensorSlot(name: name, shape: dims, offset: offset))
            offset += Self.roundUp(dims.reduce(1, *))
        }
        for layer in 0..<shape.layers {
            add("rnn.weight_ih_l\(layer)", [shape.hidden, shape.layerInputSize(layer)])
            add("rnn.weight_hh_l\(layer)", [shape.hidden, shape.hidden])
            add("rnn.bias_ih_l\(layer)", [shape.hidden])
            add("rnn.bias_hh_l\(layer)", [shape.hidden])
        }
        add("fc.weight", [shape.classes, shape.flatFeatures])
        add("fc.bias", [shape.classes])
        self.slots = slots
        self.count = offset + Self.alignment
    }

    /// Number of real parameters (padding excluded).
    public var parameterCount: Int { slots.reduce(0) { $0 + $1.count } }

    public subscript(name: String) -> TensorSlot? { slots.first { $0.name == name } }

    public func inputWeight(layer: Int) -> TensorSlot { slots[4 * layer] }
    public func recurrentWeight(layer: Int) -> TensorSlot { slots[4 * layer + 1] }
    public func inputBias(layer: Int) -> TensorSlot { slots[4 * layer + 2] }
    public func recurrentBias(layer: Int) -> TensorSlot { slots[4 * layer + 3] }
    public var outputWeight: TensorSlot { slots[4 * shape.layers] }
    public var outputBias: TensorSlot { slots[4 * shape.layers + 1] }

    /// `count` rounded up to a multiple of ``alignment``.
    public static func roundUp(_ count: Int) -> Int {
        (count + alignment - 1) / alignment * alignment
    }
}

/// The transposed copy of the RNN weights that the forward pass reads, refreshed
/// after every optimizer step (see ``ComputeBackend/packWeights``).
///
/// The forward products `x W_ihᵀ` and `h W_hhᵀ` vectorise over the output units,
/// which needs `Wᵀ` with contiguous rows; backward reads `W` as stored. Per layer:
/// `W_ihᵀ` `[in, hidden]`, `W_hhᵀ` `[hidden, hidden]`, and `b_ih + b_hh` `[hidden]`.
public struct PackedLayout: Hashable, Sendable {
    public struct Layer: Hashable, Sendable {
        public let inputWeightT: Int
        public let recurrentWeightT: Int
        public let bias: Int
    }

    public let layers: [Layer]
    public let count: Int

    public init(_ shape: ModelShape) {
        var layers: [Layer] = []
        var offset = 0
        for layer in 0..<shape.layers {
            let ih = offset
            offset += ParameterLayout.roundUp(shape.layerInputSize(layer) * shape.hidden)
            let hh = offset
            offset += ParameterLayout.roundUp(shape.hidden * shape.hidden)
            let bias = offset
            offset += ParameterLayout.roundUp(shape.hidden)
            layers.append(Layer(inputWeightT: ih, recurrentWeightT: hh, bias: bias))
        }
        self.layers = layers
        self.count = offset + ParameterLayout.alignment
    }
}
