import Foundation
import RecurCore
import RecurSafetensors
import RecurTestSupport
import Testing

/// Random and mutated inputs are either parsed or rejected with an error,
/// never a crash or a hang; whatever parses re-serializes to an equal file.
@Suite struct FuzzTests {
    /// Parses `bytes`: returns `"accepted"` after checking that the file
    /// survives a serialize/parse round trip, or the kind of rejection
    /// (the reason's case name).
    private func outcome(_ bytes: [UInt8]) -> String {
        do {
            let file = try SafetensorsFile(bytes: bytes)
            let reparsed = try? SafetensorsFile(bytes: file.serialized())
            #expect(reparsed?.tensors == file.tensors)
            #expect(reparsed?.metadata == file.metadata)
            return "accepted"
        } catch {
            return String(String(describing: error.reason).prefix { $0 != "(" })
        }
    }

    @Test func randomBytes() {
        var random = RecurRandom(seed: 20_240_601)
        var outcomes: Set<String> = []
        for _ in 0..<FuzzIterations.count(default: 300) {
            let count = Int(random.next() % 64)
            var bytes = (0..<count).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            // Half the time, a header length that fits, so the header is looked at.
            if count >= 8 && random.next() % 2 == 0 {
                let length = UInt64(random.next() % UInt64(count - 7))
                withUnsafeBytes(of: length.littleEndian) { bytes.replaceSubrange(0..<8, with: $0) }
            }
            outcomes.insert(outcome(bytes))
        }
        #expect(outcomes.isSuperset(of: ["fileTooShort", "headerTooLarge", "headerNotUTF8", "headerNotJSON"]))
    }

    @Test func mutationsOfAValidFile() throws {
        let valid = try sampleFile().serialized()
        let headerEnd = 8 + valid[0..<8].reversed().reduce(0) { $0 << 8 | Int($1) }
        let jsonBytes = Array(#"{}[]",:-0123456789 \e"#.utf8)
        var random = RecurRandom(seed: 7)
        var outcomes: [String: Int] = [:]
        for round in 0..<FuzzIterations.count(default: 400) {
            var bytes = valid
            for _ in 0...(random.next() % 4) {
                let position = Int(random.next() % UInt64(bytes.count))
                switch (round + Int(random.next() % 3)) % 6 {
                case 0: bytes[position] ^= UInt8(1 << (random.next() % 8))
                case 1: bytes[Int(random.next() % UInt64(min(headerEnd, bytes.count)))] = jsonBytes[Int(random.next() % UInt64(jsonBytes.count))]
                case 2: bytes.removeSubrange(position..<min(bytes.count, position + Int(random.next() % 16) + 1))
                case 3: bytes.insert(contentsOf: (0..<(random.next() % 8 + 1)).map { _ in UInt8(truncatingIfNeeded: random.next()) }, at: position)
                case 4: bytes.removeSubrange(position...)
                default: bytes[Int(random.next() % UInt64(min(8, bytes.count)))] = UInt8(truncatingIfNeeded: random.next())
                }
                if bytes.isEmpty { break }
            }
            outcomes[outcome(bytes), default: 0] += 1
        }
        #expect(outcomes["accepted", default: 0] > 0)
        #expect(outcomes.count >= 6, "\(outcomes)")
    }

    /// The header-first file reader agrees with the in-memory parser on
    /// mutated files: both accept the same tensors or both refuse.
    @Test func fileReaderAgreesWithParser() throws {
        let directory = try TemporaryDirectory(prefix: "recur-fuzz-safetensors")
        let path = directory.file("mutated.safetensors")
        let valid = try sampleFile().serialized()
        var random = RecurRandom(seed: 11)
        for _ in 0..<FuzzIterations.count(default: 100) {
            var bytes = valid
            for _ in 0...(random.next() % 3) where !bytes.isEmpty {
                let position = Int(random.next() % UInt64(bytes.count))
                switch random.next() % 3 {
                case 0: bytes[position] ^= UInt8(1 << (random.next() % 8))
                case 1: bytes.removeSubrange(position...)
                default: bytes[Int(random.next() % UInt64(min(8, bytes.count)))] = UInt8(truncatingIfNeeded: random.next())
                }
            }
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            let parsed = try? SafetensorsFile(bytes: bytes, source: path)
            let read = try? SafetensorsFile.readFile(path: path)
            #expect(parsed?.tensors == read?.tensors && parsed?.metadata == read?.metadata)
            if parsed == nil {
                #expect(throws: SafetensorsReadError.self) { try SafetensorsFile.readFile(path: path) }
            }
        }
    }
}
