import Foundation
import RecurCore
import RecurModel
import RecurSafetensors
import RecurTestSupport
import Testing

@testable import RecurCheckpoint

@Suite struct CheckpointTests {
    @Test func roundTripIsBitExact() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("run.safetensors")
        let parameters = CheckpointSamples.parameters()
        let optimizer = CheckpointSamples.optimizer(for: parameters)
        try Checkpoint.save(
            parameters: parameters, optimizer: optimizer, training: CheckpointSamples.training, to: path)

        let loaded = try Checkpoint.load(path: path)
        let layout = parameters.layout
        #expect(loaded.path == path)
        #expect(loaded.shape == CheckpointSamples.shape)
        #expect(
            CheckpointSamples.bits(loaded.parameters.storage, layout)
                == CheckpointSamples.bits(parameters.storage, layout))
        let state = try #require(loaded.optimizer)
        #expect(
            CheckpointSamples.bits(state.firstMoment, layout) == CheckpointSamples.bits(optimizer.firstMoment, layout))
        #expect(
            CheckpointSamples.bits(state.secondMoment, layout) == CheckpointSamples.bits(optimizer.secondMoment, layout)
        )
        #expect(state.steps == 1234)
        #expect(state.learningRate == 3e-4)
        #expect(state.beta1 == 0.85 && state.beta2 == 0.995 && state.epsilon == 1e-7)
        #expect(loaded.training == CheckpointSamples.training)
        // Padding between tensors stays zero, so element-wise kernels can run over it.
        let used = Set(layout.slots.flatMap(\.range))
        let padding = (0..<layout.count).filter { !used.contains($0) }
        #expect(!padding.isEmpty)
        #expect(padding.allSatisfy { loaded.parameters.storage.pointer[$0] == 0 && state.firstMoment.pointer[$0] == 0 })
    }

    @Test func trainingStateMetadataRoundTrips() throws {
        var state = CheckpointSamples.training
        #expect(TrainingState(metadata: state.metadata) == state)
        #expect(state.metadata["training.betas"] == "0.85,0.995")
        #expect(state.metadata["training.eps"] == "1e-07")
        state.stepLimit = nil
        state.learningRate = 0.1 + 0.2  // not a short decimal: must still round-trip exactly
        #expect(state.metadata["training.max_steps"] == nil)
        #expect(TrainingState(metadata: state.metadata) == state)

        var broken = state.metadata
        broken["training.epoch"] = "-1"
        #expect(TrainingState(metadata: broken) == nil)
        broken = state.metadata
        broken["training.betas"] = "0.9"
        #expect(TrainingState(metadata: broken) == nil)
        broken = state.metadata
        broken.removeValue(forKey: "training.seed")
        #expect(TrainingState(metadata: broken) == nil)
    }

    @Test func savingTwiceGivesTheSameBytes() throws {
        let directory = try TemporaryDirectory()
        let parameters = CheckpointSamples.parameters()
        let optimizer = CheckpointSamples.optimizer(for: parameters)
        for name in ["a", "b"] {
            try Checkpoint.save(
                parameters: parameters, optimizer: optimizer, training: CheckpointSamples.training,
                to: directory.file(name))
        }
        let first = try Data(contentsOf: URL(fileURLWithPath: directory.file("a")))
        #expect(first == (try Data(contentsOf: URL(fileURLWithPath: directory.file("b")))))
        #expect(first.count > 8)
    }

    @Test func modelOnlyFileHoldsExactlyTheModelTensorsInPyTorchOrder() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("model.safetensors")
        let parameters = CheckpointSamples.parameters()
        try Checkpoint.save(parameters: parameters, optimizer: nil, training: nil, to: path)
        let file = try SafetensorsFile.read(path: path)
        #expect(
            file.names == [
                "rnn.weight_ih_l0", "rnn.weight_hh_l0", "rnn.bias_ih_l0", "rnn.bias_hh_l0",
                "rnn.weight_ih_l1", "rnn.weight_hh_l1", "rnn.bias_ih_l1", "rnn.bias_hh_l1",
                "fc.weight", "fc.bias",
            ])
        #expect(try file.tensor(named: "rnn.weight_ih_l0").shape == [4, 5])
        #expect(try file.tensor(named: "rnn.weight_ih_l1").shape == [4, 4])
        #expect(try file.tensor(named: "fc.weight").shape == [3, 12])
        #expect(file.names.allSatisfy { file[$0]?.dtype == .F32 })
        #expect(
            file.metadata == [
                "format": "recur-checkpoint", "format_version": "1", "hidden": "4", "layers": "2",
                "input_size": "5", "seq_len": "3", "classes": "3",
            ])
        let loaded = try Checkpoint.load(path: path)
        #expect(loaded.optimizer == nil)
        #expect(loaded.training == nil)
    }

    @Test func resumableFileAddsTheMomentsAfterTheModel() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("resume.safetensors")
        let parameters = CheckpointSamples.parameters()
        try Checkpoint.save(
            parameters: parameters, optimizer: CheckpointSamples.optimizer(for: parameters),
            training: CheckpointSamples.training, to: path)
        let file = try SafetensorsFile.read(path: path)
        let names = parameters.layout.slots.map(\.name)
        #expect(
            file.names == names + names.map { "optimizer.exp_avg." + $0 } + names.map { "optimizer.exp_avg_sq." + $0 })
        #expect(file.metadata["optimizer.steps"] == "1234")
        #expect(file.metadata["optimizer.betas"] == "0.85,0.995")
        #expect(file.metadata["training.seed"] == "\(UInt64(0xDEAD_BEEF_CAFE_F00D))")
    }

    @Test func plainStateDictLoadsWithTheShapeInferredFromTensors() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("torch.safetensors")
        let shape = ModelShape(inputSize: 6, sequenceLength: 2, hidden: 3, layers: 3, classes: 4)
        let parameters = CheckpointSamples.parameters(shape)
        // As `safetensors.torch.save_file(model.state_dict(), path)` writes it:
        // sorted names, and only PyTorch's own metadata.
        var tensors: [String: Tensor] = [:]
        for slot in parameters.layout.slots {
            tensors[slot.name] = try Tensor(floats: parameters.storage[slot.range], shape: slot.shape)
        }
        try SafetensorsFile(tensors: tensors, metadata: ["format": "pt"]).write(to: path)

        let loaded = try Checkpoint.load(path: path)
        #expect(loaded.shape == shape)
        #expect(
            CheckpointSamples.bits(loaded.parameters.storage, parameters.layout)
                == CheckpointSamples.bits(parameters.storage, parameters.layout))
        #expect(loaded.optimizer == nil)
        #expect(loaded.training == nil)
        try loaded.requireShape(shape)
    }

    @Test func atomicSaveLeavesThePreviousCheckpointWhenTheTargetCannotBeWritten() throws {
        let directory = try TemporaryDirectory()
        // A name so long that the temporary file next to it cannot be created
        // (it exceeds NAME_MAX), whoever runs the test; the target itself fits.
        let path = directory.file(String(repeating: "c", count: 240) + ".safetensors")
        let old = CheckpointSamples.parameters(seed: 1)
        try Checkpoint.save(parameters: old, optimizer: nil, training: nil, to: directory.file("old"))
        try FileManager.default.moveItem(atPath: directory.file("old"), toPath: path)

        let error = #expect(throws: CheckpointError.self) {
            try Checkpoint.save(
                parameters: CheckpointSamples.parameters(seed: 2), optimizer: nil, training: nil, to: path)
        }
        guard case .file(let fileError) = error?.reason else {
            Issue.record("expected a file error, got \(String(describing: error))")
            return
        }
        #expect(fileError.code == ENAMETOOLONG)
        #expect(error?.description.hasPrefix(path + ": ") == true)
        let loaded = try Checkpoint.load(path: path)
        #expect(
            CheckpointSamples.bits(loaded.parameters.storage, old.layout)
                == CheckpointSamples.bits(old.storage, old.layout))
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: directory.path) == [
                (path as NSString).lastPathComponent
            ])
    }
}
