import RecurSystem
/// Why ``SafetensorsFile/readFile(path:)`` failed: the file could not be
/// read, or its contents are not a valid safetensors file.
public enum SafetensorsReadError: Error, Equatable, Sendable, CustomStringConvertible {
    case file(FileError)
    case content(SafetensorsError)

    public var description: String {
        switch self {
        case .file(let error): "\(error)"
        case .content(let error): "\(error)"
        }
    }
}

extension SafetensorsFile {
    /// Reads and validates the safetensors file at `path`.
    /// - Throws: ``FileError`` when the file cannot be read, ``SafetensorsError``
    ///   (naming `path`) when its contents are not a valid safetensors file.
    /// - Complexity: O(file size).
    public static func read(path: String) throws -> SafetensorsFile {
        do throws(SafetensorsReadError) {
            return try readFile(path: path)
        } catch {
            switch error {
            case .file(let error): throw error
            case .content(let error): throw error
            }
        }
    }

    /// Reads and validates the safetensors file at `path`, header first:
    /// the file must be a regular file (a FIFO or a device is refused without
    /// reading it); the 8-byte header length is read and checked against
    /// ``maximumHeaderLength`` and the file's size, then only the header is
    /// read and validated (see ``init(bytes:source:)``), and the tensor data
    /// is read only when the header's tensors tile exactly the rest of the
    /// file. A corrupt or hostile file therefore costs at most its header.
    /// - Throws: ``SafetensorsReadError``.
    /// - Complexity: O(file size) for a valid file, O(header) otherwise.
    public static func readFile(path: String) throws(SafetensorsReadError) -> SafetensorsFile {
        let file: ReadOnlyFile
        do throws(ReadOnlyFile.Failure) { file = try ReadOnlyFile(path: path) } catch { throw .file(FileError(error, path: path)) }
        let (header, bufferSize) = try headerBytes(of: file)
        let parsed: ParsedHeader
        do throws(SafetensorsError) {
            parsed = try ParsedHeader(header: header, bufferSize: bufferSize, source: path)
        } catch {
            throw .content(error)
        }
        let buffer: [UInt8]
        do throws(ReadOnlyFile.Failure) {
            buffer = try file.read(count: bufferSize, at: 8 + header.count)
        } catch {
            throw .file(FileError(error, path: path))
        }
        do throws(SafetensorsError) {
            return try parsed.file(buffer: buffer[...])
        } catch {
            throw .content(error)
        }
    }

    /// The `__metadata__` of the safetensors file at `path`, reading and
    /// validating its header only (the data is not read).
    /// - Throws: ``SafetensorsReadError``.
    public static func readMetadata(path: String) throws(SafetensorsReadError) -> [String: String] {
        let file: ReadOnlyFile
        do throws(ReadOnlyFile.Failure) { file = try ReadOnlyFile(path: path) } catch { throw .file(FileError(error, path: path)) }
        let (header, bufferSize) = try headerBytes(of: file)
        do throws(SafetensorsError) {
            return try ParsedHeader(header: header, bufferSize: bufferSize, source: path).metadata
        } catch {
            throw .content(error)
        }
    }

    /// The header of `file` and the size of the data buffer after it, with
    /// the length checked before the header is read.
    private static func headerBytes(
        of file: borrowing ReadOnlyFile
    ) throws(SafetensorsReadError) -> (header: [UInt8], bufferSize: Int) {
        let prefix: [UInt8]
        do throws(ReadOnlyFile.Failure) {
            prefix = file.size >= 8 ? try file.read(count: 8, at: 0) : []
        } catch {
            throw .file(FileError(error, path: file.path))
        }
        let length: Int
        do throws(SafetensorsError) {
            length = try headerLength(prefix, fileSize: file.size, source: file.path)
        } catch {
            throw .content(error)
        }
        do throws(ReadOnlyFile.Failure) {
            return (try file.read(count: length, at: 8), file.size - 8 - length)
        } catch {
            throw .file(FileError(error, path: file.path))
        }
    }

