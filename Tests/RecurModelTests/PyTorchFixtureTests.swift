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
    static let large = "rnn-h256-l2-b64.safetensors"
    static let largeLSTM = "lstm-h256-l2-b64.safetensors"
    /// Every cell and head, MNIST and other shapes, and unequal lengths
    /// (`packed-*`: the inputs past each length hold large random values).
    static let small = [
        "rnn-h32-l2-b8", "rnn-relu-h32-l2-b8", "lstm-h32-l2-b8", "gru-h32-l2-b8", "gru-h64-l1-b16-last",
        "seq-gru-i13-t20-c5-h32", "seq-rnn-i40-t6-c3-h24-last", "packed-gru-i12-t15-c4-h32-last",
        "packed-lstm-i3-t11-c5-h16-last",
    ].map { $0 + ".safetensors" }
    static let tolerance: Float = 1e-4

    static let runsLargeFully: Bool = {
        #if DEBUG
        return ProcessInfo.processInfo.environment["RECUR_LARGE_FIXTURES"] == "1"
        #else
        return true
        #endif
    }()

    static let largeGradientBackends = runsLargeFully ? TestModels.backendNames : [Backends.best.name]

    @Test(arguments: small, TestModels.backendNames)
    func smallFixtureGradients(fixture: String, backend: String) throws {
        try Self.checkGradients(fixture, backend: backend)
    }

    @Test(arguments: small, TestModels.backendNames)
    func smallFixtureAdamSteps(fixture: String, backend: String) throws {
        try Self.checkAdamSteps(fixture, backend: backend)
    }

    @Test(arguments: [large, largeLSTM], largeGradientBackends)
    func largeFixtureGradients(fixture: String, backend: String) throws {
        try Self.checkGradients(fixture, backend: backend)
    }

    @Test(
        .enabled(if: runsLargeFully, "set RECUR_LARGE_FIXTURES=1 in debug builds"),
        arguments: [large, largeLSTM], TestModels.backendNames)
    func largeFixtureAdamSteps(fixture: String, backend: String) throws {
        try Self.checkAdamSteps(fixture, backend: backend)
    }

    /// The fixture `name` and a model on `backend` with its initial parameters.
    static func load(_ name: String, backend: String) throws -> (PyTorchFixture, Model) {
        let fixture = try PyTorchFixture.named(name)
        let model = Model(parameters: try fixture.parameters(), backend: try #require(Backends.named(backend)))
        return (fixture, model)
    }

    static func checkGradients(_ name: String, backend: String) throws {
        let (fixture, model) = try load(name, backend: backend)
        let result = model.lossAndGradients(inputs: fixture.inputs, labels: fixture.labels, lengths: fixture.lengths)
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
            let result = model.lossAndGradients(inputs: fixture.inputs, labels: fixture.labels, lengths: fixture.lengths)
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
