import Foundation
import RecurCore
import RecurSafetensors
import RecurTestSupport
import Testing

@testable import RecurCheckpoint

/// Every way a checkpoint can be unusable gives a typed, one-line error naming the file.
@Suite struct CheckpointErrorTests {
    @Test func missingTensor() throws {
        let directory = try TemporaryDirectory()
        let path = try CheckpointSamples.editedCheckpoint(in: directory) { $0.removeTensor(named: "fc.bias") }
        let error = try #require(CheckpointSamples.loadFailure(path))
        #expect(error.reason == .content(.missingTensor("fc.bias")))
        #expect(error.description == "\(path): missing tensor 'fc.bias'")
    }

    @Test func wrongShape() throws {
        let directory = try TemporaryDirectory()
        let path = try CheckpointSamples.editedCheckpoint(in: directory) {
            try $0.set(Tensor(floats: [Float](repeating: 0, count: 20), shape: [4, 5]), named: "rnn.weight_hh_l1")
        }
        let error = try #require(CheckpointSamples.loadFailure(path))
        #expect(error.reason == .content(.wrongShape(tensor: "rnn.weight_hh_l1", shape: [4, 5], expected: [4, 4])))
        #expect(error.description == "\(path): tensor 'rnn.weight_hh_l1' has shape [4, 5] but the model needs [4, 4]")
    }

    @Test func wrongDType() throws {
        let directory = try TemporaryDirectory()
        let path = try CheckpointSamples.editedCheckpoint(in: directory) {
            try $0.set(Tensor(dtype: .F16, shape: [3], bytes: [UInt8](repeating: 0, count: 6)), named: "fc.bias")
        }
        let error = try #require(CheckpointSamples.loadFailure(path))
        #expect(error.reason == .content(.wrongDType(tensor: "fc.bias", dtype: .F16, expected: .F32)))
        #expect(error.description == "\(path): tensor 'fc.bias' is F16, expected F32")
    }

    @Test func metadataContradictingTheTensors() throws {
        let directory = try TemporaryDirectory()
        let path = try CheckpointSamples.editedCheckpoint(in: directory) { $0.metadata["hidden"] = "8" }
        let error = try #require(CheckpointSamples.loadFailure(path))
        #expect(error.reason == .content(.metadataContradictsTensors(key: "hidden", metadata: 8, tensors: 4)))
        #expect(error.description == "\(path): metadata says hidden=8 but the tensors say hidden=4")
    }

