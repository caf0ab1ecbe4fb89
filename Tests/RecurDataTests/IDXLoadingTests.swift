import Testing
@testable import RecurData

/// Small IDX files on disk, good and broken, loaded through `MNIST.load(.test, directory:)`.
@Suite struct IDXLoadingTests {
    let labelBytes: [UInt8] = [5, 0, 4]

    @Test(arguments: [false, true])
    func loadsGoodFiles(compressed: Bool) throws {
        let scratch = try ScratchDirectory()
        try scratch.writeTestSplit(images: TestFiles.images(count: 3), labels: TestFiles.labels(labelBytes), compressed: compressed)
        let dataset = try MNIST.load(.test, directory: scratch.path)
        #expect(dataset.count == 3)
        #expect(dataset.steps == 28 && dataset.features == 28)
        #expect(dataset.labels == [5, 0, 4])
        #expect(dataset.values.count == 3 * 784)
        for k in [0, 1, 255, 256, 1000, 3 * 784 - 1] {
            #expect(dataset.values[k] == Float(k % 256) / 255)
        }
    }

    @Test func prefersTheUncompressedFileAndDetectsGzipByContent() throws {
        let scratch = try ScratchDirectory()
        // A gzip stream under the plain name is still inflated: content decides.
        try scratch.write(TestFiles.gzip(TestFiles.images(count: 3)), to: "t10k-images-idx3-ubyte")
        try scratch.write(TestFiles.labels(labelBytes), to: "t10k-labels-idx1-ubyte")
        try scratch.write([1, 2, 3], to: "t10k-labels-idx1-ubyte.gz")
        #expect(try MNIST.load(.test, directory: scratch.path).labels == [5, 0, 4])
    }

    /// Writes the image and label files, loads them and returns the error thrown.
    private func loadError(images: [UInt8], labels: [UInt8], compressed: Bool = false) throws -> IDXError? {
        let scratch = try ScratchDirectory()
        try scratch.writeTestSplit(images: images, labels: labels, compressed: compressed)
        let error = #expect(throws: IDXError.self) { try MNIST.load(.test, directory: scratch.path) }
        if let error {
            #expect(error.file.hasPrefix(scratch.path))
            #expect(!error.description.contains("\n"))
        }
        return error
    }

