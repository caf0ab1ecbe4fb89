import RecurCore
import RecurSafetensors

/// A problem with the tensors or metadata of a model file, before the file's
/// path is attached. ``CheckpointError`` and ``VerificationError`` carry these
/// as reasons of their own.
enum CheckpointContentIssue: Error, Equatable {
    case missingTensor(String)
    case wrongDType(tensor: String, dtype: DType, expected: DType)
    case wrongShape(tensor: String, shape: [Int], expected: [Int])
    case missingMetadata(String)
    case invalidMetadata(key: String, value: String, expected: String)
    case cannotInferShape(String)
    case metadataContradictsTensors(key: String, metadata: Int, tensors: Int)
}

extension ModelShape {
    /// The five dimensions with their metadata keys and the words messages use for them.
    var metadataFields: [(key: String, label: String, value: Int)] {
        [
            ("hidden", "hidden", hidden), ("layers", "layers", layers), ("input_size", "input size", inputSize),
            ("seq_len", "sequence length", sequenceLength), ("classes", "classes", classes),
        ]
    }

    /// `hidden 256, layers 2, input size 28, sequence length 28, classes 10`.
    var summary: String { metadataFields.map { "\($0.label) \($0.value)" }.joined(separator: ", ") }
}

extension CheckpointContentIssue: CustomStringConvertible {
    var description: String {
        switch self {
        case .missingTensor(let name):
            "missing tensor '\(name)'"
        case .wrongDType(let name, let dtype, let expected):
            "tensor '\(name)' is \(dtype), expected \(expected)"
        case .wrongShape(let name, let shape, let expected):
            "tensor '\(name)' has shape \(shape) but the model needs \(expected)"
        case .missingMetadata(let key):
            "metadata has no '\(key)'"
        case .invalidMetadata(let key, let value, let expected):
            "metadata '\(key)' is '\(value)', expected \(expected)"
        case .cannotInferShape(let reason):
            "cannot infer the model shape from the tensors: \(reason)"
        case .metadataContradictsTensors(let key, let metadata, let tensors):
            "metadata says \(key)=\(metadata) but the tensors say \(key)=\(tensors)"
        }
    }
}
