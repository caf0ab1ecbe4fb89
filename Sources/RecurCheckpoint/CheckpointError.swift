import RecurCore
import RecurSafetensors

/// A checkpoint that cannot be written, read, or used for the model asked for.
///
/// The description is one line naming the file, e.g.
/// `runs/a.safetensors: tensor 'fc.weight' has shape [10, 3584] but the model needs [10, 7168]`.
public struct CheckpointError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Reason: Equatable, Sendable {
        /// The file cannot be written.
        case file(FileError)
        /// The file cannot be read, or is not a valid safetensors file (too short, corrupt header, ...).
        case unreadable(SafetensorsReadError)
        /// `format` is `recur-checkpoint` but `format_version` is not one this build reads.
        case unsupportedVersion(String)
        /// A tensor or metadata value is missing, malformed, or does not fit the others.
        case content(ModelFileIssue)
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
    /// What is wrong with the checkpoint, or with writing it.
    public var reason: Reason

    /// An error about the checkpoint at `path`.
    public init(path: String, reason: Reason) {
        self.path = path
        self.reason = reason
    }

    /// One line naming the file: the file or safetensors error's own
    /// description, which names it, or `path: problem`.
    public var description: String {
        switch reason {
        case .file(let error): "\(error)"
        case .unreadable(let error): "\(error)"
        case .unsupportedVersion(let version):
            "\(path): recur-checkpoint format_version '\(version)' is not supported (this build reads version \(Checkpoint.formatVersion))"
        case .content(let issue): "\(path): \(issue)"
        case .optimizerIncomplete(let missing):
            "\(path): optimizer state incomplete: \(missing) (resuming needs every optimizer.exp_avg.* and optimizer.exp_avg_sq.* tensor and the optimizer.* metadata)"
        case .optimizerLayoutMismatch(let parameters, let optimizer):
            "\(path): optimizer state holds \(optimizer) floats per moment but the parameters' layout has \(parameters)"
        case .shapeMismatch(let checkpoint, let requested):
            "\(path): \(Self.shapeMismatchMessage(checkpoint: checkpoint, requested: requested))"
        }
    }

    /// Names the cell or the head when it differs, else only the dimensions
    /// that differ, and the command-line option that sets each (`--cell`,
    /// `--head`, `--hidden`, `--layers`); the others are fixed by the data.
    private static func shapeMismatchMessage(checkpoint: ModelShape, requested: ModelShape) -> String {
        if checkpoint.cell != requested.cell {
            return "checkpoint is a \(checkpoint.cell) model but the command asked for \(requested.cell); "
                + "pass \(checkpoint.cell.options) to use it"
        }
        if checkpoint.head != requested.head {
            let reads = checkpoint.head == .allSteps ? "every step" : "the last step"
            return "checkpoint's head reads \(reads) but the command asked for \(requested.head.options); "
                + "pass \(checkpoint.head.options) to use it"
        }
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