    /// Parses and validates the bytes of a safetensors file.
    ///
    /// Checks, in order: the 8-byte header length and that the header fits the
    /// file and ``maximumHeaderLength``; that the header is UTF-8 JSON holding
    /// an object; for each tensor, a known dtype, a shape without negative
    /// entries whose byte size fits `Int`, and `data_offsets` spanning exactly
    /// that many bytes inside the data buffer; that `__metadata__`, if present,
    /// maps strings to strings; and that the tensors tile the data buffer
    /// exactly, without overlaps or uncovered bytes.
    ///
    /// ``names`` lists the tensors in data order.
    /// - Parameter source: names the bytes in error messages (``read(path:)`` passes the path).
    /// - Throws: ``SafetensorsError`` naming `source` and the first problem found.
    /// - Complexity: O(`bytes.count` + t log t) for t tensors.
    public init(bytes: [UInt8], source: String = "in-memory safetensors") throws(SafetensorsError) {
        let headerLength = try Self.headerLength(Array(bytes.prefix(8)), fileSize: bytes.count, source: source)
        let header = Array(bytes[8..<(8 + headerLength)])
        let parsed = try ParsedHeader(header: header, bufferSize: bytes.count - 8 - headerLength, source: source)
        self = try parsed.file(buffer: bytes[(8 + headerLength)...])
    }

    /// The header length the first bytes of a file of `fileSize` bytes
    /// declare, checked against ``maximumHeaderLength`` and the file's size.
    static func headerLength(_ prefix: [UInt8], fileSize: Int, source: String) throws(SafetensorsError) -> Int {
        func fail(_ reason: SafetensorsError.Reason) -> SafetensorsError {
            SafetensorsError(source: source, reason: reason)
        }
        guard fileSize >= 8, prefix.count >= 8 else { throw fail(.fileTooShort(byteCount: fileSize)) }
        let declaredLength = prefix[0..<8].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        guard declaredLength <= UInt64(Self.maximumHeaderLength) else {
            throw fail(.headerTooLarge(headerLength: declaredLength))
        }
        let headerLength = Int(declaredLength)
        guard headerLength <= fileSize - 8 else {
            throw fail(.headerLengthBeyondFile(headerLength: declaredLength, fileSize: fileSize))
        }
        return headerLength
    }

    /// A validated header: the metadata and the tensors' entries in data order.
    struct ParsedHeader {
        var source: String
        var metadata: [String: String]
        fileprivate var entries: [Entry]

        init(header: [UInt8], bufferSize: Int, source: String) throws(SafetensorsError) {
            func fail(_ reason: SafetensorsError.Reason) -> SafetensorsError {
                SafetensorsError(source: source, reason: reason)
            }
            guard String(validating: header, as: UTF8.self) != nil else { throw fail(.headerNotUTF8) }
            let json: JSONValue
            do throws(JSONSyntaxError) {
                json = try JSONParser.parse(header)
            } catch {
                throw fail(.headerNotJSON(message: error.message, offset: error.offset))
            }
            guard case .object(let members) = json else { throw fail(.headerNotObject) }
            var metadata: [String: String] = [:]
            var entries: [Entry] = []
            do throws(Invalid) {
                for (key, value) in members {
                    if key == SafetensorsFile.metadataKey {
                        metadata = try SafetensorsFile.parseMetadata(value)
                    } else {
                        entries.append(try Entry(name: key, value: value, bufferSize: bufferSize))
                    }
                }
                try SafetensorsFile.checkTiling(of: &entries, bufferSize: bufferSize)
            } catch {
                throw fail(error.reason)
            }
            (self.source, self.metadata, self.entries) = (source, metadata, entries)
        }

        /// The file, with each tensor's bytes taken from `buffer` (the data
        /// buffer, indexed from its own start index).
        func file(buffer: ArraySlice<UInt8>) throws(SafetensorsError) -> SafetensorsFile {
            var file = SafetensorsFile(metadata: metadata, source: source)
            let start = buffer.startIndex
            for entry in entries {
                let tensorBytes = Array(buffer[(start + entry.begin)..<(start + entry.end)])
                do throws(TensorError) {
                    try file.set(Tensor(dtype: entry.dtype, shape: entry.shape, bytes: tensorBytes), named: entry.name)
                } catch {
                    throw SafetensorsError(source: source, reason: .unexpectedTensor(entry.name, error))
                }
            }
            return file
        }
    }

