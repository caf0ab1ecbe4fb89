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

    /// PyTorch's LSTM and GRU state dicts load as models of their cell and head.
    @Test func loadsPyTorchsLSTMAndGRU() throws {
        let lstm = try Checkpoint.load(path: try Fixtures.require("lstm-h32-l2-b8.safetensors"))
        #expect(lstm.parameters.shape == ModelShape(hidden: 32, layers: 2, cell: .lstm))
        let gru = try Checkpoint.load(path: try Fixtures.require("gru-h64-l1-b16-last.safetensors"))
        #expect(gru.parameters.shape == ModelShape(hidden: 64, layers: 1, cell: .gru, head: .lastStep))
    }

    /// A GRU checkpoint asked for as an LSTM says which option to pass.
    @Test func aGRUIsNotAnLSTM() throws {
        let path = try Fixtures.require("gru-h32-l2-b8.safetensors")
        let loaded = try Checkpoint.load(path: path)
        let error = #expect(throws: CheckpointError.self) {
            try loaded.requireShape(ModelShape(hidden: 32, layers: 2, cell: .lstm))
        }
        #expect(error?.description.contains("checkpoint is a gru model but the command asked for lstm; pass --cell gru") == true, "\(String(describing: error))")
        let head = #expect(throws: CheckpointError.self) {
            try loaded.requireShape(ModelShape(hidden: 32, layers: 2, cell: .gru, head: .lastStep))
        }
        #expect(head?.description.contains("pass --head all") == true, "\(String(describing: head))")
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
