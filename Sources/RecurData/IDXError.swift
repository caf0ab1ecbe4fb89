/// A data file that could not be read, decompressed or accepted as an MNIST
/// IDX file. The description is one line naming the file and what is wrong,
/// for instance `train-images-idx3-ubyte.gz: wrong magic number 0x00000802
/// (expected 0x00000803 for an IDX image file)`.
public struct IDXError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file, as its path was given.
    public var file: String
    /// What is wrong with it.
    public var problem: Problem

    public init(file: String, problem: Problem) {
        self.file = file
        self.problem = problem
    }

    /// What is wrong with a data file.
    public enum Problem: Equatable, Sendable {
        /// Neither the file nor its `.gz` form exists.
        case missing
        /// `open` failed, with the system's reason.
        case cannotOpen(reason: String)
        /// The path names a directory or other non-regular file.
        case notARegularFile
        /// `read` failed, with the system's reason.
        case readFailed(reason: String)
        /// The file (or its decompressed content) is larger than `limit` bytes.
        case tooLarge(limit: Int)
        /// The file has no bytes at all.
        case empty
        /// The gzip stream is damaged; `detail` is zlib's message.
        case corruptGzip(detail: String)
        /// The gzip stream ends before its end marker.
        case truncatedGzip
        /// Fewer bytes than the IDX header needs.
        case truncatedHeader(bytes: Int, needed: Int)
        /// The 4-byte magic number does not describe the expected kind of file.
        case wrongMagic(found: UInt32, expected: IDXKind)
        /// The element type byte is not 0x08 (unsigned byte).
        case unsupportedElementType(UInt8)
        /// The product of the dimensions does not fit the size limit.
        case dimensionsTooLarge([Int])
        /// The data is shorter than the dimensions promise.
        case truncatedData(expected: Int, found: Int)
        /// Bytes follow the data the dimensions describe.
        case trailingBytes(count: Int)
        /// Images are not 28x28 pixels.
        case wrongImageSize(rows: Int, columns: Int)
        /// The file holds no samples.
        case noSamples
        /// A label is not a digit 0...9.
        case labelOutOfRange(label: Int, index: Int)
        /// The label file and the image file `imageFile` disagree on the sample count.
        case countMismatch(labels: Int, images: Int, imageFile: String)
    }

    public var description: String { "\(file): \(problem)" }
}

extension IDXError.Problem: CustomStringConvertible {
    public var description: String {
        switch self {
        case .missing:
            return "no such file (nor a .gz version of it)"
        case .cannotOpen(let reason):
            return "cannot open: \(reason)"
        case .notARegularFile:
            return "not a regular file"
        case .readFailed(let reason):
            return "read failed: \(reason)"
        case .tooLarge(let limit):
            return "larger than the limit of \(byteCount(limit)) for a data file"
        case .empty:
            return "file is empty"
        case .corruptGzip(let detail):
            return "corrupt gzip data (\(detail))"
        case .truncatedGzip:
            return "truncated gzip data (the stream ends before its end marker)"
        case .truncatedHeader(let bytes, let needed):
            return "truncated IDX header (\(bytes) bytes, need \(needed))"
        case .wrongMagic(let found, let expected):
            return "wrong magic number \(hex(found)) (expected \(hex(expected.magic)) for an IDX \(expected.noun) file)"
        case .unsupportedElementType(let type):
            return "IDX element type 0x\(hexDigits(UInt32(type), width: 2)) is not supported (expected 0x08, unsigned byte)"
        case .dimensionsTooLarge(let dimensions):
            return "dimensions \(dimensions.map(String.init).joined(separator: "x")) are too large"
        case .truncatedData(let expected, let found):
            return "truncated: the header promises \(expected) data bytes but only \(found) follow"
        case .trailingBytes(let count):
            return "\(count) unexpected trailing bytes after the data"
        case .wrongImageSize(let rows, let columns):
            return "images are \(rows)x\(columns) pixels (MNIST images are 28x28)"
        case .noSamples:
            return "holds no samples"
        case .labelOutOfRange(let label, let index):
            return "label \(label) at index \(index) is not a digit 0...9"
        case .countMismatch(let labels, let images, let imageFile):
            return "\(labels) labels but \(imageFile) holds \(images) images"
        }
    }
}

/// The two kinds of IDX file MNIST uses.
public enum IDXKind: Equatable, Sendable {
    /// `idx3-ubyte`: count x rows x columns unsigned bytes.
    case images
    /// `idx1-ubyte`: count unsigned bytes.
    case labels

    /// The number of dimensions after the magic number.
    var dimensionCount: Int { self == .images ? 3 : 1 }

    /// Two zero bytes, the element type 0x08 and the dimension count.
    var magic: UInt32 { 0x0000_0800 | UInt32(dimensionCount) }

    var noun: String { self == .images ? "image" : "label" }
}

private func byteCount(_ bytes: Int) -> String {
    if bytes >= 1 << 30 && bytes % (1 << 30) == 0 { return "\(bytes >> 30) GiB" }
    if bytes >= 1 << 20 && bytes % (1 << 20) == 0 { return "\(bytes >> 20) MiB" }
    return "\(bytes) bytes"
}

private func hex(_ value: UInt32) -> String { "0x" + hexDigits(value, width: 8) }

private func hexDigits(_ value: UInt32, width: Int) -> String {
    let digits = String(value, radix: 16, uppercase: false)
    return String(repeating: "0", count: max(0, width - digits.count)) + digits
}
