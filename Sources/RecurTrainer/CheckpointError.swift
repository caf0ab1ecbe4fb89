import RecurCore
import RecurSafetensors

/// A checkpoint that cannot be written, read, or used for the model asked for.
///
/// The description is one line naming the file, e.g.
/// `runs/a.safetensors: tensor 'fc.weight' has shape [10, 3584] but the model needs [10, 7168]`.
public struct CheckpointError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Reason: Equatable, Sendable {
        /// The file cannot be opened, read or written.
        case file(FileError)
        /// The file is not a valid safetensors file (too short, corrupt header, ...).
        case notSafetensors(SafetensorsError)
        /// `format` is `recur-checkpoint` but `format_version` is not one this build reads.
        case unsupportedVersion(String)
        /// A parameter tensor is missing.
        case missingTensor(String)
        /// A tensor is not `F32`.
        case wrongDType(tensor: String, dtype: DType)
        /// A tensor has another shape than the model needs.
        case wrongShape(tensor: String, shape: [Int], expected: [Int])
        /// A metadata key is missing.
        case missingMetadata(String)
        /// A metadata value does not parse or is out of range.
        case invalidMetadata(key: String, value: String, expected: String)
        /// A file without shape metadata whose tensors do not tell the shape.
        case cannotInferShape(String)
        /// The metadata's shape differs from the one the tensors have.
        case metadataContradictsTensors(key: String, metadata: Int, tensors: Int)
        /// Some tensors of the optimizer state are there but not all.
        case optimizerIncomplete(missing: String)
        /// The optimizer state handed to ``Checkpoint/save(parameters:optimizer:training:to:)``
        /// is laid out for another shape than the parameters.
        case optimizerLayoutMismatch(parameters: Int, optimizer: Int)
        /// The checkpoint is for another model shape than the one asked for.
        case shapeMismatch(checkpoint: ModelShape, requested: ModelShape)
    }

    /// The checkpoint's path.
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
            case .wrongDType(let name, let dtype, _): .wrongDType(tensor: name, dtype: dtype)
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
        case .unsupportedVersion(let version):
            "recur-checkpoint format_version '\(version)' is not supported (this build reads version \(Checkpoint.formatVersion))"
        case .missingTensor(let name): CheckpointContentIssue.missingTensor(name).description
        case .wrongDType(let name, let dtype):
            CheckpointContentIssue.wrongDType(tensor: name, dtype: dtype, expected: .F32).description
        case .wrongShape(let name, let shape, let expected):
            CheckpointContentIssue.wrongShape(tensor: name, shape: shape, expected: expected).description
        case .missingMetadata(let key): CheckpointContentIssue.missingMetadata(key).description
        case .invalidMetadata(let key, let value, let expected):
            CheckpointContentIssue.invalidMetadata(key: key, value: value, expected: expected).description
        case .cannotInferShape(let problem): CheckpointContentIssue.cannotInferShape(problem).description
        case .metadataContradictsTensors(let key, let metadata, let tensors):
            CheckpointContentIssue.metadataContradictsTensors(key: key, metadata: metadata, tensors: tensors)
                .description
        case .optimizerIncomplete(let missing):
            "optimizer state incomplete: \(missing) (resuming needs every optimizer.exp_avg.* and optimizer.exp_avg_sq.* tensor and the optimizer.* metadata)"
        case .optimizerLayoutMismatch(let parameters, let optimizer):
            "optimizer state holds \(optimizer) floats per moment but the parameters' layout has \(parameters)"
        case .shapeMismatch(let checkpoint, let requested):
            Self.shapeMismatchMessage(checkpoint: checkpoint, requested: requested)
        }
    }

    /// Names only the dimensions that differ, and the command-line option that
    /// sets each (`--hidden`, `--layers`); the others are fixed by the data.
    private static func shapeMismatchMessage(checkpoint: ModelShape, requested: ModelShape) -> String {
        let differing = zip(checkpoint.metadataFields, requested.metadataFields).filter { $0.0.value != $0.1.value }
        let saved = differing.map { "\($0.0.label) \($0.0.value)" }.joined(separator: " / ")
        let asked = differing.map { "\($0.1.label) \($0.1.value)" }.joined(separator: " / ")
        let options = differing.compactMap { pair -> String? in
            ["hidden", "layers"].contains(pair.0.key) ? "--\(pair.0.key) \(pair.0.value)" : nil
        }
        let advice =
            options.count == differing.count
            ? "pass \(options.joined(separator: " ")) to use it"
            : "it was made for other data than this command reads"
        return "checkpoint is for \(saved) but the command asked for \(asked); \(advice)"
    }
}
