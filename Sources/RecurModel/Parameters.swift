import RecurCore

/// The model's parameters: one flat, aligned `Float` buffer laid out by a
/// ``ParameterLayout``, with named views that carry PyTorch's names.
public final class Parameters: @unchecked Sendable {
    public let layout: ParameterLayout
    public let storage: FloatBuffer

    /// All-zero parameters.
    public init(shape: ModelShape) {
        layout = ParameterLayout(shape)
        storage = FloatBuffer(count: layout.count)
    }

    /// Parameters initialised as PyTorch's defaults, from `seed`: every RNN
    /// tensor uniform in `±1/√hidden` (`nn.RNN.reset_parameters`), both tensors
    /// of the linear layer uniform in `±1/√fan_in` (`nn.Linear`: Kaiming-uniform
    /// with a = √5 gives that bound for the weight, and the bias uses it too).
    public convenience init(shape: ModelShape, seed: UInt64) {
        self.init(shape: shape)
        var random = RecurRandom(seed: seed, stream: 1)
        let rnnBound = 1 / Float(shape.hidden).squareRoot()
        let fcBound = 1 / Float(shape.headFeatures).squareRoot()
        for slot in layout.slots {
            let bound = slot.name.hasPrefix("fc.") ? fcBound : rnnBound
            let view = self[slot]
            for i in view.indices { view[i] = random.uniform(-bound, bound) }
        }
    }

    /// A copy of `other`.
    public init(copying other: Parameters) {
        layout = other.layout
        storage = FloatBuffer(copying: other.storage)
    }

    public var shape: ModelShape { layout.shape }
    public var pointer: UnsafeMutablePointer<Float> { storage.pointer }

    /// The elements of one tensor, in PyTorch's row-major layout.
    public subscript(slot: TensorSlot) -> UnsafeMutableBufferPointer<Float> {
        UnsafeMutableBufferPointer(start: storage.pointer + slot.offset, count: slot.count)
    }

    /// The elements of the tensor called `name`, if the model has one.
    public subscript(name: String) -> UnsafeMutableBufferPointer<Float>? {
        layout[name].map { self[$0] }
    }
}