    @Test func hostileMetadataCannotCauseHugeAllocations() throws {
        let directory = try TemporaryDirectory()
        let path = try CheckpointSamples.editedCheckpoint(in: directory) {
            $0.metadata["hidden"] = "\(Int.max)"
            $0.metadata["layers"] = "\(1 << 40)"
            $0.removeTensor(named: "rnn.weight_hh_l0")  // so the shape cannot be inferred to contradict it
        }
        // Stops at the first tensor, without allocating for the claimed shape.
        let error = try #require(CheckpointSamples.loadFailure(path))
        #expect(
            error.reason == .content(.wrongShape(tensor: "rnn.weight_ih_l0", shape: [4, 5], expected: [Int.max, 5])))
    }

    @Test func unparsableMetadata() throws {
        let directory = try TemporaryDirectory()
        let path = try CheckpointSamples.editedCheckpoint(in: directory) { $0.metadata["layers"] = "two" }
        let error = try #require(CheckpointSamples.loadFailure(path))
        #expect(
            error.reason == .content(.invalidMetadata(key: "layers", value: "two", expected: "an integer of at least 1")))
        #expect(error.description == "\(path): metadata 'layers' is 'two', expected an integer of at least 1")

        let missing = try CheckpointSamples.editedCheckpoint(in: directory) {
            $0.metadata.removeValue(forKey: "seq_len")
        }
        #expect(CheckpointSamples.loadFailure(missing)?.reason == .content(.missingMetadata("seq_len")))
    }

    @Test func invalidTrainingState() throws {
        let directory = try TemporaryDirectory()
        let path = try CheckpointSamples.editedCheckpoint(in: directory) {
            $0.metadata.merge(CheckpointSamples.training.metadata) { _, new in new }
            $0.metadata["training.lr"] = "nan"
        }
        let error = try #require(CheckpointSamples.loadFailure(path))
        #expect(
            error.reason
                == .content(.invalidMetadata(key: "training.lr", value: "nan", expected: "a number of at least 0.0")))
    }

    @Test func unsupportedFormatVersion() throws {
        let directory = try TemporaryDirectory()
        let path = try CheckpointSamples.editedCheckpoint(in: directory) { $0.metadata["format_version"] = "2" }
        let error = try #require(CheckpointSamples.loadFailure(path))
        #expect(error.reason == .unsupportedVersion("2"))
        #expect(error.description.hasPrefix("\(path): recur-checkpoint format_version '2' is not supported"))
    }

    @Test func incompleteOptimizerState() throws {
        let directory = try TemporaryDirectory()
        let parameters = CheckpointSamples.parameters()
        let optimizer = CheckpointSamples.optimizer(for: parameters)
        let missingTensor = try CheckpointSamples.editedCheckpoint(
            in: directory, parameters: parameters, optimizer: optimizer
        ) {
            $0.removeTensor(named: "optimizer.exp_avg_sq.rnn.bias_ih_l1")
        }
        let error = try #require(CheckpointSamples.loadFailure(missingTensor))
        #expect(error.reason == .optimizerIncomplete(missing: "no tensor 'optimizer.exp_avg_sq.rnn.bias_ih_l1'"))
        #expect(error.description.hasPrefix("\(missingTensor): optimizer state incomplete: no tensor"))

        let missingSteps = try CheckpointSamples.editedCheckpoint(
            in: directory, parameters: parameters, optimizer: optimizer
        ) {
            $0.metadata.removeValue(forKey: "optimizer.steps")
        }
        #expect(
            CheckpointSamples.loadFailure(missingSteps)?.reason
                == .optimizerIncomplete(missing: "no metadata 'optimizer.steps'"))
    }

    @Test func requestedShapeMismatchNamesTheOptionsToChange() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("h128.safetensors")
        let saved = ModelShape(hidden: 128, layers: 3)
        try Checkpoint.save(parameters: CheckpointSamples.parameters(saved), optimizer: nil, training: nil, to: path)
        let loaded = try Checkpoint.load(path: path)
        try loaded.requireShape(saved)

        let error = #expect(throws: CheckpointError.self) { try loaded.requireShape(.mnist) }
        #expect(error?.reason == .shapeMismatch(checkpoint: saved, requested: .mnist))
        #expect(
            error?.description
                == "\(path): checkpoint is for hidden 128 / layers 3 but the command asked for hidden 256 / layers 2; "
                + "pass --hidden 128 --layers 3 to use it")

        let otherData = ModelShape(inputSize: 32, hidden: 128, layers: 3)
        let dataError = #expect(throws: CheckpointError.self) { try loaded.requireShape(otherData) }
        #expect(
            dataError?.description
                == "\(path): checkpoint is for input size 28 but the command asked for input size 32; "
                + "it was made for other data than this command reads")
    }

    @Test func corruptFile() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("corrupt.safetensors")
        // A header length far past the end of the file.
        try Data([0xFF, 0xFF, 0, 0, 0, 0, 0, 0, 0x7B, 0x7D]).write(to: URL(fileURLWithPath: path))
        let error = try #require(CheckpointSamples.loadFailure(path))
        guard case .unreadable(.content(let underlying)) = error.reason else {
            Issue.record("expected a safetensors content error, got \(error)")
            return
        }
        #expect(underlying.source == path)
        #expect(error.description.hasPrefix(path + ": header length 65535 runs past the end of the file"))

        try Data("not a checkpoint".utf8).write(to: URL(fileURLWithPath: path))
        #expect(CheckpointSamples.loadFailure(path)?.description.hasPrefix(path + ": ") == true)
    }

    @Test func notAFile() throws {
        let directory = try TemporaryDirectory()
        let missing = directory.file("absent.safetensors")
        #expect(
            CheckpointSamples.loadFailure(missing)?.reason
                == .unreadable(.file(FileError(path: missing, operation: "open", code: ENOENT))))
        #expect(
            CheckpointSamples.loadFailure(missing)?.description == "\(missing): open failed: No such file or directory")
        #expect(
            CheckpointSamples.loadFailure(directory.path)?.reason
                == .unreadable(.file(FileError(path: directory.path, operation: "read", code: EISDIR))))
    }

    @Test func plainStateDictWhoseShapeCannotBeInferred() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("odd.safetensors")
        let file = try SafetensorsFile(tensors: [
            "rnn.weight_hh_l0": Tensor(floats: [Float](repeating: 0, count: 9), shape: [3, 3]),
            "rnn.weight_ih_l0": Tensor(floats: [Float](repeating: 0, count: 6), shape: [3, 2]),
            "fc.bias": Tensor(floats: [0, 0], shape: [2]),
            "fc.weight": Tensor(floats: [Float](repeating: 0, count: 20), shape: [2, 10]),
        ])
        try file.write(to: path)
        let error = try #require(CheckpointSamples.loadFailure(path))
        #expect(error.reason == .content(.cannotInferShape("fc.weight has 10 columns, not a multiple of hidden 3")))
        #expect(
            error.description
                == "\(path): cannot infer the model shape from the tensors: fc.weight has 10 columns, not a multiple of hidden 3"
        )
    }

    @Test func optimizerForAnotherShapeIsRefusedOnSave() throws {
        let directory = try TemporaryDirectory()
        let parameters = CheckpointSamples.parameters()
        let other = CheckpointSamples.optimizer(for: CheckpointSamples.parameters(.mnist))
        let path = directory.file("mixed.safetensors")
        let error = #expect(throws: CheckpointError.self) {
            try Checkpoint.save(parameters: parameters, optimizer: other, training: nil, to: path)
        }
        #expect(
            error?.reason
                == .optimizerLayoutMismatch(parameters: parameters.layout.count, optimizer: other.firstMoment.count))
        #expect(!FileManager.default.fileExists(atPath: path))
    }
}
