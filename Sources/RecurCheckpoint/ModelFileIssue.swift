import RecurCore
import RecurSafetensors

/// A problem with the tensors or metadata of a model file (a checkpoint or a
/// `recur verify` reference), without the file's path.
///
/// ``CheckpointError`` and ``VerificationError`` carry it as their `content`
/// reason and put the path in front of its description, which is the problem
/// in words, e.g. `tensor 'fc.weight' has shape [10, 3584] but the model needs [10, 7168]`.
public enum ModelFileIssue: Error, Equatable, Sendable, CustomStringConvertible {
    /// A tensor the model or the check needs is missing.
    case missingTensor(String)
    /// A tensor has element type `dtype` instead of `expected`.
    case wrongDType(tensor: String, dtype: DType, expected: DType)
    /// A tensor has another shape than the model (or the metadata) implies.
    case wrongShape(tensor: String, shape: [Int], expected: [Int])
    /// A metadata key is missing.
    case missingMetadata(String)
    /// A metadata value does not parse or is out of range; `expected` says what would do.
    case invalidMetadata(key: String, value: String, expected: String)
    /// No shape metadata, and the tensors do not tell the shape.
    case cannotInferShape(String)
    /// The metadata's shape differs from the one the tensors have.
    case metadataContradictsTensors(key: String, metadata: Int, tensors: Int)
    /// A tensor holds a NaN or an infinity (at flat index `index`).
    case nonFiniteValue(tensor: String, index: Int, value: Float)
}

extension ModelShape {
    /// The five dimensions with their metadata keys and the words messages use for them.
    package var metadataFields: [(key: String, label: String, value: Int)] {
        [
            ("hidden", "hidden", hidden), ("layers", "layers", layers), ("input_size", "input size", inputSize),
            ("seq_len", "sequence length", sequenceLength), ("classes", "classes", classes),
        ]
    }

    /// `hidden 256, layers 2, input size 28, sequence length 28, classes 10`.
    package var summary: String { metadataFields.map { "\($0.label) \($0.value)" }.joined(separator: ", ") }
}

extension ModelFileIssue {
    /// The problem in words, without the file's path.
    public var description: String {
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
        case .nonFiniteValue(let tensor, let index, let value):
            "tensor '\(tensor)' holds a non-finite value (\(value) at element \(index)); the model it holds is unusable"
        }
    }
}
