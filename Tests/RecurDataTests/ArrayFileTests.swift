import Foundation
import RecurSafetensors
import RecurTestSupport
import Testing

@testable import RecurData

/// Safetensors and `.npz` data files: good ones in every supported type, and one broken file per error.
@Suite struct ArrayFileTests {
    static let inputs: [Float] = (0..<(3 * 4 * 2)).map { Float($0) / 4 }

    func write(_ bytes: [UInt8], _ name: String, in directory: TemporaryDirectory) throws -> String {
        let path = directory.file(name)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    func error(_ bytes: [UInt8], split: String = "train", name: String = "d.safetensors") throws -> String? {
        let directory = try TemporaryDirectory(prefix: "recur-arrays")
        let path = try write(bytes, name, in: directory)
        do {
            _ = try ArrayFile(path: path).dataset(split: split)
            return nil
        } catch {
            return error.description.replacingOccurrences(of: directory.path + "/", with: "")
        }
    }

    @Test func safetensorsSplitsWithLengthsAndClassNames() throws {
        let directory = try TemporaryDirectory(prefix: "recur-arrays")
        let path = try write(
            try ArrayFiles.safetensors(
                [
                    ("train.inputs", try ArrayFiles.floats(Self.inputs, [3, 4, 2])),
                    ("train.labels", try ArrayFiles.int64s([2, 0, 1], [3])),
                    ("train.lengths", try ArrayFiles.int64s([4, 2, 3], [3])),
                    ("test.inputs", try ArrayFiles.floats(Array(Self.inputs.prefix(8)), [1, 4, 2])),
                    ("test.labels", try ArrayFiles.int64s([1], [1])),
                ], metadata: ["classes": "[\"cat\",\"dog\",\"emu\"]"]), "d.safetensors", in: directory)
        let file = try ArrayFile(path: path)
        let train = try #require(try file.dataset(split: "train"))
        #expect(train.count == 3 && train.steps == 4 && train.features == 2 && train.classCount == 3)
        #expect(train.labels == [2, 0, 1] && train.lengths == [4, 2, 3] && train.classNames == ["cat", "dog", "emu"])
        // Steps past a length read as zero, whatever the file holds there.
        #expect(Array(train.values[8..<16]) == Array(Self.inputs[8..<12]) + [0, 0, 0, 0])
        let test = try #require(try file.dataset(split: "test"))
        #expect(test.count == 1 && test.lengths == nil && test.classCount == 3)
        #expect(try file.evaluationDataset(labelsRequired: true).count == 1)
    }

    @Test func npzStoredAndDeflatedInEveryNumericType() throws {
        let values: [Double] = [1.5, -2, 3, 4.25, 5, 6]
        let members: [(String, [UInt8])] = [
            ("train_inputs.npy", ArrayFiles.npy(descr: "<f8", shape: [2, 3], data: ArrayFiles.bytes(values))),
            ("train_labels.npy", ArrayFiles.npy(descr: "<i4", shape: [2], data: ArrayFiles.bytes([Int32(1), 0]))),
            ("test_inputs.npy", ArrayFiles.npy(descr: "|u1", shape: [1, 3, 1], data: [0, 128, 255])),
            ("test_labels.npy", ArrayFiles.npy(descr: "<i8", shape: [1], data: ArrayFiles.bytes([Int64(1)]))),
            ("classes.npy", ArrayFiles.npy(descr: "<U3", shape: [2], data: "ab\0cde".unicodeScalars.flatMap { withUnsafeBytes(of: $0.value.littleEndian, Array.init) })),
        ]
        let directory = try TemporaryDirectory(prefix: "recur-arrays")
        for deflated in [false, true] {
            let path = try write(ArrayFiles.zip(members, deflated: deflated), "d.npz", in: directory)
            let file = try ArrayFile(path: path)
            let train = try #require(try file.dataset(split: "train"))
            #expect(train.steps == 3 && train.features == 1 && train.values == values.map { Float($0) } && train.labels == [1, 0])
            #expect(train.classNames == ["ab", "cde"])
            let test = try #require(try file.dataset(split: "test"))
            #expect(test.values == [0, 128, 255] && test.isBytes)
        }
        // Big-endian arrays read too.
        let big = ArrayFiles.npy(descr: ">f4", shape: [1, 2], data: [Float(1), 2].flatMap { withUnsafeBytes(of: $0.bitPattern.bigEndian, Array.init) })
        let labels = ArrayFiles.npy(descr: ">i2", shape: [1], data: [0, 1])
        let path = try write(ArrayFiles.zip([("train_inputs.npy", big), ("train_labels.npy", labels)], deflated: false), "b.npz", in: directory)
        let data = try #require(try ArrayFile(path: path).dataset(split: "train"))
        #expect(data.values == [1, 2] && data.labels == [1])
    }

    @Test func eachArrayErrorNamesTheFileAndTheTensor() throws {
        func file(inputs: Tensor, labels: Tensor? = nil, lengths: Tensor? = nil, metadata: [String: String] = [:]) throws -> [UInt8] {
            var tensors = [("train.inputs", inputs)]
            tensors.append(("train.labels", try labels ?? ArrayFiles.int64s([0, 1, 1], [3])))
            if let lengths { tensors.append(("train.lengths", lengths)) }
            return try ArrayFiles.safetensors(tensors, metadata: metadata)
        }
        let good = try ArrayFiles.floats(Self.inputs, [3, 4, 2])
        let half = try Tensor(dtype: .F16, shape: [3, 4, 2], bytes: [UInt8](repeating: 0, count: 48))
        #expect(try error(try file(inputs: half)) == "d.safetensors train.inputs: is F16; expected a float type of 32 bits or more, or an integer type")
        var nan = Self.inputs
        nan[13] = .nan
        #expect(
            try error(try file(inputs: try ArrayFiles.floats(nan, [3, 4, 2])))
                == "d.safetensors train.inputs: sample 1 step 2 feature 1 is nan; values must be finite")
        #expect(
            try error(try file(inputs: try ArrayFiles.floats(Self.inputs, [24])))
                == "d.safetensors train.inputs: has shape [24]; expected [samples, steps, features] (or [samples, steps] for one feature)")
        #expect(
            try error(try file(inputs: good, labels: try ArrayFiles.int64s([0, 1], [2])))
                == "d.safetensors train.labels: has shape [2]; expected [3], one label per sample of train.inputs")
        #expect(
            try error(try file(inputs: good, labels: try ArrayFiles.int64s([0, -1, 1], [3])))
                == "d.safetensors train.labels: label -1 of sample 1 is outside 0...2147483646")
        #expect(
            try error(try file(inputs: good, labels: try ArrayFiles.floats([0, 1, 1], [3])))
                == "d.safetensors train.labels: is F32; expected an integer type")
        #expect(
            try error(try file(inputs: good, lengths: try ArrayFiles.int64s([4, 0, 2], [3])))
                == "d.safetensors train.lengths: length 0 of sample 1 is outside 1...4")
        #expect(
            try error(try file(inputs: good, lengths: try ArrayFiles.int64s([4, 5, 2], [3])))
                == "d.safetensors train.lengths: length 5 of sample 1 is outside 1...4")
        #expect(
            try error(try file(inputs: good, metadata: ["classes": "[\"a\","]))?.hasPrefix("d.safetensors: metadata classes '[\"a\",' is not a list") == true)
        #expect(
            try error(try file(inputs: good, metadata: ["classes": "a"]))?.hasPrefix("d.safetensors: metadata classes 'a' is not a list") == true)
        #expect(
            try error(try file(inputs: good, labels: try ArrayFiles.int64s([0, 2, 1], [3]), metadata: ["classes": "only,one"]))
                == "d.safetensors train.labels: label 2 of sample 1 has no name in classes (2 names)")
        #expect(
            try error(try ArrayFiles.safetensors([("train.inputs", good)])) == "d.safetensors: has train.inputs but no train.labels")
        #expect(try error(Array("not a data file at all".utf8))?.hasPrefix("d.safetensors: not a safetensors or .npz file") == true)
        #expect(try error([]) != nil)
        // .npz: a 16-bit float, Fortran order, a damaged member.
        let f16 = ArrayFiles.npy(descr: "<f2", shape: [1, 2], data: [0, 0, 0, 0])
        let labels = ArrayFiles.npy(descr: "<i8", shape: [1], data: ArrayFiles.bytes([Int64(0)]))
        #expect(
            try error(ArrayFiles.zip([("train_inputs.npy", f16), ("train_labels.npy", labels)], deflated: true), name: "d.npz")
                == "d.npz train_inputs: is float16; expected a float type of 32 bits or more, or an integer type")
        let fortran = ArrayFiles.npy(descr: "<f4", shape: [1, 2], data: ArrayFiles.bytes([Float(1), 2]), fortran: true)
        #expect(
            try error(ArrayFiles.zip([("train_inputs.npy", fortran), ("train_labels.npy", labels)], deflated: false), name: "d.npz")
                == "d.npz train_inputs: is stored in Fortran order; save np.ascontiguousarray(x) instead")
        let one = ArrayFiles.npy(descr: "<U1", shape: [1], data: [0x61, 0, 0, 0])
        let inputs = ArrayFiles.npy(descr: "<f4", shape: [1, 2], data: ArrayFiles.bytes([Float(1), 2]))
        #expect(
            try error(ArrayFiles.zip([("train_inputs.npy", inputs), ("train_labels.npy", labels), ("classes.npy", one)], deflated: false), name: "d.npz")
                == "d.npz classes: must hold two or more distinct, non-empty names")
        var damaged = ArrayFiles.zip([("train_inputs.npy", ArrayFiles.npy(descr: "<f4", shape: [1, 2], data: ArrayFiles.bytes([Float(1), 2])))], deflated: false)
        damaged[damaged.count / 3] ^= 0x55
        #expect(try error(damaged, name: "d.npz") != nil)
    }
}