    /// One tensor's header entry, validated on its own.
    fileprivate struct Entry {
        var name: String
        var dtype: DType
        var shape: [Int]
        var begin: Int
        var end: Int

        init(name: String, value: JSONValue, bufferSize: Int) throws(Invalid) {
            func malformed(_ problem: String) -> Invalid {
                Invalid(.malformedEntry(tensor: name, problem: problem))
            }
            guard case .object(let fields) = value else { throw malformed("entry is \(value.kind), not an object") }
            var dtypeName: String?
            var shape: [Int]?
            var offsets: [Int]?
            for (field, fieldValue) in fields {
                switch field {
                case "dtype":
                    guard case .string(let text) = fieldValue else { throw malformed("dtype is \(fieldValue.kind), not a string") }
                    dtypeName = text
                case "shape":
                    guard let dimensions = Self.integers(fieldValue) else { throw malformed("shape is not an array of integers") }
                    shape = dimensions
                case "data_offsets":
                    guard let pair = Self.integers(fieldValue), pair.count == 2, pair[0] >= 0, pair[1] >= 0 else {
                        throw malformed("data_offsets is not an array of two non-negative integers")
                    }
                    offsets = pair
                default:
                    throw malformed("unexpected field '\(field)'")
                }
            }
            guard let dtypeName else { throw malformed("missing field 'dtype'") }
            guard let shape else { throw malformed("missing field 'shape'") }
            guard let offsets else { throw malformed("missing field 'data_offsets'") }
            guard let dtype = DType(rawValue: dtypeName) else { throw Invalid(.unknownDType(tensor: name, dtype: dtypeName)) }
            guard let byteCount = Tensor.byteCount(dtype: dtype, shape: shape) else {
                throw Invalid(.invalidShape(tensor: name, shape: shape))
            }
            let (begin, end) = (offsets[0], offsets[1])
            guard begin <= end, end - begin == byteCount else {
                throw Invalid(.dataSizeMismatch(tensor: name, dtype: dtype, shape: shape, begin: begin, end: end))
            }
            guard end <= bufferSize else { throw Invalid(.offsetsOutOfBuffer(tensor: name, end: end, bufferSize: bufferSize)) }
            (self.name, self.dtype, self.shape, self.begin, self.end) = (name, dtype, shape, begin, end)
        }

        private static func integers(_ value: JSONValue) -> [Int]? {
            guard case .array(let elements) = value else { return nil }
            var result: [Int] = []
            for element in elements {
                guard case .integer(let number) = element else { return nil }
                result.append(number)
            }
            return result
        }
    }

    private static func parseMetadata(_ value: JSONValue) throws(Invalid) -> [String: String] {
        guard case .object(let members) = value else { throw Invalid(.metadataNotObject) }
        var metadata: [String: String] = [:]
        for (key, member) in members {
            guard case .string(let text) = member else { throw Invalid(.metadataNotString(key: key)) }
            metadata[key] = text
        }
        return metadata
    }

    /// Sorts `entries` into data order and checks that they cover
    /// `0..<bufferSize` exactly once.
    private static func checkTiling(of entries: inout [Entry], bufferSize: Int) throws(Invalid) {
        entries.sort {
            ($0.begin, $0.end) != ($1.begin, $1.end)
                ? ($0.begin, $0.end) < ($1.begin, $1.end)
                : $0.name.utf8.lexicographicallyPrecedes($1.name.utf8)
        }
        var covered = 0
        var previous: String?
        for entry in entries {
            if entry.begin < covered, let previous { throw Invalid(.overlappingTensors(previous, entry.name)) }
            if entry.begin > covered { throw Invalid(.uncoveredBytes(begin: covered, end: entry.begin)) }
            covered = entry.end
            previous = entry.name
        }
        if covered < bufferSize { throw Invalid(.uncoveredBytes(begin: covered, end: bufferSize)) }
    }
}

/// A problem found while validating, before the file's name is attached.
private struct Invalid: Error {
    var reason: SafetensorsError.Reason
    init(_ reason: SafetensorsError.Reason) { self.reason = reason }
}
