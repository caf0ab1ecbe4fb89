import RecurCore
import RecurTestSupport
import Testing
@testable import RecurData

/// Random bytes and random damage to valid files must be either accepted
/// consistently or rejected with a thrown `IDXError`, never crash or hang.
@Suite struct FuzzTests {
    /// Parses `bytes` the way a file's content is parsed (inflating gzip with a
    /// small limit), as images and as labels, and checks what is accepted.
    private func check(_ bytes: [UInt8]) -> (acceptedImages: Bool, acceptedLabels: Bool) {
        var content = bytes
        if Gzip.isCompressed(bytes) {
            do { content = try Gzip.inflate(bytes, file: "fuzz.gz", limit: 1 << 20) } catch {
                #expect(error.file == "fuzz.gz" && !error.description.contains("\n"))
                return (false, false)
            }
        }
        var result = (acceptedImages: false, acceptedLabels: false)
        if let images = try? IDXReader.images(from: content, file: "fuzz") {
            #expect(images.rows == 28 && images.columns == 28 && images.count > 0)
            #expect(images.pixels.count == images.count * 784)
            #expect(content.count == 16 + images.pixels.count)
            result.acceptedImages = true
        }
        if let labels = try? IDXReader.labels(from: content, file: "fuzz") {
            #expect(labels.allSatisfy { (0...9).contains($0) } && !labels.isEmpty)
            #expect(content.count == 8 + labels.count)
            result.acceptedLabels = true
        }
        return result
    }

    private func mutate(_ bytes: [UInt8], _ random: inout RecurRandom) -> [UInt8] {
        var copy = bytes
        switch random.next() % 4 {
        case 0:  // flip a few bytes
            for _ in 0..<(1 + random.next() % 4) {
                let at = Int(random.next() % UInt64(copy.count))
                copy[at] ^= UInt8(truncatingIfNeeded: 1 + random.next() % 255)
            }
        case 1:  // truncate
            copy.removeLast(1 + Int(random.next() % UInt64(copy.count)))
        case 2:  // extend
            copy += (0..<(1 + random.next() % 16)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
        default:  // overwrite a header byte
            copy[Int(random.next() % UInt64(min(copy.count, 16)))] = UInt8(truncatingIfNeeded: random.next())
        }
        return copy
    }

    @Test func randomByteStrings() {
        var random = RecurRandom(seed: 2024)
        let prefixes: [[UInt8]] = [[], [0x1f, 0x8b], [0x1f, 0x8b, 8, 0], [0, 0, 8, 3], [0, 0, 8, 1]]
        for round in 0..<FuzzIterations.count(default: 300) {
            let length = Int(random.next() % 48)
            let bytes = prefixes[round % prefixes.count] + (0..<length).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            _ = check(bytes)
        }
    }

    @Test func mutatedIDXFiles() {
        var random = RecurRandom(seed: 99)
        let images = TestFiles.images(count: 2)
        let labels = TestFiles.labels([3, 1, 4, 1, 5, 9, 2, 6])
        #expect(check(images).acceptedImages && check(labels).acceptedLabels)
        var rejected = 0
        for round in 0..<FuzzIterations.count(default: 300) {
            let result = check(mutate(round.isMultiple(of: 2) ? images : labels, &random))
            if !result.acceptedImages && !result.acceptedLabels { rejected += 1 }
        }
        #expect(rejected > 150)
    }

    @Test func mutatedGzipFiles() {
        var random = RecurRandom(seed: 7)
        let images = TestFiles.gzip(TestFiles.images(count: 2))
        let labels = TestFiles.gzip(TestFiles.labels([3, 1, 4, 1, 5, 9, 2, 6]))
        #expect(check(images).acceptedImages && check(labels).acceptedLabels)
        var rejected = 0
        for round in 0..<FuzzIterations.count(default: 300) {
            let result = check(mutate(round.isMultiple(of: 2) ? images : labels, &random))
            if !result.acceptedImages && !result.acceptedLabels { rejected += 1 }
        }
        // Damage is almost always caught by gzip's checks (CRC-32, length) or the IDX checks.
        #expect(rejected > 250)
    }
}
