import RecurCheckpoint
import RecurCore
import RecurSafetensors

/// A reference file that `recur verify` cannot use.
///
/// The description is one line naming the file, e.g.
/// `ref.safetensors: target[3] is 12, outside the 10 classes 0..<10`.
public struct VerificationError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Reason: Equatable, Sendable {
        /// The file cannot be read, or is not a valid safetensors file.
        case unreadable(SafetensorsReadError)
        /// A tensor or metadata value is missing, malformed, or does not fit the others.
        case content(ModelFileIssue)
        /// A class label is not in `0..<classes`.
        case labelOutOfRange(index: Int, label: Int64, classes: Int)
        /// A sample's length is not in `1...steps`, or the head over every step is given lengths.
        case lengthOutOfRange(index: Int, length: Int64, steps: Int)
        case lengthsWithHeadOverAllSteps
    }

    /// The reference file's path.
    public var path: String
    /// What is wrong with the reference file.
    public var reason: Reason

    /// An error about the reference file at `path`.
    public init(path: String, reason: Reason) {
        self.path = path
        self.reason = reason
    }

    /// One line naming the file: the file or safetensors error's own
    /// description, which names it, or `path: problem`.
    public var description: String {
        switch reason {
        case .unreadable(let error): "\(error)"
        case .content(let issue): "\(path): \(issue)"
        case .labelOutOfRange(let index, let label, let classes):
            "\(path): target[\(index)] is \(label), outside the \(classes) classes 0..<\(classes)"
        case .lengthOutOfRange(let index, let length, let steps):
            "\(path): lengths[\(index)] is \(length), outside 1...\(steps) (the sequence length)"
        case .lengthsWithHeadOverAllSteps:
            "\(path): a 'lengths' tensor needs the head on the last step (head=last); the head over every step reads all steps"
        }
    }
}
