import RecurCore

/// The outcome of a ``Verification``: one row per compared tensor.
public struct VerificationReport: Hashable, Sendable {
    /// The norm a tensor's error is measured in (see ``Verification``).
    public enum Norm: String, Hashable, Sendable {
        /// The largest element's magnitude: `max_i |x_i|`.
        case maximum = "max"
        /// The 2-norm: `sqrt(sum_i x_i^2)`.
        case euclidean = "l2"
    }

    /// One compared tensor.
    public struct Row: Hashable, Sendable {
        /// The reference file's name for the tensor (`expected.logits`,
        /// `expected.loss`, `grad.<name>`, `adam.<name>`, `adam.losses`).
        public var name: String
        /// Elements in the reference tensor.
        public var elements: Int
        /// The normwise relative error in ``norm`` (see ``Verification``);
        /// infinite for a NaN or a size mismatch.
        public var relativeError: Double
        /// The norm ``relativeError`` is measured in.
        public var norm: Norm
        /// Whether the error is at most ``Verification/tolerance``.
        public var passed: Bool

        public init(name: String, elements: Int, relativeError: Double, norm: Norm, passed: Bool) {
            self.name = name
            self.elements = elements
            self.relativeError = relativeError
            self.norm = norm
            self.passed = passed
        }

        /// The row comparing `got` with the reference `expected` in `norm`.
        init(name: String, got: [Float], expected: [Float], norm: Norm = .maximum) {
            let error = Verification.relativeError(got, expected, norm: norm)
            self.init(
                name: name, elements: expected.count, relativeError: error, norm: norm,
                passed: error <= Verification.tolerance)
        }
    }

    /// The reference file's path.
    public var reference: String
    public var shape: ModelShape
    public var batchSize: Int
    public var adamSteps: Int
    /// The error each tensor had to stay within.
    public var tolerance: Double
    public var rows: [Row]

    public init(reference: String, shape: ModelShape, batchSize: Int, adamSteps: Int, tolerance: Double, rows: [Row]) {
        self.reference = reference
        self.shape = shape
        self.batchSize = batchSize
        self.adamSteps = adamSteps
        self.tolerance = tolerance
        self.rows = rows
    }

    /// Whether every tensor passed.
    public var passed: Bool { rows.allSatisfy(\.passed) }

    /// The rows that failed.
    public var failures: [Row] { rows.filter { !$0.passed } }
}
