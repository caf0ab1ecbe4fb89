import RecurCheckpoint
import RecurRuntime
import RecurCore
import RecurData
import RecurModel
import RecurTestSupport
import Testing

@testable import RecurTrainer

/// `recur eval`'s checks on a model that cannot classify MNIST.
@Suite struct EvaluationTests {
    @Test func aModelWithAnotherClassCountIsAnError() throws {
        let mnist = try Fixtures.requireMNIST()
        let directory = try TemporaryDirectory(prefix: "recur-eval")
        let path = directory.file("five-classes.safetensors")
        let shape = ModelShape(hidden: 4, layers: 1, classes: 5)
        try Checkpoint.save(parameters: Parameters(shape: shape, seed: 1), optimizer: nil, training: nil, to: path)
        #expect(throws: RecurError.input("\(mnist): label 7 of sample 0 is not one of the model's 5 classes")) {
            try EvaluationResult(
                checkpoint: path, data: DataRequest(data: mnist), threads: .fixed(1), pin: .none, backend: nil)
        }
    }
}
