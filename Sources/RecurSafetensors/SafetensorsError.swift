/// A safetensors file (or byte string) that is not valid, or lacks what was asked of it.
///
/// The description is one line naming the file and the problem, e.g.
/// `model.safetensors: tensor 'fc.bias' has data_offsets [0, 36] (36 bytes) but F32 [10] needs 40`.
public struct SafetensorsError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Reason: Equatable, Sendable {
        /// The file has fewer than the 8 bytes of the header length.
        case fileTooShort(byteCount: Int)
        /// The header length runs past the end of the file.
        case headerLengthBeyondFile(headerLength: UInt64, fileSize: Int)
        /// The header length is over ``SafetensorsFile/maximumHeaderLength``.
        case headerTooLarge(headerLength: UInt64)
        /// The header bytes are not valid UTF-8.
        case headerNotUTF8
        /// The header is not valid JSON (of the subset safetensors uses).
        case headerNotJSON(message: String, offset: Int)
        /// The header is valid JSON but not an object.
        case headerNotObject
        /// A field has the wrong JSON type, is missing, or is not expected.
        case malformedEntry(tensor: String, problem: String)
        /// A tensor's dtype is not one of ``DType``.
        case unknownDType(tensor: String, dtype: String)
        /// A tensor's shape has a negative entry, or its byte size overflows.
        case invalidShape(tensor: String, shape: [Int])
        /// A tensor's data_offsets are reversed, or their span differs from the shape's byte size.
        case dataSizeMismatch(tensor: String, dtype: DType, shape: [Int], begin: Int, end: Int)
        /// A tensor's data ends past the end of the byte buffer.
        case offsetsOutOfBuffer(tensor: String, end: Int, bufferSize: Int)
        /// Two tensors share bytes of the buffer.
        case overlappingTensors(String, String)
        /// Bytes of the buffer that no tensor covers (the format requires full coverage).
        case uncoveredBytes(begin: Int, end: Int)
        /// `__metadata__` is not an object.
        case metadataNotObject
        /// A `__metadata__` value is not a string.
        case metadataNotString(key: String)
        /// No tensor of that name in the file.
        case missingTensor(String)
        /// A tensor exists but does not have the type or shape asked for.
        case unexpectedTensor(String, TensorError)
    }

    /// The file's path, or a description of where the bytes came from.
    public var source: String
    public var reason: Reason

    public init(source: String, reason: Reason) {
        self.source = source
        self.reason = reason
    }

    public var description: String { "\(source): \(message)" }

    private var message: String {
        switch reason {
        case .fileTooShort(let byteCount):
            "file has \(byteCount) bytes, fewer than the 8-byte header length"
        case .headerLengthBeyondFile(let headerLength, let fileSize):
            "header length \(headerLength) runs past the end of the file (\(fileSize) bytes)"
        case .headerTooLarge(let headerLength):
            "header length \(headerLength) is over the \(SafetensorsFile.maximumHeaderLength)-byte limit"
        case .headerNotUTF8:
            "header is not valid UTF-8"
        case .headerNotJSON(let message, let offset):
            "header is not valid JSON: \(message) at byte \(offset) of the header"
        case .headerNotObject:
            "header is not a JSON object"
        case .malformedEntry(let tensor, let problem):
            "tensor '\(tensor)': \(problem)"
        case .unknownDType(let tensor, let dtype):
            "tensor '\(tensor)' has unknown dtype '\(dtype)' (known: "
                + DType.allCases.map(\.rawValue).joined(separator: ", ") + ")"
        case .invalidShape(let tensor, let shape):
            "tensor '\(tensor)' has shape \(shape) with a negative entry or too many elements"
        case .dataSizeMismatch(let tensor, let dtype, let shape, let begin, let end):
            "tensor '\(tensor)' has data_offsets [\(begin), \(end)] but \(dtype) \(shape) needs "
                + "\(Tensor.byteCount(dtype: dtype, shape: shape).map(String.init) ?? "too many") bytes"
        case .offsetsOutOfBuffer(let tensor, let end, let bufferSize):
            "tensor '\(tensor)' ends at byte \(end), past the \(bufferSize)-byte data buffer"
        case .overlappingTensors(let first, let second):
            "tensors '\(first)' and '\(second)' overlap in the data buffer"
        case .uncoveredBytes(let begin, let end):
            "bytes \(begin)..<\(end) of the data buffer belong to no tensor"
        case .metadataNotObject:
            "__metadata__ is not an object"
        case .metadataNotString(let key):
            "metadata value for '\(key)' is not a string"
        case .missingTensor(let name):
            "no tensor named '\(name)'"
        case .unexpectedTensor(let name, let error):
            "tensor '\(name)': \(error)"
        }
    }
}