    @Test func wrongMagic() throws {
        var images = TestFiles.images(count: 3)
        images[3] = 2
        let error = try loadError(images: images, labels: TestFiles.labels(labelBytes))
        #expect(error?.problem == .wrongMagic(found: 0x0000_0802, expected: .images))
        #expect(error?.description.hasSuffix(
            "t10k-images-idx3-ubyte: wrong magic number 0x00000802 (expected 0x00000803 for an IDX image file)") == true)
    }

    @Test func labelFileWithImageMagic() throws {
        let error = try loadError(images: TestFiles.images(count: 3), labels: TestFiles.images(count: 3), compressed: true)
        #expect(error?.problem == .wrongMagic(found: 0x0000_0803, expected: .labels))
        #expect(error?.file.hasSuffix("t10k-labels-idx1-ubyte.gz") == true)
    }

    @Test func wrongTypeByte() throws {
        var images = TestFiles.images(count: 3)
        images[2] = 0x0D  // float
        let error = try loadError(images: images, labels: TestFiles.labels(labelBytes))
        #expect(error?.problem == .unsupportedElementType(0x0D))
        #expect(error?.description.contains("0x0d is not supported") == true)
    }

    @Test(arguments: [false, true])
    func truncatedPayload(compressed: Bool) throws {
        let images = Array(TestFiles.images(count: 3).dropLast(5))
        let error = try loadError(images: images, labels: TestFiles.labels(labelBytes), compressed: compressed)
        #expect(error?.problem == .truncatedData(expected: 3 * 784, found: 3 * 784 - 5))
    }

    @Test func truncatedHeader() throws {
        let images = Array(TestFiles.images(count: 3).prefix(10))
        let error = try loadError(images: images, labels: TestFiles.labels(labelBytes))
        #expect(error?.problem == .truncatedHeader(bytes: 10, needed: 16))
    }

    @Test func trailingBytes() throws {
        let error = try loadError(images: TestFiles.images(count: 3), labels: TestFiles.labels(labelBytes) + [0, 0])
        #expect(error?.problem == .trailingBytes(count: 2))
    }

    @Test func countMismatch() throws {
        let error = try loadError(images: TestFiles.images(count: 3), labels: TestFiles.labels([1, 2]))
        #expect(error?.file.hasSuffix("t10k-labels-idx1-ubyte") == true)
        guard case .countMismatch(labels: 2, images: 3, let imageFile) = error?.problem else {
            Issue.record("expected a count mismatch, got \(String(describing: error))")
            return
        }
        #expect(imageFile.hasSuffix("t10k-images-idx3-ubyte"))
    }

    @Test func labelTen() throws {
        let error = try loadError(images: TestFiles.images(count: 3), labels: TestFiles.labels([1, 10, 2]))
        #expect(error?.problem == .labelOutOfRange(label: 10, index: 1))
    }

    @Test func wrongImageSize() throws {
        let error = try loadError(images: TestFiles.images(count: 3, rows: 27), labels: TestFiles.labels(labelBytes))
        #expect(error?.problem == .wrongImageSize(rows: 27, columns: 28))
        #expect(error?.description.hasSuffix("images are 27x28 pixels (MNIST images are 28x28)") == true)
    }

    @Test func noSamples() throws {
        let error = try loadError(images: TestFiles.images(count: 0), labels: TestFiles.labels([]))
        #expect(error?.problem == .noSamples)
    }

    @Test func hostileDimensions() throws {
        let huge = [0, 0, 8, 3] + TestFiles.bigEndian(0xFFFF_FFFF) + TestFiles.bigEndian(28) + TestFiles.bigEndian(28)
        let error = try loadError(images: huge, labels: TestFiles.labels(labelBytes))
        #expect(error?.problem == .dimensionsTooLarge([0xFFFF_FFFF, 28, 28]))
    }

    @Test func corruptGzip() throws {
        var gzip = TestFiles.gzip(TestFiles.images(count: 3))
        for k in 12..<20 { gzip[k] ^= 0xA5 }
        let scratch = try ScratchDirectory()
        try scratch.write(gzip, to: "t10k-images-idx3-ubyte.gz")
        try scratch.write(TestFiles.labels(labelBytes), to: "t10k-labels-idx1-ubyte")
        let error = #expect(throws: IDXError.self) { try MNIST.load(.test, directory: scratch.path) }
        guard case .corruptGzip = error?.problem else {
            Issue.record("expected corrupt gzip, got \(String(describing: error))")
            return
        }
        #expect(error?.description.contains("t10k-images-idx3-ubyte.gz: corrupt gzip data") == true)
    }

    @Test func gzipCRCMismatch() throws {
        var gzip = TestFiles.gzip(TestFiles.labels(labelBytes))
        gzip[gzip.count - 8] ^= 1  // CRC-32 in the trailer
        let scratch = try ScratchDirectory()
        let path = try scratch.write(gzip, to: "labels.gz")
        #expect(throws: IDXError(file: path, problem: .corruptGzip(detail: "incorrect data check"))) {
            try IDXReader.labels(atPath: path)
        }
    }

    @Test func truncatedGzip() throws {
        let gzip = TestFiles.gzip(TestFiles.images(count: 3))
        for length in [3, gzip.count / 2, gzip.count - 1] {
            let scratch = try ScratchDirectory()
            try scratch.write(Array(gzip.prefix(length)), to: "t10k-images-idx3-ubyte.gz")
            try scratch.write(TestFiles.labels(labelBytes), to: "t10k-labels-idx1-ubyte")
            let error = #expect(throws: IDXError.self) { try MNIST.load(.test, directory: scratch.path) }
            #expect(error?.problem == .truncatedGzip, "cut at \(length) of \(gzip.count)")
        }
    }

    @Test func decompressedSizeLimit() throws {
        #expect(IDXError(file: "a.gz", problem: .tooLarge(limit: 1 << 30)).description == "a.gz: larger than the limit of 1 GiB for a data file")
        let bomb = TestFiles.gzip([UInt8](repeating: 0, count: 1 << 20))
        #expect(throws: IDXError(file: "bomb.gz", problem: .tooLarge(limit: 1 << 16))) {
            try Gzip.inflate(bomb, file: "bomb.gz", limit: 1 << 16)
        }
        #expect(try Gzip.inflate(bomb, file: "bomb.gz", limit: 1 << 20).count == 1 << 20)
    }

    @Test func concatenatedGzipMembers() throws {
        let bytes = TestFiles.labels(labelBytes)
        let twoMembers = TestFiles.gzip(Array(bytes.prefix(5))) + TestFiles.gzip(Array(bytes.dropFirst(5)))
        #expect(try Gzip.inflate(twoMembers, file: "two.gz") == bytes)
    }

    @Test func emptyFile() throws {
        let error = try loadError(images: [], labels: TestFiles.labels(labelBytes))
        #expect(error?.problem == .empty)
        #expect(error?.description.hasSuffix("t10k-images-idx3-ubyte: file is empty") == true)
    }

    @Test func missingFile() throws {
        let scratch = try ScratchDirectory()
        try scratch.write(TestFiles.images(count: 3), to: "t10k-images-idx3-ubyte")
        #expect(throws: IDXError(file: scratch.path + "/t10k-labels-idx1-ubyte", problem: .missing)) {
            try MNIST.load(.test, directory: scratch.path)
        }
    }

    @Test func directoryInsteadOfFile() throws {
        let scratch = try ScratchDirectory()
        #expect(throws: IDXError(file: scratch.path, problem: .notARegularFile)) {
            try IDXReader.images(atPath: scratch.path)
        }
    }
}
