import RecurCore

/// Adam's moment estimates and step count, one float of each moment per
/// parameter, laid out like the parameters.
public final class AdamState: @unchecked Sendable {
    public var learningRate: Double
    public var beta1 = 0.9
    public var beta2 = 0.999
    public var epsilon = 1e-8
    /// Steps taken so far; the next update is step `steps + 1`.
    public var steps = 0
    public let firstMoment: FloatBuffer
    public let secondMoment: FloatBuffer

    public init(layout: ParameterLayout, learningRate: Double) {
        self.learningRate = learningRate
        firstMoment = FloatBuffer(count: layout.count)
        secondMoment = FloatBuffer(count: layout.count)
    }

    /// The settings of the next step.
    public var nextStep: AdamStep {
        AdamStep(learningRate: learningRate, beta1: beta1, beta2: beta2, epsilon: epsilon, step: steps + 1)
    }
}
