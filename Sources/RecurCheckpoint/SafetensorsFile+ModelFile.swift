import RecurCore
import RecurSafetensors

/// Reading a model out of a safetensors file: the shape, checked tensors and
/// typed metadata, shared by checkpoints and verification references.
extension SafetensorsFile {
    /// The model's shape: from the metadata keys `hidden`, `layers`,
    /// `input_size`, `seq_len` and `classes` when any of them is present (or
    /// `metadataRequired`), else inferred from the tensors (see
    /// ``inferredModelShape()``); the cell and head from the `cell` and
    /// `head` keys when present, else from the tensors' shapes. A shape read
    /// from the metadata must agree with the inferred one when one can be
    /// inferred.
    ///
    /// Either way every parameter tensor of the shape is then checked to be
    /// in the file, `F32`, with the right shape, before anything is
    /// allocated for it: a hostile header cannot make the caller allocate
    /// more than the file holds.
    package func modelShape(metadataRequired: Bool) throws(ModelFileIssue) -> ModelShape {
        let keys = ModelShape().metadataFields.map(\.key)
        let shape =
            metadataRequired || keys.contains(where: { metadata[$0] != nil })
            ? try shapeFromMetadata() : try inferredModelShape()
        try checkParameterTensors(of: shape)
        return shape
    }

    /// Checks the tensors of every parameter of `shape`, in state-dict order,
    /// with the names and shapes of ``ParameterLayout``. Stops at the first
    /// problem, so a huge layer count costs no more than the file's tensors.
    private func checkParameterTensors(of shape: ModelShape) throws(ModelFileIssue) {
        let (rows, gateOverflow) = shape.cell.gateCount.multipliedReportingOverflow(by: shape.hidden)
        guard !gateOverflow else {
            throw .invalidMetadata(
                key: "hidden", value: "\(shape.hidden)", expected: "a size whose product with the gate count fits 64 bits")
        }
        for layer in 0..<shape.layers {
            _ = try checkedTensor("rnn.weight_ih_l\(layer)", dtype: .F32, shape: [rows, shape.layerInputSize(layer)])
            _ = try checkedTensor("rnn.weight_hh_l\(layer)", dtype: .F32, shape: [rows, shape.hidden])
            _ = try checkedTensor("rnn.bias_ih_l\(layer)", dtype: .F32, shape: [rows])
            _ = try checkedTensor("rnn.bias_hh_l\(layer)", dtype: .F32, shape: [rows])
        }
        _ = try checkedTensor("fc.bias", dtype: .F32, shape: [shape.classes])
        let (features, overflow) = shape.sequenceLength.multipliedReportingOverflow(by: shape.hidden)
        guard !overflow else {
            throw .invalidMetadata(
                key: "seq_len", value: "\(shape.sequenceLength)",
                expected: "a length whose product with hidden fits 64 bits")
        }
        _ = try checkedTensor(
            "fc.weight", dtype: .F32, shape: [shape.classes, shape.head == .allSteps ? features : shape.hidden])
    }

    private func shapeFromMetadata() throws(ModelFileIssue) -> ModelShape {
        let fields = MetadataFields(metadata)
        let inferred = try? inferredModelShape()
        let shape = ModelShape(
            inputSize: try fields.integer("input_size", atLeast: 1),
            sequenceLength: try fields.integer("seq_len", atLeast: 1),
            hidden: try fields.integer("hidden", atLeast: 1),
            layers: try fields.integer("layers", atLeast: 1),
            classes: try fields.integer("classes", atLeast: 2),
            cell: try metadataCell() ?? inferred?.cell ?? .rnnTanh,
            head: try metadataHead() ?? .allSteps)
        if let inferred, shape.head == .allSteps {
            for (stated, found) in zip(shape.metadataFields, inferred.metadataFields) where stated.value != found.value
            {
                throw .metadataContradictsTensors(key: stated.key, metadata: stated.value, tensors: found.value)
            }
        }
        return shape
    }

    /// The `cell` metadata (`rnn_tanh`, `rnn_relu`, `lstm`, `gru`), nil when absent.
    private func metadataCell() throws(ModelFileIssue) -> RecurrentCell? { try metadataName("cell") }

    /// The `head` metadata (`all`, `last`), nil when absent.
    private func metadataHead() throws(ModelFileIssue) -> ModelHead? { try metadataName("head") }

    /// The case of `Name` the metadata `key` names, nil when absent.
    private func metadataName<Name: RawRepresentable & CaseIterable>(
        _ key: String
    ) throws(ModelFileIssue) -> Name? where Name.RawValue == String {
        guard let value = metadata[key] else { return nil }
        guard let name = Name(rawValue: value) else {
            let names = Name.allCases.map(\.rawValue).joined(separator: ", ")
            throw .invalidMetadata(key: key, value: value, expected: "one of \(names)")
        }
        return name
    }

