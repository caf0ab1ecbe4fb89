import Foundation
import RecurCore
import RecurKernels
import RecurModel
import RecurTestSupport
import Testing

/// The model against PyTorch (the fixtures `Fixtures.require` finds): logits, loss and every
/// gradient after one forward/backward, then the parameters and losses of
/// `adam_steps` Adam steps, each within 1e-4 normwise relative error
/// (`max |got - ref| / max |ref|`). A missing fixture is reported by
/// `Fixtures.require` (a failure under `CI=true`).
///
/// The large fixture (hidden 256, batch 64) takes about 20 s per pass in a
/// debug build: there it checks one pass on the best backend only, unless
/// `RECUR_LARGE_FIXTURES=1` asks for every backend and the Adam steps, which
/// an optimised build always runs.
@Suite struct PyTorchFixtureTests {
    static let small = "rnn-h32-l2-b8.safetensors"
    static let large = "rnn-h256-l2-b64.safetensors"
    static let relu = "rnn-relu-h32-l2-b8.safetensors"
    static let tolerance: Float = 1e-4

    static let runsLargeFully: Bool = {
        #if DEBUG
        return ProcessInfo.processInfo.environment["RECUR_LARGE_FIXTURES"] == "1"
        #else
        return true
        #endif
    }()

    static let largeGradientBackends = runsLargeFully ? TestModels.backendNames : [Backends.best.name]

    @Test(arguments: TestModels.backendNames)
    func smallFixtureGradients(backend: String) throws {
        try Self.checkGradients(Self.small, backend: backend)
    }

    @Test(arguments: TestModels.backendNames)
    func smallFixtureAdamSteps(backend: String) throws {
        try Self.checkAdamSteps(Self.small, backend: backend)
    }

    /// `nn.RNN(nonlinearity="relu")`: the same products with the ReLU and its gradient as epilogues.
    @Test(arguments: TestModels.backendNames)
    func reluFixtureGradients(backend: String) throws {
        try Self.checkGradients(Self.relu, backend: backend)
    }

    @Test(arguments: TestModels.backendNames)
    func reluFixtureAdamSteps(backend: String) throws {
        try Self.checkAdamSteps(Self.relu, backend: backend)
    }

    @Test(arguments: largeGradientBackends)
    func largeFixtureGradients(backend: String) throws {
        try Self.checkGradients(Self.large, backend: backend)
    }

    @Test(
        .enabled(if: runsLargeFully, "set RECUR_LARGE_FIXTURES=1 in debug builds"),
        arguments: TestModels.backendNames)
    func largeFixtureAdamSteps(backend: String) throws {
        try Self.checkAdamSteps(Self.large, backend: backend)
    }

    /// The fixture `name` and a model on `backend` with its initial parameters.
    static func load(_ name: String, backend: String) throws -> (PyTorchFixture, Model) {
        let fixture = try PyTorchFixture.named(name)
        let model = Model(parameters: try fixture.parameters(), backend: try #require(Backends.named(backend)))
        return (fixture, model)
    }

    static func checkGradients(_ name: String, backend: String) throws {
        let (fixture, model) = try load(name, backend: backend)
        let result = model.lossAndGradients(inputs: fixture.inputs, labels: fixture.labels)
        let logits = try fixture.floats("expected.logits", shape: [fixture.batch, fixture.shape.classes])
        let loss = try fixture.floats("expected.loss", shape: [1])
        #expect(relativeError(result.logits, logits) <= tolerance, "\(name) \(backend): logits")
        #expect(relativeError([result.loss], loss) <= tolerance, "\(name) \(backend): loss \(result.loss) vs \(loss[0])")
        let reference = try fixture.parameters(prefix: "grad.")
        for slot in model.layout.slots {
            let error = relativeError(result.gradients[slot.range], Array(reference[slot]))
            #expect(error <= tolerance, "\(name) \(backend): grad.\(slot.name) relative error \(error)")
        }
    }

    /// Adam's update `lr·m̂/(√v̂ + ε)` of an element whose gradient is near
    /// ε (1e-8) follows that gradient's rounding noise, so two correct
    /// implementations can move it by different fractions of `lr` (up to
    /// 0.05·lr after 3 steps in the large fixture, whose gradients go down to
    /// 3e-10). The 1e-4 normwise bound applies to elements whose initial
    /// gradient is at least 1e-3 of the tensor's largest; every element must
    /// be within 0.1·lr per step.
    static func checkAdamSteps(_ name: String, backend: String) throws {
        let (fixture, model) = try load(name, backend: backend)
        let optimizer = AdamState(layout: model.layout, learningRate: fixture.learningRate)
        optimizer.beta1 = fixture.beta1
        optimizer.beta2 = fixture.beta2
        optimizer.epsilon = fixture.epsilon
        var losses: [Float] = []
        for _ in 0..<fixture.adamSteps {
            let result = model.lossAndGradients(inputs: fixture.inputs, labels: fixture.labels)
            losses.append(result.loss)
            model.apply(result.gradients, optimizer: optimizer)
        }
        #expect(optimizer.steps == fixture.adamSteps)
        let referenceLosses = try fixture.floats("adam.losses", shape: [fixture.adamSteps])
        #expect(relativeError(losses, referenceLosses) <= tolerance, "\(name) \(backend): losses \(losses) vs \(referenceLosses)")

        let reference = try fixture.parameters(prefix: "adam.")
        let gradients = try fixture.parameters(prefix: "grad.")
        let elementBound = Float(0.1 * fixture.learningRate * Double(fixture.adamSteps))
        for slot in model.layout.slots {
            let got = Array(model.parameters[slot]), expected = Array(reference[slot])
            let gradient = Array(gradients[slot])
            let threshold = 1e-3 * (gradient.map { abs($0) }.max() ?? 0)
            let conditioned = got.indices.filter { abs(gradient[$0]) >= threshold }
            let scale = expected.map { abs($0) }.max() ?? 0
            let error = maxAbsDifference(conditioned.map { got[$0] }, conditioned.map { expected[$0] }) / scale
            #expect(error <= tolerance, "\(name) \(backend): adam.\(slot.name) relative error \(error)")
            let largest = maxAbsDifference(got, expected)
            #expect(largest <= elementBound, "\(name) \(backend): adam.\(slot.name) differs by \(largest)")
        }
    }
}
