import RecurCore
import RecurModel
import RecurSafetensors
import RecurTestSupport
import Testing

@testable import RecurCheckpoint

/// The cell and head of a model file come from its metadata, else from its
/// tensors' shapes, and a model this build cannot compute is refused by name.
@Suite struct ModelInferenceTests {
    /// A PyTorch state dict alone (no metadata): 4H rows is an LSTM, 3H a GRU, H an RNN.
    @Test(arguments: [
        ("lstm-h32-l2-b8.safetensors", RecurrentCell.lstm), ("gru-h32-l2-b8.safetensors", .gru),
        ("rnn-h32-l2-b8.safetensors", .rnnTanh),
    ])
    func cellFromTensorShapes(file: String, cell: RecurrentCell) throws {
        let reference = try SafetensorsFile.read(path: try Fixtures.require(file))
        let stateDict = try SafetensorsFile(
            tensors: reference.tensors.filter { $0.key.hasPrefix("rnn.") || $0.key.hasPrefix("fc.") })
        let shape = try stateDict.inferredModelShape()
        #expect(shape == ModelShape(hidden: 32, layers: 2, cell: cell))
    }

    /// The `cell` and `head` metadata of a reference decide what its tensors must be.
    @Test func cellAndHeadFromMetadata() throws {
        let reference = try SafetensorsFile.read(path: try Fixtures.require("gru-h64-l1-b16-last.safetensors"))
        #expect(try reference.modelShape(metadataRequired: false) == ModelShape(hidden: 64, layers: 1, cell: .gru, head: .lastStep))
        var relabeled = reference
        relabeled.metadata["cell"] = "lstm"
        #expect(throws: ModelFileIssue.wrongShape(tensor: "rnn.weight_ih_l0", shape: [192, 28], expected: [256, 28])) {
            try relabeled.modelShape(metadataRequired: false)
        }
        relabeled.metadata["cell"] = "transformer"
        #expect(throws: ModelFileIssue.invalidMetadata(
            key: "cell", value: "transformer", expected: "one of rnn_tanh, rnn_relu, lstm, gru")) {
            try relabeled.modelShape(metadataRequired: false)
        }
    }

    @Test func loadingAnLSTMSaysWhatIsMissing() throws {
        let path = try Fixtures.require("lstm-h32-l2-b8.safetensors")
        let error = #expect(throws: CheckpointError.self) { try Checkpoint.load(path: path) }
        #expect(error?.description.contains("lstm cell is not implemented yet") == true)
    }

    /// Another cell or head is written to the metadata; the default is not, so
    /// the seed model's checkpoints keep their bytes.
    @Test func savesCellAndHeadOnlyWhenNotTheDefault() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/m.safetensors"
        try Checkpoint.save(
            parameters: Parameters(shape: ModelShape(hidden: 8, layers: 1)), optimizer: nil, training: nil, to: path)
        let file = try SafetensorsFile.read(path: path)
        #expect(file.metadata["cell"] == nil && file.metadata["head"] == nil)
    }
}
