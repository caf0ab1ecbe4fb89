import Foundation
import RecurCore
import RecurModel
import RecurSafetensors
import RecurTestSupport
import Testing

@testable import RecurCheckpoint

/// Random and mutated checkpoint files are either loaded or refused with a
/// one-line `CheckpointError` naming the file, never a crash, a hang or a
/// huge allocation; what loads has finite values and a consistent shape.
/// `RECUR_FUZZ_ITERATIONS` runs more of them (see ``FuzzIterations``).
@Suite struct CheckpointFuzzTests {
    /// Loads `bytes` as a checkpoint, from memory and, when `viaFile` is
    /// given, from that file too (the header-first reader): the two must
    /// agree. Returns the outcome's kind.
    private func outcome(_ bytes: [UInt8], viaFile file: String? = nil) throws -> String {
        let fromMemory = Result { () throws(CheckpointError) in try Checkpoint.load(bytes: bytes, source: "fuzz") }
        if let file {
            try Data(bytes).write(to: URL(fileURLWithPath: file))
            let fromFile = Result { () throws(CheckpointError) in try Checkpoint.load(path: file) }
            switch (fromMemory, fromFile) {
            case (.success(let a), .success(let b)):
                #expect(a.shape == b.shape && a.training == b.training)
            case (.failure, .failure): break
            default: Issue.record("memory and file readers disagree: \(fromMemory) vs \(fromFile)")
            }
        }
        switch fromMemory {
        case .success(let loaded):
            let storage = loaded.parameters.storage.pointer
            let allFinite = loaded.parameters.layout.slots.allSatisfy { slot in slot.range.allSatisfy { storage[$0].isFinite } }
            #expect(allFinite)
            #expect(loaded.shape.validationError == nil)
            return "loaded"
        case .failure(let error):
            #expect(error.path == "fuzz")
            #expect(!error.description.contains("\n"), "\(error)")
            if case .unreadable(.content) = error.reason { return "notSafetensors" }
            return String(String(describing: error.reason).prefix { $0 != "(" })
        }
    }

    /// A valid resumable checkpoint of a small model.
    private func validCheckpoint(in directory: TemporaryDirectory) throws -> [UInt8] {
        let parameters = CheckpointSamples.parameters()
        let path = directory.file("valid.safetensors")
        try Checkpoint.save(
            parameters: parameters, optimizer: CheckpointSamples.optimizer(for: parameters),
            training: CheckpointSamples.training, to: path)
        return Array(try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    @Test func randomBytes() throws {
        let directory = try TemporaryDirectory(prefix: "recur-fuzz-checkpoint")
        var random = RecurRandom(seed: 16_001)
        var outcomes: Set<String> = []
        for round in 0..<FuzzIterations.count(default: 300) {
            let count = Int(random.next() % 96)
            var bytes = (0..<count).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            if count >= 8 && random.next() % 2 == 0 {
                let length = UInt64(random.next() % UInt64(count - 7))
                withUnsafeBytes(of: length.littleEndian) { bytes.replaceSubrange(0..<8, with: $0) }
            }
            outcomes.insert(try outcome(bytes, viaFile: round % 10 == 0 ? directory.file("random-\(round % 3)") : nil))
        }
        #expect(outcomes.contains("notSafetensors"))
    }

    @Test func mutationsOfAValidCheckpoint() throws {
        let directory = try TemporaryDirectory(prefix: "recur-fuzz-checkpoint")
        let valid = try validCheckpoint(in: directory)
        #expect(try outcome(valid) == "loaded")
        let headerEnd = 8 + valid[0..<8].reversed().reduce(0) { $0 << 8 | Int($1) }
        // Bytes that turn numbers into other numbers, and JSON into other JSON.
        let headerBytes = Array(#"0123456789-.e+E"{}[],: "#.utf8)
        var random = RecurRandom(seed: 16_002)
        var outcomes: [String: Int] = [:]
        for round in 0..<FuzzIterations.count(default: 300) {
            var bytes = valid
            for _ in 0...(random.next() % 3) {
                guard !bytes.isEmpty else { break }
                let position = Int(random.next() % UInt64(bytes.count))
                switch random.next() % 7 {
                case 0: bytes[position] ^= UInt8(1 << (random.next() % 8))
                case 1, 2:
                    let inHeader = 8 + Int(random.next() % UInt64(max(1, min(headerEnd, bytes.count) - 8)))
                    if inHeader < bytes.count { bytes[inHeader] = headerBytes[Int(random.next() % UInt64(headerBytes.count))] }
                case 3: bytes.removeSubrange(position..<min(bytes.count, position + Int(random.next() % 16) + 1))
                case 4: bytes.insert(contentsOf: (0..<(random.next() % 8 + 1)).map { _ in UInt8(truncatingIfNeeded: random.next()) }, at: position)
                case 5:  // a float of the data turned into NaN or infinity
                    let at = headerEnd + 4 * Int(random.next() % UInt64(max(1, (bytes.count - headerEnd) / 4)))
                    if at + 4 <= bytes.count {
                        let special: Float = random.next() % 2 == 0 ? .nan : -.infinity
                        withUnsafeBytes(of: special.bitPattern.littleEndian) { bytes.replaceSubrange(at..<(at + 4), with: $0) }
                    }
                default: bytes[Int(random.next() % UInt64(min(8, bytes.count)))] = UInt8(truncatingIfNeeded: random.next())
                }
            }
            let file = round % 10 == 0 ? directory.file("mutated-\(round % 3)") : nil
            outcomes[try outcome(bytes, viaFile: file), default: 0] += 1
        }
        #expect(outcomes["loaded", default: 0] > 0, "\(outcomes)")
        #expect(outcomes.count >= 3, "\(outcomes)")
    }
}
