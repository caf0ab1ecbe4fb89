/// How a benchmark was run and what one sample costs.
public struct BenchSettings: Hashable, Sendable {
    /// Measured training steps per repeat.
    public var steps: Int
    /// Unmeasured warm-up steps before each repeat.
    public var warmup: Int
    /// Repeats per configuration in each round; each gives one throughput figure.
    public var repeats: Int
    /// Rounds of the whole sweep (1 in reports written before there were rounds).
    public var rounds: Int
    /// A short description of the model, e.g. "2-layer tanh RNN, hidden 256".
    public var modelDescription: String
    /// Floating-point operations of one forward and backward pass of one sample
    /// (a multiply-add counts as two); about 34.26 million for the MNIST model.
    public var flopsPerSample: Double
    /// The measured fused-multiply-add peak of one core in GFLOP/s, or nil when
    /// it was not measured. A run on N threads is compared against N times this.
    public var fmaPeakGFLOPSPerCore: Double?

    public init(
        steps: Int, warmup: Int, repeats: Int, rounds: Int = 1, modelDescription: String, flopsPerSample: Double,
        fmaPeakGFLOPSPerCore: Double?
    ) {
        self.steps = steps
        self.warmup = warmup
        self.repeats = repeats
        self.rounds = rounds
        self.modelDescription = modelDescription
        self.flopsPerSample = flopsPerSample
        self.fmaPeakGFLOPSPerCore = fmaPeakGFLOPSPerCore
    }

    /// The first problem with the settings, or nil when they are usable.
    var validationError: BenchReportError? {
        if steps < 1 { return .invalidSetting(name: "steps", value: "\(steps)", expected: "at least 1") }
        if warmup < 0 { return .invalidSetting(name: "warmup", value: "\(warmup)", expected: "0 or more") }
        if repeats < 1 { return .invalidSetting(name: "repeats", value: "\(repeats)", expected: "at least 1") }
        if rounds < 1 { return .invalidSetting(name: "rounds", value: "\(rounds)", expected: "at least 1") }
        if !(flopsPerSample.isFinite && flopsPerSample > 0) {
            return .invalidSetting(name: "flopsPerSample", value: "\(flopsPerSample)", expected: "a finite number above 0")
        }
        if let peak = fmaPeakGFLOPSPerCore, !(peak.isFinite && peak > 0) {
            return .invalidSetting(name: "fmaPeakGFLOPSPerCore", value: "\(peak)", expected: "a finite number above 0")
        }
        return nil
    }
}

extension BenchSettings: Codable {
    private enum CodingKeys: String, CodingKey {
        case steps, warmup, repeats, rounds, modelDescription, flopsPerSample, fmaPeakGFLOPSPerCore
    }

    /// Decodes the settings; a report without `rounds` ran one round.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        steps = try container.decode(Int.self, forKey: .steps)
        warmup = try container.decode(Int.self, forKey: .warmup)
        repeats = try container.decode(Int.self, forKey: .repeats)
        rounds = try container.decodeIfPresent(Int.self, forKey: .rounds) ?? 1
        modelDescription = try container.decode(String.self, forKey: .modelDescription)
        flopsPerSample = try container.decode(Double.self, forKey: .flopsPerSample)
        fmaPeakGFLOPSPerCore = try container.decodeIfPresent(Double.self, forKey: .fmaPeakGFLOPSPerCore)
    }
}
