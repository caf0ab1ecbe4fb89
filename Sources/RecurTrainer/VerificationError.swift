import RecurCore
import RecurSafetensors

/// A reference file that `recur verify` cannot use.
///
/// The description is one line naming the file, e.g.
/// `ref.safetensors: target[3] is 12, outside the 10 classes 0..<10`.
public struct VerificationError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Reason: Equatable, Sendable {
        /// The file cannot be opened or read.
        case file(FileError)
        /// The file is not a valid safetensors file.
        case notSafetensors(SafetensorsError)
        /// A tensor the check needs is missing.
        case missingTensor(String)
        /// A tensor has another element type than `expected`.
        case wrongDType(tensor: String, dtype: DType, expected: DType)
        /// A tensor has another shape than the metadata implies.
        case wrongShape(tensor: String, shape: [Int], expected: [Int])
        /// A metadata key is missing.
        case missingMetadata(String)
        /// A metadata value does not parse or is out of range.
        case invalidMetadata(key: String, value: String, expected: String)
        /// No shape metadata, and the tensors do not tell the shape.
        case cannotInferShape(String)
        /// The metadata's shape differs from the one the tensors have.
        case metadataContradictsTensors(key: String, metadata: Int, tensors: Int)
        /// A class label is not in `0..<classes`.
        case labelOutOfRange(index: Int, label: Int64, classes: Int)
    }

    /// The reference file's path.
    public var path: String
    public var reason: Reason

    public init(path: String, reason: Reason) {
        self.path = path
        self.reason = reason
    }

    init(path: String, issue: CheckpointContentIssue) {
        let reason: Reason =
            switch issue {
            case .missingTensor(let name): .missingTensor(name)
            case .wrongDType(let name, let dtype, let expected):
                .wrongDType(tensor: name, dtype: dtype, expected: expected)
            case .wrongShape(let name, let shape, let expected):
                .wrongShape(tensor: name, shape: shape, expected: expected)
            case .missingMetadata(let key): .missingMetadata(key)
            case .invalidMetadata(let key, let value, let expected):
                .invalidMetadata(key: key, value: value, expected: expected)
            case .cannotInferShape(let problem): .cannotInferShape(problem)
            case .metadataContradictsTensors(let key, let metadata, let tensors):
                .metadataContradictsTensors(key: key, metadata: metadata, tensors: tensors)
            }
        self.init(path: path, reason: reason)
    }

    public var description: String {
        switch reason {
        case .file(let error): "\(error)"
        case .notSafetensors(let error): "\(error)"
        default: "\(path): \(message)"
        }
    }

    /// The problem in words, for reasons whose own errors do not name the file.
    private var message: String {
        switch reason {
        case .file, .notSafetensors: ""
        case .missingTensor(let name): CheckpointContentIssue.missingTensor(name).description
        case .wrongDType(let name, let dtype, let expected):
            CheckpointContentIssue.wrongDType(tensor: name, dtype: dtype, expected: expected).description
        case .wrongShape(let name, let shape, let expected):
            CheckpointContentIssue.wrongShape(tensor: name, shape: shape, expected: expected).description
        case .missingMetadata(let key): CheckpointContentIssue.missingMetadata(key).description
        case .invalidMetadata(let key, let value, let expected):
            CheckpointContentIssue.invalidMetadata(key: key, value: value, expected: expected).description
        case .cannotInferShape(let problem): CheckpointContentIssue.cannotInferShape(problem).description
        case .metadataContradictsTensors(let key, let metadata, let tensors):
            CheckpointContentIssue.metadataContradictsTensors(key: key, metadata: metadata, tensors: tensors)
                .description
        case .labelOutOfRange(let index, let label, let classes):
            "target[\(index)] is \(label), outside the \(classes) classes 0..<\(classes)"
        }
    }
}
