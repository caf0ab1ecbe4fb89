import RecurCore
import RecurTestSupport
import Testing

@testable import RecurData

/// Mutated and truncated `.ts`, safetensors and `.npz` files are read or
/// refused with a one-line ``DataError``, never a crash.
@Suite struct DataFuzzTests {
    func mutate(_ bytes: [UInt8], _ random: inout RecurRandom) -> [UInt8] {
        var copy = bytes
        guard !copy.isEmpty else { return [UInt8(truncatingIfNeeded: random.next())] }
        switch random.next() % 4 {
        case 0:
            for _ in 0..<(1 + random.next() % 4) {
                copy[Int(random.next() % UInt64(copy.count))] ^= UInt8(truncatingIfNeeded: 1 + random.next() % 255)
            }
        case 1:
            copy.removeSubrange(Int(random.next() % UInt64(copy.count))...)
        case 2:
            let at = Int(random.next() % UInt64(copy.count))
            let pick: [UInt8] = Array(":,?@\n#-.e".utf8) + [0, 0xFF]
            copy.insert(pick[Int(random.next() % UInt64(pick.count))], at: at)
        default:
            let at = Int(random.next() % UInt64(copy.count))
            copy.removeSubrange(at..<min(copy.count, at + 1 + Int(random.next() % 16)))
        }
        return copy
    }

    func checkArrays(_ bytes: [UInt8]) {
        do {
            let file = try ArrayFile(bytes: bytes, path: "f")
            for split in ["train", "test"] {
                if let data = try file.dataset(split: split) {
                    #expect(data.values.count == data.count * data.sampleSize && data.values.allSatisfy(\.isFinite))
                }
            }
        } catch {
            #expect(!error.description.contains("\n"))
        }
    }

    @Test func tsFiles() throws {
        let valid = Array(
            (["@problemName Toy", "@dimensions 2", "@equalLength false", "@classLabel true a b", "@data"]
                + (0..<8).map { "\($0),1.5,-2e-3:\($0),0.25,7:\($0 % 2 == 0 ? "a" : "b")" }).joined(separator: "\n").utf8)
        #expect((try? TSReader.parse(valid, file: "v.ts"))?.count == 8)
        var random = RecurRandom(seed: 13)
        for _ in 0..<FuzzIterations.count(default: 3000) {
            let bytes = mutate(valid, &random)
            do {
                let data = try TSReader.parse(bytes, file: "f.ts")
                #expect(data.values.allSatisfy(\.isFinite) && data.count >= 1)
            } catch {
                #expect(error.file == "f.ts" && !error.description.contains("\n"))
            }
        }
    }

    @Test func safetensorsAndNPZFiles() throws {
        let safetensors = try ArrayFiles.safetensors([
            ("train.inputs", try ArrayFiles.floats((0..<12).map(Float.init), [2, 3, 2])),
            ("train.labels", try ArrayFiles.int64s([0, 1], [2])),
            ("train.lengths", try ArrayFiles.int64s([3, 1], [2])),
        ], metadata: ["classes": "[\"x\",\"y\"]"])
        let npyInputs = ArrayFiles.npy(descr: "<f4", shape: [2, 3], data: ArrayFiles.bytes((0..<6).map(Float.init)))
        let npyLabels = ArrayFiles.npy(descr: "<i8", shape: [2], data: ArrayFiles.bytes([Int64(0), 1]))
        let stored = ArrayFiles.zip([("train_inputs.npy", npyInputs), ("train_labels.npy", npyLabels)], deflated: false)
        let deflated = ArrayFiles.zip([("train_inputs.npy", npyInputs), ("train_labels.npy", npyLabels)], deflated: true)
        var random = RecurRandom(seed: 17)
        for valid in [safetensors, stored, deflated] {
            for _ in 0..<FuzzIterations.count(default: 400) { checkArrays(mutate(valid, &random)) }
        }
    }
}
