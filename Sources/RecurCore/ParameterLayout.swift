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

/// The four tensors of one recurrent layer, as PyTorch names them
/// (`rnn.weight_ih_lk`, `rnn.weight_hh_lk`, `rnn.bias_ih_lk`, `rnn.bias_hh_lk`),
/// each with ``ModelShape/gateRows`` rows: one block of `hidden` per gate.
public struct RecurrentLayerSlots: Hashable, Sendable {
    public let inputWeight: TensorSlot
    public let recurrentWeight: TensorSlot
    public let inputBias: TensorSlot
    public let recurrentBias: TensorSlot

    /// The four in state-dict order.
    public var all: [TensorSlot] { [inputWeight, recurrentWeight, inputBias, recurrentBias] }
}

/// Where every parameter of a ``ModelShape`` lives in one flat `Float` buffer.
///
/// Tensors appear in PyTorch's state-dict order (`rnn.weight_ih_l0`,
/// `rnn.weight_hh_l0`, `rnn.bias_ih_l0`, `rnn.bias_hh_l0`, ... , `fc.weight`,
/// `fc.bias`), each in PyTorch's row-major layout and shape for the model's
/// cell and head, each starting on a 64-byte boundary. The gaps are zero and
/// stay zero: element-wise passes (gradient sums, Adam) run over the whole
/// buffer without looking at the names.
public struct ParameterLayout: Hashable, Sendable {
    /// Floats between tensor starts are rounded up to this many (64 bytes).
    public static let alignment = 16

    public let shape: ModelShape
    /// Every tensor, in state-dict order.
    public let slots: [TensorSlot]
    /// The tensors of each recurrent layer.
    public let layers: [RecurrentLayerSlots]
    /// `fc.weight`, `[classes, headFeatures]`.
    public let outputWeight: TensorSlot
    /// `fc.bias`, `[classes]`.
    public let outputBias: TensorSlot
    /// Length of the flat buffer in floats: the tensors, their padding, and
    /// ``alignment`` floats of slack at the end, because kernels read rows in
    /// whole vectors and may read past the last one.
    public let count: Int

    public init(_ shape: ModelShape) {
        self.shape = shape
        var offset = 0
        func slot(_ name: String, _ dims: [Int]) -> TensorSlot {
            defer { offset += Self.roundUp(dims.reduce(1, *)) }
            return TensorSlot(name: name, shape: dims, offset: offset)
        }
        let rows = shape.gateRows
        layers = (0..<shape.layers).map { layer in
            RecurrentLayerSlots(
                inputWeight: slot("rnn.weight_ih_l\(layer)", [rows, shape.layerInputSize(layer)]),
                recurrentWeight: slot("rnn.weight_hh_l\(layer)", [rows, shape.hidden]),
                inputBias: slot("rnn.bias_ih_l\(layer)", [rows]),
                recurrentBias: slot("rnn.bias_hh_l\(layer)", [rows]))
        }
        outputWeight = slot("fc.weight", [shape.classes, shape.headFeatures])
        outputBias = slot("fc.bias", [shape.classes])
        slots = layers.flatMap(\.all) + [outputWeight, outputBias]
        count = offset + Self.alignment
    }

    /// Number of real parameters (padding excluded).
    public var parameterCount: Int { slots.reduce(0) { $0 + $1.count } }

    public subscript(name: String) -> TensorSlot? { slots.first { $0.name == name } }

    public func inputWeight(layer: Int) -> TensorSlot { layers[layer].inputWeight }
    public func recurrentWeight(layer: Int) -> TensorSlot { layers[layer].recurrentWeight }
    public func inputBias(layer: Int) -> TensorSlot { layers[layer].inputBias }
    public func recurrentBias(layer: Int) -> TensorSlot { layers[layer].recurrentBias }

    /// `count` rounded up to a multiple of ``alignment``.
    public static func roundUp(_ count: Int) -> Int {
        (count + alignment - 1) / alignment * alignment
    }
}

/// The copies of the recurrent layers' weights that the products read as
/// their B operand, refreshed after every optimizer step (see
/// ``ComputeBackend/packWeights``), and the biases the forward pass adds.
///
/// The products vectorise over B's columns, and read each weight in column
/// panels (``ProductShape/packedIndex(depth:column:depth:)``): a tile of 64
/// columns then streams through one contiguous run of memory instead of a
/// few cache lines of every row (rows of 1-4 KiB at hidden 256, each in a
/// page of its own at 4 KiB, where the prefetchers stop). Per layer, each in
/// panels:
/// - `W_ihᵀ` (depth `in`, `gateRows` columns) and `W_hhᵀ` (depth `hidden`):
///   the forward products `x W_ihᵀ` and `h W_hhᵀ` over every gate at once;
/// - `W_hh` (depth `gateRows`, `hidden` columns): backprop through time;
/// - `W_ih` (depth `gateRows`, `in` columns) above layer 0: the gradient to
///   the layer below;
/// - the bias the input projection adds: `b_ih + b_hh`, except for a GRU,
///   whose candidate gate reads its recurrent product with its bias,
///   `r * (W_hn h + b_hn)`: a GRU's input projection adds `b_ih` and its
///   recurrent product `b_hh` (``Layer/recurrentBias``), as PyTorch computes
///   them.
public struct PackedLayout: Hashable, Sendable {
    public struct Layer: Hashable, Sendable {
        public let inputWeightT: Int
        public let recurrentWeightT: Int
        public let recurrentWeight: Int
        /// `W_ih` for the gradient to the layer below; nil for layer 0.
        public let inputWeight: Int?
        public let bias: Int
        /// A GRU's `b_hh` (`gateRows` floats); nil for cells whose biases all sum.
        public let recurrentBias: Int?
    }

    public let layers: [Layer]
    public let count: Int

    public init(_ shape: ModelShape) {
        var offset = 0
        func reserve(_ floats: Int) -> Int {
            defer { offset += ParameterLayout.roundUp(floats) }
            return offset
        }
        let rows = shape.gateRows, hidden = shape.hidden
        layers = (0..<shape.layers).map { layer in
            let input = shape.layerInputSize(layer)
            return Layer(
                inputWeightT: reserve(ProductShape.packedCount(depth: input, columns: rows)),
                recurrentWeightT: reserve(ProductShape.packedCount(depth: hidden, columns: rows)),
                recurrentWeight: reserve(ProductShape.packedCount(depth: rows, columns: hidden)),
                inputWeight: layer > 0 ? reserve(ProductShape.packedCount(depth: rows, columns: input)) : nil,
                bias: reserve(rows),
                recurrentBias: shape.cell == .gru ? reserve(rows) : nil)
        }
        count = offset + ParameterLayout.alignment
    }
}
