/// The recurrent cell of every layer, as PyTorch's recurrent modules define
/// it (zero initial state, both biases).
///
/// The cell decides how many gate blocks of `hidden` rows its weights stack:
/// `weight_ih_lk` is `[gateCount * hidden, input]`, in PyTorch's gate order.
public enum RecurrentCell: String, CaseIterable, Hashable, Sendable, Codable, CustomStringConvertible {
    /// `nn.RNN(nonlinearity="tanh")`: `h' = tanh(W_ih x + b_ih + W_hh h + b_hh)`.
    case rnnTanh = "rnn_tanh"
    /// `nn.RNN(nonlinearity="relu")`.
    case rnnReLU = "rnn_relu"
    /// `nn.LSTM`: gates i, f, g, o.
    case lstm
    /// `nn.GRU`: gates r, z, n.
    case gru

    /// Blocks of `hidden` rows in each weight and bias of a layer.
    public var gateCount: Int {
        switch self {
        case .rnnTanh, .rnnReLU: 1
        case .lstm: 4
        case .gru: 3
        }
    }

    /// The name PyTorch references and checkpoints give the cell (`cell` metadata).
    public var description: String { rawValue }

    /// The `recur` options that choose the cell: `--cell rnn --nonlinearity relu`.
    public var options: String {
        switch self {
        case .rnnTanh: "--cell rnn --nonlinearity tanh"
        case .rnnReLU: "--cell rnn --nonlinearity relu"
        case .lstm: "--cell lstm"
        case .gru: "--cell gru"
        }
    }
}

/// What the linear classifier reads from the last recurrent layer.
public enum ModelHead: String, CaseIterable, Hashable, Sendable, Codable, CustomStringConvertible {
    /// `Linear(hidden * sequenceLength, classes)` over every time step's output (the seed notebook's).
    case allSteps = "all"
    /// `Linear(hidden, classes)` on the last step's output (`out[:, -1]`).
    case lastStep = "last"

    /// The name references and checkpoints give the head (`head` metadata).
    public var description: String { rawValue }

    /// The `recur` option that chooses the head: `--head last`.
    public var options: String { "--head \(rawValue)" }
}

/// The architecture of the recurrent classifier, from which everything else
/// is derived: the parameter layout with PyTorch's names, the packed
/// weights, workspace sizes, the update plan, checkpoint validation and
/// shape inference, FLOP counts and descriptions.
///
/// A stack of `layers` recurrent layers of one ``RecurrentCell`` read over
/// `sequenceLength` steps, then one linear layer (``ModelHead``). For MNIST
/// each image is a sequence of 28 rows of 28 pixels.
public struct ModelShape: Hashable, Sendable, Codable, CustomStringConvertible {
    /// Features per time step (28 pixels per MNIST row).
    public var inputSize: Int
    /// Time steps per sample (28 rows per MNIST image).
    public var sequenceLength: Int
    /// Units per recurrent layer.
    public var hidden: Int
    /// Number of stacked recurrent layers, at least 1.
    public var layers: Int
    /// Number of output classes.
    public var classes: Int
    /// The recurrent cell of every layer.
    public var cell: RecurrentCell
    /// What the linear layer reads.
    public var head: ModelHead

    public init(
        inputSize: Int = 28, sequenceLength: Int = 28, hidden: Int = 256, layers: Int = 2, classes: Int = 10,
        cell: RecurrentCell = .rnnTanh, head: ModelHead = .allSteps
    ) {
        self.inputSize = inputSize
        self.sequenceLength = sequenceLength
        self.hidden = hidden
        self.layers = layers
        self.classes = classes
        self.cell = cell
        self.head = head
    }

    /// The largest hidden size and layer count the command line accepts: far
    /// past any model that fits in memory, small enough that no size
    /// computed from them overflows.
    public static let maximumHidden = 65_536
    public static let maximumLayers = 64

