import RecurCore
import RecurModel

/// A computation of the model that ``Verification`` checks against PyTorch:
/// the single-threaded ``Model`` by default, or the parallel engine.
///
/// ``Verification`` makes one target per phase from the reference's initial
/// parameters and drives it through that phase.
public protocol VerificationTarget: AnyObject {
    /// What the computation can fail with (`Never` for ``Model``).
    associatedtype Failure: Error

    /// The parameters the target computes with, laid out by their ``ParameterLayout``.
    var parameters: Parameters { get }

    /// The mean cross-entropy loss over the batch, its gradient laid out like
    /// ``parameters``, and the `batch x classes` logits, at the current
    /// parameters (left unchanged).
    /// - Parameters:
    ///   - inputs: `labels.count * sampleInputCount` floats, sample-major.
    ///   - lengths: each sample's length, or nil when all have every step.
    func lossAndGradients(inputs: [Float], labels: [Int32], lengths: [Int32]?) throws(Failure) -> (
        loss: Float, gradients: FloatBuffer, logits: [Float]
    )

    /// One training step on the batch: forward, backward, and an Adam update
    /// with `optimizer` (which counts the step). Returns the mean loss seen
    /// before the update.
    func trainingStep(inputs: [Float], labels: [Int32], lengths: [Int32]?, optimizer: AdamState) throws(Failure) -> Float
}

extension Model: VerificationTarget {
    public typealias Failure = Never

    public func trainingStep(inputs: [Float], labels: [Int32], lengths: [Int32]?, optimizer: AdamState) -> Float {
        let (loss, gradients, _) = lossAndGradients(inputs: inputs, labels: labels, lengths: lengths)
        apply(gradients, optimizer: optimizer)
        return loss
    }
}
