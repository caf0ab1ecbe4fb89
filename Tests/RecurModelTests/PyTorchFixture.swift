import RecurCore
import RecurModel
import RecurSafetensors
import RecurTestSupport
import Testing

/// One of the PyTorch reference files (see `shared/README.md` and
/// `scripts/make-fixtures.py`): initial parameters, a batch, and what PyTorch
/// computed from them.
struct PyTorchFixture {
    let file: SafetensorsFile
    let shape: ModelShape
    let batch: Int
    let learningRate: Double
    let beta1: Double
    let beta2: Double
    let epsilon: Double
    let adamSteps: Int
    /// `batch * sequenceLength * inputSize` pixels.
    let inputs: [Float]
    let labels: [Int32]
    /// Each sample's length, for the `packed-*` fixtures.
    let lengths: [Int32]?

    init(path: String) throws {
        let file = try SafetensorsFile.read(path: path)
        func number<Value: LosslessStringConvertible>(_ key: String) throws -> Value {
            try #require(file.metadata[key].flatMap(Value.init), "metadata \(key) of \(path)")
        }
        let betas = try #require(file.metadata["betas"], "metadata betas of \(path)")
            .split { "[](), ".contains($0) }.compactMap { Double($0) }
        try #require(betas.count == 2, "betas of \(path): \(betas)")
        self.file = file
        shape = ModelShape(
            inputSize: try number("input_size"), sequenceLength: try number("seq_len"), hidden: try number("hidden"),
            layers: try number("layers"), classes: try number("classes"),
            cell: try #require(RecurrentCell(rawValue: file.metadata["cell"] ?? "rnn_tanh"), "cell of \(path)"),
            head: try #require(ModelHead(rawValue: file.metadata["head"] ?? "all"), "head of \(path)"))
        batch = try number("batch")
        learningRate = try number("lr")
        beta1 = betas[0]
        beta2 = betas[1]
        epsilon = try number("eps")
        adamSteps = try number("adam_steps")
        inputs = try file.floats(named: "input", shape: [batch, shape.sequenceLength, shape.inputSize])
        labels = try file.int64s(named: "target", shape: [batch]).map { try #require(Int32(exactly: $0)) }
        lengths =
            file.tensors["lengths"] == nil
            ? nil : try file.int64s(named: "lengths", shape: [batch]).map { try #require(Int32(exactly: $0)) }
    }

    /// The fixture `name`, found by `Fixtures.require`.
    static func named(_ name: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> PyTorchFixture {
        try PyTorchFixture(path: try Fixtures.require(name, sourceLocation: sourceLocation))
    }

    /// A float tensor of the file, checked against `shape`.
    func floats(_ name: String, shape: [Int]) throws -> [Float] {
        try file.floats(named: name, shape: shape)
    }

    /// The file's parameters whose names start with `prefix` ("" for the
    /// initial ones, "grad." or "adam."), laid out like the model's.
    func parameters(prefix: String = "") throws -> Parameters {
        let parameters = Parameters(shape: shape)
        for slot in parameters.layout.slots {
            let values = try floats(prefix + slot.name, shape: slot.shape)
            _ = parameters[slot].update(fromContentsOf: values)
        }
        return parameters
    }
}
