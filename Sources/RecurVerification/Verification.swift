import RecurCore
import RecurKernels
import RecurModel

/// What `recur verify --reference FILE.safetensors` runs: this project's
/// forward pass, backward pass and Adam against PyTorch's results on the same
/// parameters and batch (a ``VerificationReference``).
///
/// From the file's initial parameters it runs one forward and backward pass
/// on the file's batch, then, from the initial parameters again, the file's
/// number of training steps (forward, backward, Adam with the file's learning
/// rate, betas and epsilon) on the same batch, and compares every result.
///
/// Pass rule: every tensor's normwise relative error must be at most 1e-4.
/// For the logits, the loss, every gradient and the losses of the Adam steps
/// the error is in the max norm, `max_i |got_i - ref_i| / max(max_i |ref_i|, 1e-12)`;
/// for the parameters after the Adam steps it is in the 2-norm,
/// `‖got - ref‖₂ / max(‖ref‖₂, 1e-12)`. Adam divides each gradient element by
/// its own running root mean square, so an element whose gradient is within
/// float32 rounding noise of zero takes a step whose size and sign follow that
/// noise (up to the learning rate per step) in any correct implementation; in
/// the max norm a handful of such elements fail a 1e-4 bar (the MNIST-sized
/// fixture shows errors up to 8e-4), while the 2-norm still catches an update
/// that is wrong for every element or skips one.
/// A NaN anywhere, or a result of the wrong size, counts as an infinite error.
public enum Verification {
    /// The largest normwise relative error a tensor may have and pass: 1e-4.
    public static let tolerance = 1e-4

    /// The denominator's floor in the error, so an all-zero reference is
    /// only matched by (near) zeros: 1e-12.
    public static let scaleFloor = 1e-12

    /// Checks the single-threaded ``Model`` on `backend` against `reference`.
    /// - Complexity: `1 + reference.adamSteps` forward and backward passes over the batch.
    public static func run(
        _ reference: VerificationReference, backend: any ComputeBackend = Backends.best
    ) -> VerificationReport {
        run(reference) { Model(parameters: $0, backend: backend) }
    }

    /// Checks the targets `makeTarget` builds against `reference`; it is
    /// called once per phase with a fresh copy of the initial parameters.
    /// - Throws: whatever the target throws.
    public static func run<Target: VerificationTarget>(
        _ reference: VerificationReference, makeTarget: (Parameters) throws(Target.Failure) -> Target
    ) throws(Target.Failure) -> VerificationReport {
        let layout = reference.parameters.layout
        var rows: [VerificationReport.Row] = []
        func compare(_ name: String, _ got: [Float], _ expected: [Float], norm: VerificationReport.Norm = .maximum) {
            rows.append(VerificationReport.Row(name: name, got: got, expected: expected, norm: norm))
        }
        func values(_ buffer: FloatBuffer, _ slot: TensorSlot) -> [Float] {
            slot.range.upperBound <= buffer.count ? buffer[slot.range] : []
        }

        let single = try makeTarget(Parameters(copying: reference.parameters))
        let pass = try single.lossAndGradients(inputs: reference.inputs, labels: reference.labels, lengths: reference.lengths)
        compare("expected.logits", pass.logits, reference.expectedLogits)
        compare("expected.loss", [pass.loss], [reference.expectedLoss])
        for (slot, expected) in zip(layout.slots, reference.expectedGradients) {
            compare("grad." + slot.name, values(pass.gradients, slot), expected)
        }

        let trained = try makeTarget(Parameters(copying: reference.parameters))
        let optimizer = AdamState(layout: trained.parameters.layout, learningRate: reference.learningRate)
        (optimizer.beta1, optimizer.beta2, optimizer.epsilon) = (reference.beta1, reference.beta2, reference.epsilon)
        var losses: [Float] = []
        for _ in 0..<reference.adamSteps {
            losses.append(
                try trained.trainingStep(
                    inputs: reference.inputs, labels: reference.labels, lengths: reference.lengths, optimizer: optimizer))
        }
        for (slot, expected) in zip(layout.slots, reference.expectedParametersAfterAdam) {
            compare("adam." + slot.name, values(trained.parameters.storage, slot), expected, norm: .euclidean)
        }
        compare("adam.losses", losses, reference.expectedAdamLosses)

        return VerificationReport(
            reference: reference.path, shape: reference.shape, batchSize: reference.batchSize,
            adamSteps: reference.adamSteps, tolerance: tolerance, rows: rows)
    }

    /// The normwise relative error of `got` against `expected` in `norm`
    /// (see ``Verification``): infinite for a NaN or a size mismatch.
    public static func relativeError(_ got: [Float], _ expected: [Float], norm: VerificationReport.Norm = .maximum)
        -> Double
    {
        guard got.count == expected.count else { return .infinity }
        var difference = 0.0
        var scale = 0.0
        for (value, reference) in zip(got, expected) {
            let gap = abs(Double(value) - Double(reference))
            guard !gap.isNaN else { return .infinity }
            switch norm {
            case .maximum:
                difference = max(difference, gap)
                scale = max(scale, abs(Double(reference)))
            case .euclidean:
                difference += gap * gap
                scale += Double(reference) * Double(reference)
            }
        }
        if norm == .euclidean { (difference, scale) = (difference.squareRoot(), scale.squareRoot()) }
        return difference / max(scale, scaleFloor)
    }
}
