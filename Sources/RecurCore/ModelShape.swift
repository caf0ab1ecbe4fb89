/// The architecture of the recurrent classifier: a stack of tanh RNN layers
/// (PyTorch's `nn.RNN`, zero initial state) read over `sequenceLength` steps,
/// then one linear layer over the concatenated outputs of every time step of
/// the last layer.
///
/// For MNIST each image is a sequence of 28 rows of 28 pixels.
public struct ModelShape: Hashable, Sendable, Codable, CustomStringConvertible {
    /// Features per time step (28 pixels per MNIST row).
    public var inputSize: Int
    /// Time steps per sample (28 rows per MNIST image).
    public var sequenceLength: Int
    /// Units per RNN layer.
    public var hidden: Int
    /// Number of stacked RNN layers, at least 1.
    public var layers: Int
    /// Number of output classes.
    public var classes: Int

    public init(inputSize: Int = 28, sequenceLength: Int = 28, hidden: Int = 256, layers: Int = 2, classes: Int = 10) {
        self.inputSize = inputSize
        self.sequenceLength = sequenceLength
        self.hidden = hidden
        self.layers = layers
        self.classes = classes
    }

    /// The seed notebook's model: 28x28 inputs, 2 layers of 256, 10 classes.
    public static let mnist = ModelShape()

    /// Inputs of one sample: `sequenceLength * inputSize` floats.
    public var sampleInputCount: Int { sequenceLength * inputSize }

    /// Width of the linear layer's input: every time step's output of the last layer.
    public var flatFeatures: Int { sequenceLength * hidden }

    /// Input features of RNN layer `layer`.
    public func layerInputSize(_ layer: Int) -> Int { layer == 0 ? inputSize : hidden }

    /// Whether a shard of `samples` computes layer `layer`'s input weight
    /// gradient transposed, as `Xᵀ·∂Z` (input size x hidden) transposed into
    /// place: when rows of the layer's input size waste a larger share of the
    /// kernels' 16-float vectors than rows of `hidden` (28 inputs fill 28 of
    /// 32 lanes, 256 units all of theirs), and the shard's spare gradient
    /// sequence (`samples x sequenceLength x hidden` floats) holds the transpose.
    public func transposesInputWeightGradient(layer: Int, samples: Int) -> Bool {
        func wastedLaneShare(_ n: Int) -> Double {
            let lanes = ParameterLayout.alignment
            return Double((n + lanes - 1) / lanes * lanes - n) / Double(n)
        }
        let input = layerInputSize(layer)
        return wastedLaneShare(hidden) < wastedLaneShare(input) && input <= samples * sequenceLength
    }

    /// Floating-point operations of one forward and backward pass of one sample,
    /// counting a multiply-add as two. Matrix products only; tanh, softmax and
    /// the element-wise work add well under 1 %.
    public var flopsPerSample: Double {
        let t = Double(sequenceLength), h = Double(hidden)
        var macs = 0.0
        for layer in 0..<layers {
            let input = Double(layerInputSize(layer))
            let forward = t * (input * h + h * h)
            // Backward: weight gradients (input and recurrent) and the gradient
            // flowing to the input (not needed below layer 0) and through time.
            let weightGrads = t * (input * h + h * h)
            let dataGrads = t * h * h + (layer > 0 ? t * h * input : 0)
            macs += forward + weightGrads + dataGrads
        }
        let fc = Double(flatFeatures * classes)
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

    public var description: String {
        "RNN(\(inputSize)->\(hidden) x\(layers), tanh, \(sequenceLength) steps) -> Linear(\(flatFeatures)->\(classes))"
    }
}