    /// The shape of the model whose PyTorch state dict this file holds:
    /// hidden from `rnn.weight_hh_l0`'s columns, the cell from its rows
    /// (hidden: an RNN, tanh unless the `cell` metadata says relu; 3 x
    /// hidden: a GRU; 4 x hidden: an LSTM), layers from how many of
    /// `rnn.weight_ih_l0`, `rnn.weight_ih_l1`, ... exist, input size from
    /// `rnn.weight_ih_l0`, classes from `fc.bias`, and the sequence length as
    /// `fc.weight`'s columns over hidden (a head over every step: a
    /// last-step head needs the `head` and `seq_len` metadata).
    func inferredModelShape() throws(ModelFileIssue) -> ModelShape {
        func dimensions(_ name: String, rank: Int) throws(ModelFileIssue) -> [Int] {
            guard let tensor = tensors[name] else { throw .cannotInferShape("no tensor '\(name)'") }
            guard tensor.shape.count == rank, tensor.shape.allSatisfy({ $0 > 0 }) else {
                throw .cannotInferShape(
                    "tensor '\(name)' has shape \(tensor.shape), expected \(rank) positive dimensions")
            }
            return tensor.shape
        }
        let recurrent = try dimensions("rnn.weight_hh_l0", rank: 2)
        let hidden = recurrent[1]
        let cell: RecurrentCell
        switch recurrent[0] / hidden {
        case _ where recurrent[0] % hidden != 0:
            throw .cannotInferShape("rnn.weight_hh_l0 has \(recurrent[0]) rows, not a multiple of hidden \(hidden)")
        case 1: cell = try metadataCell() == .rnnReLU ? .rnnReLU : .rnnTanh
        case 3: cell = .gru
        case 4: cell = .lstm
        case let gates:
            throw .cannotInferShape("rnn.weight_hh_l0 has \(gates) x hidden rows; RNN has 1, GRU 3, LSTM 4")
        }
        let input = try dimensions("rnn.weight_ih_l0", rank: 2)
        let classes = try dimensions("fc.bias", rank: 1)[0]
        let linear = try dimensions("fc.weight", rank: 2)
        guard linear[1] % hidden == 0 else {
            throw .cannotInferShape("fc.weight has \(linear[1]) columns, not a multiple of hidden \(hidden)")
        }
        var layers = 1
        while tensors["rnn.weight_ih_l\(layers)"] != nil { layers += 1 }
        let shape = ModelShape(
            inputSize: input[1], sequenceLength: linear[1] / hidden, hidden: hidden, layers: layers, classes: classes,
            cell: cell)
        if let problem = shape.validationError { throw .cannotInferShape(problem) }
        return shape
    }

    /// The values of the `F32` tensor `name`, which must have `shape`.
    package func checkedFloats(_ name: String, shape: [Int]) throws(ModelFileIssue) -> [Float] {
        let tensor = try checkedTensor(name, dtype: .F32, shape: shape)
        do throws(TensorError) {
            return try tensor.floats()
        } catch {
            throw .wrongDType(tensor: name, dtype: tensor.dtype, expected: .F32)
        }
    }

    /// The values of the `I64` tensor `name`, which must have `shape`.
    package func checkedInt64s(_ name: String, shape: [Int]) throws(ModelFileIssue) -> [Int64] {
        let tensor = try checkedTensor(name, dtype: .I64, shape: shape)
        do throws(TensorError) {
            return try tensor.int64s()
        } catch {
            throw .wrongDType(tensor: name, dtype: tensor.dtype, expected: .I64)
        }
    }

    /// The tensor `name`, which must have `dtype` and `shape`.
    func checkedTensor(_ name: String, dtype: DType, shape: [Int]) throws(ModelFileIssue) -> Tensor {
        guard let tensor = tensors[name] else { throw .missingTensor(name) }
        guard tensor.dtype == dtype else { throw .wrongDType(tensor: name, dtype: tensor.dtype, expected: dtype) }
        guard tensor.shape == shape else { throw .wrongShape(tensor: name, shape: tensor.shape, expected: shape) }
        return tensor
    }

    /// Copies the tensors `prefix + slot.name` of every slot of `layout` into
    /// `buffer`, laid out by `layout` (padding untouched).
    /// - Complexity: O(`layout.parameterCount`).
    /// Every value must be finite: the first NaN or infinity is reported
    /// with its tensor's name.
    package func load(prefix: String, layout: ParameterLayout, into buffer: FloatBuffer) throws(ModelFileIssue) {
        for slot in layout.slots {
            let values = try checkedFloats(prefix + slot.name, shape: slot.shape)
            for (index, value) in values.enumerated() {
                guard value.isFinite else {
                    throw .nonFiniteValue(tensor: prefix + slot.name, index: index, value: value)
                }
                buffer.pointer[slot.offset + index] = value
            }
        }
    }
}
