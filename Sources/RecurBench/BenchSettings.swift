/// How a benchmark was run and what one sample costs.
public struct BenchSettings: Hashable, Sendable, Codable {
    /// Measured training steps per repeat.
    public var steps: Int
    /// Unmeasured warm-up steps before each repeat.
    public var warmup: Int
    /// Repeats per configuration; each gives one throughput figure.
    public var repeats: Int
    /// A short description of the model, e.g. "2-layer tanh RNN, hidden 256".
    public var modelDescription: String
    /// Floating-point operations of one forward and backward pass of one sample
    /// (a multiply-add counts as two); about 34.26 million for the MNIST model.
    public var flopsPerSample: Double
    /// The measured fused-multiply-add peak of one core in GFLOP/s, or nil when
    /// it was not measured. A run on N threads is compared against N times this.
    public var fmaPeakGFLOPSPerCore: Double?

    public init(
        steps: Int, warmup: Int, repeats: Int, modelDescription: String, flopsPerSample: Double,
        fmaPeakGFLOPSPerCore: Double?
    ) {
        self.steps = steps
        self.warmup = warmup
        self.repeats = repeats
        self.modelDescription = modelDescription
        self.flopsPerSample = flopsPerSample
        self.fmaPeakGFLOPSPerCore = fmaPeakGFLOPSPerCore
    }

    /// The first problem with the settings, or nil when they are usable.
    var validationError: BenchReportError? {
        if steps < 1 { return .invalidSetting(name: "steps", value: "\(steps)", expected: "at least 1") }
        if warmup < 0 { return .invalidSetting(name: "warmup", value: "\(warmup)", expected: "0 or more") }
        if repeats < 1 { return .invalidSetting(name: "repeats", value: "\(repeats)", expected: "at least 1") }
        if !(flopsPerSample.isFinite && flopsPerSample > 0) {
            return .invalidSetting(name: "flopsPerSample", value: "\(flopsPerSample)", expected: "a finite number above 0")
        }
        if let peak = fmaPeakGFLOPSPerCore, !(peak.isFinite && peak > 0) {
            return .invalidSetting(name: "fmaPeakGFLOPSPerCore", value: "\(peak)", expected: "a finite number above 0")
        }
        return nil
    }
}
