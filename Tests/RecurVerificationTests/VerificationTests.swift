import Foundation
import RecurCore
import RecurKernels
import RecurModel
import RecurSafetensors
import RecurTestSupport
import Testing

@testable import RecurVerification

/// `recur verify` against PyTorch's fixtures (see `Fixtures.require`).
@Suite struct VerificationTests {
    static let small = "rnn-h32-l2-b8.safetensors"
    static let mnistSized = "rnn-h256-l2-b64.safetensors"

    @Test func passesOnTheSmallFixture() throws {
        let path = try Fixtures.require(Self.small)
        let reference = try VerificationReference(path: path)
        #expect(reference.shape == ModelShape(hidden: 32, layers: 2))
        #expect(reference.batchSize == 8)
        #expect(reference.adamSteps == 3)
        #expect(reference.learningRate == 1e-3)

        let report = Verification.run(reference)
        #expect(report.passed, "\(report.table())")
        let names = reference.parameters.layout.slots.map(\.name)
        #expect(
            report.rows.map(\.name) == ["expected.logits", "expected.loss"] + names.map { "grad." + $0 }
                + names.map { "adam." + $0 } + ["adam.losses"])
        #expect(report.rows.allSatisfy { $0.relativeError < 1e-5 }, "\(report.table())")
        #expect(report.rows.first?.elements == 80)
        #expect(
            report.rows.map(\.norm) == [VerificationReport.Norm](repeating: .maximum, count: 12)
                + [VerificationReport.Norm](repeating: .euclidean, count: 10) + [.maximum])
        #expect(report.table().hasSuffix("PASSED: all 23 tensors within 1.00e-04 of the reference\n"))
    }

    @Test func passesOnTheMNISTSizedFixture() throws {
        let reference = try VerificationReference(path: try Fixtures.require(Self.mnistSized))
        #expect(reference.shape == .mnist)
        let report = Verification.run(reference)
        #expect(report.passed, "\(report.table())")
        // The forward and backward results are far inside the bar; the
        // parameters after Adam are nearer to it (see `Verification`).
        #expect(report.rows.filter { $0.norm == .maximum }.allSatisfy { $0.relativeError < 1e-5 }, "\(report.table())")
    }

    @Test func everyBackendPasses() throws {
        let reference = try VerificationReference(path: try Fixtures.require(Self.small))
        for backend in Backends.supported {
            let report = Verification.run(reference, backend: backend)
            #expect(report.passed, "\(backend.name): \(report.table())")
        }
    }

    /// The cell, head, shape and lengths come from each reference's
    /// metadata and tensors: every kind passes on every backend.
    @Test(arguments: [
        "rnn-relu-h32-l2-b8", "lstm-h32-l2-b8", "gru-h32-l2-b8", "gru-h64-l1-b16-last", "seq-gru-i13-t20-c5-h32",
        "seq-rnn-i40-t6-c3-h24-last", "packed-gru-i12-t15-c4-h32-last", "packed-lstm-i3-t11-c5-h16-last",
    ])
    func everyKindOfReferencePassesOnEveryBackend(name: String) throws {
        let reference = try VerificationReference(path: try Fixtures.require(name + ".safetensors"))
        #expect((reference.lengths != nil) == name.hasPrefix("packed-"))
        for backend in Backends.supported {
            let report = Verification.run(reference, backend: backend)
            #expect(report.passed, "\(name) \(backend.name): \(report.table())")
        }
    }

    /// Lengths outside `1...seq_len`, or with the head over every step, are refused with the file named.
    @Test func badLengthsAreRefused() throws {
        let directory = try TemporaryDirectory()
        let source = try Fixtures.require("packed-lstm-i3-t11-c5-h16-last.safetensors")
        var file = try SafetensorsFile.read(path: source)
        var lengths = try file.int64s(named: "lengths", shape: [7])
        lengths[2] = 12
        try file.set(Tensor(int64s: lengths, shape: [7]), named: "lengths")
        let tooLong = directory.file("too-long.safetensors")
        try file.write(to: tooLong)
        #expect(throws: VerificationError(path: tooLong, reason: .lengthOutOfRange(index: 2, length: 12, steps: 11))) {
            try VerificationReference(path: tooLong)
        }
        let allSteps = try Self.editedSmallFixture(in: directory) { file in
            try file.set(Tensor(int64s: [Int64](repeating: 28, count: 8), shape: [8]), named: "lengths")
        }
        #expect(throws: VerificationError(path: allSteps, reason: .lengthsWithHeadOverAllSteps)) {
            try VerificationReference(path: allSteps)
        }
    }

    @Test func failsWhenAGradientIsOffByOnePercent() throws {
        let directory = try TemporaryDirectory()
        let path = try Self.editedSmallFixture(in: directory) { file in
            var gradient = try file.floats(named: "grad.rnn.weight_hh_l1")
            let scale = gradient.map(abs).max() ?? 0
            gradient[17] += 1e-2 * scale
            try file.set(Tensor(floats: gradient, shape: [32, 32]), named: "grad.rnn.weight_hh_l1")
        }
        let report = Verification.run(try VerificationReference(path: path))
        #expect(!report.passed)
        #expect(report.failures.map(\.name) == ["grad.rnn.weight_hh_l1"])
        let row = try #require(report.failures.first)
        #expect(abs(row.relativeError - 1e-2) < 1e-4)
        #expect(report.table().contains("FAIL"))
        #expect(report.table().hasSuffix("FAILED: 1 of 23 tensors over 1.00e-04: grad.rnn.weight_hh_l1\n"))

        let json = try #require(try JSONSerialization.jsonObject(with: Data(try report.json().utf8)) as? [String: Any])
        #expect(json["passed"] as? Bool == false)
        let tensors = try #require(json["tensors"] as? [[String: Any]])
        #expect(tensors.count == 23)
        #expect(
            tensors.filter { $0["passed"] as? Bool == false }.map { $0["name"] as? String } == ["grad.rnn.weight_hh_l1"]
        )
        #expect(json["reference"] as? String == path)
        #expect((json["shape"] as? [String: Int])?["hidden"] == 32)
    }

    @Test func shapeFallsBackToTheTensors() throws {
        let directory = try TemporaryDirectory()
        let path = try Self.editedSmallFixture(in: directory) { file in
            for key in ["hidden", "layers", "input_size", "seq_len", "classes", "batch"] {
                file.metadata.removeValue(forKey: key)
            }
        }
        let reference = try VerificationReference(path: path)
        #expect(reference.shape == ModelShape(hidden: 32, layers: 2))
        #expect(reference.batchSize == 8)
        #expect(Verification.run(reference).passed)
    }

    @Test func aMissingTensorIsReported() throws {
        let directory = try TemporaryDirectory()
        let path = try Self.editedSmallFixture(in: directory) { $0.removeTensor(named: "grad.fc.bias") }
        let error = #expect(throws: VerificationError.self) { try VerificationReference(path: path) }
        #expect(error?.reason == .content(.missingTensor("grad.fc.bias")))
        #expect(error?.description == "\(path): missing tensor 'grad.fc.bias'")
    }

    @Test func badInputsAreReported() throws {
        let directory = try TemporaryDirectory()
        func failure(_ edit: (inout SafetensorsFile) throws -> Void) throws -> VerificationError.Reason? {
            let path = try Self.editedSmallFixture(in: directory, edit: edit)
            do {
                _ = try VerificationReference(path: path)
                return nil
            } catch {
                return error.reason
            }
        }
        #expect(
            try failure { try $0.set(Tensor(int64s: [0, 1, 2, 12, 4, 5, 6, 7]), named: "target") }
                == .labelOutOfRange(index: 3, label: 12, classes: 10))
        #expect(
            try failure { try $0.set(Tensor(floats: [Float](repeating: 0, count: 8)), named: "target") }
                == .content(.wrongDType(tensor: "target", dtype: .F32, expected: .I64)))
        #expect(
            try failure {
                try $0.set(
                    Tensor(floats: [Float](repeating: 0, count: 8 * 28 * 27), shape: [8, 28, 27]), named: "input")
            }
                == .content(.wrongShape(tensor: "input", shape: [8, 28, 27], expected: [8, 28, 28])))
        #expect(
            try failure { $0.metadata["lr"] = "fast" }
                == .content(.invalidMetadata(key: "lr", value: "fast", expected: "a number of at least 0.0")))
        #expect(
            try failure { $0.metadata["betas"] = "0.9;0.999" }
                == .content(
                    .invalidMetadata(key: "betas", value: "0.9;0.999", expected: "two numbers separated by a comma")))
        #expect(
            try failure { $0.metadata.removeValue(forKey: "adam_steps") } == .content(.missingMetadata("adam_steps")))
        #expect(
            try failure { $0.metadata["adam_steps"] = "4" }
                == .content(.wrongShape(tensor: "adam.losses", shape: [3], expected: [4])))
        #expect(
            try failure { $0.metadata["hidden"] = "64" }
                == .content(.metadataContradictsTensors(key: "hidden", metadata: 64, tensors: 32)))

        let error = VerificationError(path: "r.safetensors", reason: .labelOutOfRange(index: 3, label: 12, classes: 10))
        #expect(error.description == "r.safetensors: target[3] is 12, outside the 10 classes 0..<10")
    }

    @Test func unreadableAndCorruptFilesAreReported() throws {
        let directory = try TemporaryDirectory()
        let missing = directory.file("none.safetensors")
        let error = #expect(throws: VerificationError.self) { try VerificationReference(path: missing) }
        #expect(error?.reason == .unreadable(.file(FileError(path: missing, operation: "open", code: ENOENT))))

        let corrupt = directory.file("corrupt.safetensors")
        try Data([1, 2, 3]).write(to: URL(fileURLWithPath: corrupt))
        let corruptError = #expect(throws: VerificationError.self) { try VerificationReference(path: corrupt) }
        #expect(corruptError?.description == "\(corrupt): file has 3 bytes, fewer than the 8-byte header length")
    }

    /// A copy of the small fixture in `directory` with `edit` applied.
    static func editedSmallFixture(
        in directory: TemporaryDirectory, edit: (inout SafetensorsFile) throws -> Void
    ) throws -> String {
        var file = try SafetensorsFile.read(path: try Fixtures.require(small))
        try edit(&file)
        let path = directory.file("edited-\(UUID().uuidString).safetensors")
        try file.write(to: path)
        return path
    }
}
