/// Parses MNIST's IDX files: a big-endian magic number (two zero bytes, the
/// element type 0x08 for unsigned bytes, the number of dimensions), one
/// big-endian `UInt32` per dimension, then exactly the product of the
/// dimensions in bytes.
enum IDXReader {
    /// The pixels of an IDX image file's content.
    struct Images {
        var count: Int
        var rows: Int
        var columns: Int
        /// `count * rows * columns` bytes, sample-major, row-major.
        var pixels: ArraySlice<UInt8>
    }

    /// Reads the file at `path` (gzip-compressed or not) as MNIST images.
    static func images(atPath path: String) throws(IDXError) -> Images {
        try images(from: try content(ofFile: path), file: path)
    }

    /// Reads the file at `path` (gzip-compressed or not) as MNIST labels.
    static func labels(atPath path: String) throws(IDXError) -> [Int32] {
        try labels(from: try content(ofFile: path), file: path)
    }

    /// The bytes of the file at `path`, inflated when they start with the gzip magic.
    static func content(ofFile path: String) throws(IDXError) -> [UInt8] {
        let bytes = try FileBytes.read(path)
        guard !bytes.isEmpty else { throw IDXError(file: path, problem: .empty) }
        return Gzip.isCompressed(bytes) ? try Gzip.inflate(bytes, file: path) : bytes
    }

    /// Parses `bytes` (uncompressed) as an IDX image file of 28x28 images.
    /// - Throws: `IDXError` naming `file` for any deviation from the format.
    static func images(from bytes: [UInt8], file: String) throws(IDXError) -> Images {
        let (dimensions, payload) = try parse(bytes, kind: .images, file: file)
        let (count, rows, columns) = (dimensions[0], dimensions[1], dimensions[2])
        guard rows == 28 && columns == 28 else {
            throw IDXError(file: file, problem: .wrongImageSize(rows: rows, columns: columns))
        }
        guard count > 0 else { throw IDXError(file: file, problem: .noSamples) }
        return Images(count: count, rows: rows, columns: columns, pixels: payload)
    }

    /// Parses `bytes` (uncompressed) as an IDX label file of digits 0...9.
    /// - Throws: `IDXError` naming `file` for any deviation from the format.
    static func labels(from bytes: [UInt8], file: String) throws(IDXError) -> [Int32] {
        let (dimensions, payload) = try parse(bytes, kind: .labels, file: file)
        guard dimensions[0] > 0 else { throw IDXError(file: file, problem: .noSamples) }
        if let bad = payload.firstIndex(where: { $0 > 9 }) {
            throw IDXError(file: file, problem: .labelOutOfRange(label: Int(payload[bad]), index: bad - payload.startIndex))
        }
        return payload.map { Int32($0) }
    }

    /// Checks the header of `bytes` against `kind` and that the data that
    /// follows has exactly the size the dimensions give.
    /// - Returns: the dimensions and the data bytes.
    private static func parse(_ bytes: [UInt8], kind: IDXKind, file: String) throws(IDXError) -> ([Int], ArraySlice<UInt8>) {
        guard !bytes.isEmpty else { throw IDXError(file: file, problem: .empty) }
        guard bytes.count >= 4 else { throw IDXError(file: file, problem: .truncatedHeader(bytes: bytes.count, needed: 4)) }
        let magic = bigEndianUInt32(bytes, at: 0)
        // Two zero bytes and the right dimension count, but another element type:
        // an IDX file of floats or ints rather than a damaged one.
        if bytes[0] == 0 && bytes[1] == 0 && Int(bytes[3]) == kind.dimensionCount && bytes[2] != 0x08 {
            throw IDXError(file: file, problem: .unsupportedElementType(bytes[2]))
        }
        guard magic == kind.magic else { throw IDXError(file: file, problem: .wrongMagic(found: magic, expected: kind)) }

        let headerSize = 4 + 4 * kind.dimensionCount
        guard bytes.count >= headerSize else {
            throw IDXError(file: file, problem: .truncatedHeader(bytes: bytes.count, needed: headerSize))
        }
        let dimensions = (0..<kind.dimensionCount).map { Int(bigEndianUInt32(bytes, at: 4 + 4 * $0)) }
        var expected = 1
        for dimension in dimensions {
            let (product, overflow) = expected.multipliedReportingOverflow(by: dimension)
            guard !overflow && product <= FileBytes.sizeLimit else {
                throw IDXError(file: file, problem: .dimensionsTooLarge(dimensions))
            }
            expected = product
        }
        let found = bytes.count - headerSize
        guard found >= expected else { throw IDXError(file: file, problem: .truncatedData(expected: expected, found: found)) }
        guard found == expected else { throw IDXError(file: file, problem: .trailingBytes(count: found - expected)) }
        return (dimensions, bytes[headerSize...])
    }

    private static func bigEndianUInt32(_ bytes: [UInt8], at offset: Int) -> UInt32 {
        UInt32(bytes[offset]) << 24 | UInt32(bytes[offset + 1]) << 16 | UInt32(bytes[offset + 2]) << 8 | UInt32(bytes[offset + 3])
    }
}