    /// The seed notebook's model: 28x28 inputs, 2 tanh RNN layers of 256, 10 classes.
    public static let mnist = ModelShape()

    /// Inputs of one sample: `sequenceLength * inputSize` floats.
    public var sampleInputCount: Int { sequenceLength * inputSize }

    /// Floats of one sample's outputs of one layer over every time step.
    public var flatFeatures: Int { sequenceLength * hidden }

    /// Width of the linear layer's input: every time step's output of the
    /// last layer, or the last step's.
    public var headFeatures: Int { head == .allSteps ? flatFeatures : hidden }

    /// Rows of each weight and bias of a recurrent layer: one block of
    /// `hidden` per gate.
    public var gateRows: Int { cell.gateCount * hidden }

    /// Input features of recurrent layer `layer`.
    public func layerInputSize(_ layer: Int) -> Int { layer == 0 ? inputSize : hidden }

    /// Whether layer `layer`'s input weight gradient is computed transposed,
    /// as `Xᵀ·∂Z` (input size x ``gateRows``) transposed into place: when rows
    /// of the layer's input size waste a larger share of the kernels'
    /// 16-float vectors than rows of ``gateRows`` (28 inputs fill 28 of 32
    /// lanes, 256 units all of theirs).
    public func transposesInputWeightGradient(layer: Int) -> Bool {
        func wastedLaneShare(_ n: Int) -> Double {
            let lanes = ParameterLayout.alignment
            return Double((n + lanes - 1) / lanes * lanes - n) / Double(n)
        }
        return wastedLaneShare(gateRows) < wastedLaneShare(layerInputSize(layer))
    }

    /// Floating-point operations of one forward and backward pass of one sample,
    /// counting a multiply-add as two. Matrix products only, each over all of
    /// a layer's gates; the gate arithmetic, softmax and other element-wise
    /// work add well under 1 %.
    public var flopsPerSample: Double {
        let t = Double(sequenceLength), h = Double(hidden), g = Double(cell.gateCount)
        var macs = 0.0
        for layer in 0..<layers {
            let input = Double(layerInputSize(layer))
            let forward = t * (input * g * h + h * g * h)
            // Backward: weight gradients (input and recurrent) and the gradient
            // flowing to the input (not needed below layer 0) and through time.
            let weightGrads = t * (input * g * h + h * g * h)
            let dataGrads = t * g * h * h + (layer > 0 ? t * g * h * input : 0)
            macs += forward + weightGrads + dataGrads
        }
        let fc = Double(headFeatures * classes)
        macs += 3 * fc  // forward, weight gradient, input gradient
        return 2 * macs
    }

    /// A problem with the shape, or nil when every dimension is usable.
    public var validationError: String? {
        if inputSize < 1 { return "input size must be at least 1 (got \(inputSize))" }
        if sequenceLength < 1 { return "sequence length must be at least 1 (got \(sequenceLength))" }
        if hidden < 1 { return "hidden size must be at least 1 (got \(hidden))" }
        if layers < 1 { return "layer count must be at least 1 (got \(layers))" }
        if classes < 2 { return "class count must be at least 2 (got \(classes))" }
        return nil
    }

    /// `RNN(28->256 x2, tanh, 28 steps) -> Linear(7168->10)`.
    public var description: String {
        let stack = "\(inputSize)->\(hidden) x\(layers)"
        let recurrent =
            switch cell {
            case .rnnTanh: "RNN(\(stack), tanh, \(sequenceLength) steps)"
            case .rnnReLU: "RNN(\(stack), relu, \(sequenceLength) steps)"
            case .lstm: "LSTM(\(stack), \(sequenceLength) steps)"
            case .gru: "GRU(\(stack), \(sequenceLength) steps)"
            }
        let linear = "Linear(\(headFeatures)->\(classes))"
        return head == .allSteps ? "\(recurrent) -> \(linear)" : "\(recurrent) -> last step -> \(linear)"
    }
}
