/// One tensor of a safetensors file: its element type, shape and raw
/// little-endian bytes, row-major.
///
/// A `Tensor` always holds exactly `dtype.byteSize` times `elementCount`
/// bytes: every initializer checks it, so a file built from tensors can
/// always be serialized.
public struct Tensor: Equatable, Sendable {
    public let dtype: DType
    /// The dimensions, outermost first; `[]` is a scalar with one element.
    public let shape: [Int]
    /// The values as stored in the file: little-endian, row-major.
    public let bytes: [UInt8]

    /// A tensor from raw little-endian bytes.
    /// - Throws: ``TensorError/invalidShape(_:)`` or ``TensorError/byteCountMismatch(dtype:shape:byteCount:)``.
    public init(dtype: DType, shape: [Int], bytes: [UInt8]) throws(TensorError) {
        guard let expected = Self.byteCount(dtype: dtype, shape: shape) else {
            throw .invalidShape(shape)
        }
        guard expected == bytes.count else {
            throw .byteCountMismatch(dtype: dtype, shape: shape, byteCount: bytes.count)
        }
        self.dtype = dtype
        self.shape = shape
        self.bytes = bytes
    }

    /// An `F32` tensor holding `floats`; `shape` defaults to `[floats.count]`.
    /// - Throws: ``TensorError`` when `shape` does not have `floats.count` elements.
    /// - Complexity: O(`floats.count`).
    public init(floats: [Float], shape: [Int]? = nil) throws(TensorError) {
        try self.init(dtype: .F32, shape: shape ?? [floats.count], bytes: Self.littleEndianBytes(of: floats.map(\.bitPattern)))
    }

    /// An `I64` tensor holding `int64s`; `shape` defaults to `[int64s.count]`.
    /// - Throws: ``TensorError`` when `shape` does not have `int64s.count` elements.
    /// - Complexity: O(`int64s.count`).
    public init(int64s: [Int64], shape: [Int]? = nil) throws(TensorError) {
        try self.init(dtype: .I64, shape: shape ?? [int64s.count], bytes: Self.littleEndianBytes(of: int64s))
    }

    /// The number of elements: the product of `shape` (1 for a scalar).
    public var elementCount: Int { bytes.count / dtype.byteSize }

    /// The values of an `F32` tensor.
    /// - Throws: ``TensorError/dtypeMismatch(requested:actual:)`` for any other type.
    /// - Complexity: O(`elementCount`).
    public func floats() throws(TensorError) -> [Float] {
        guard dtype == .F32 else { throw .dtypeMismatch(requested: .F32, actual: dtype) }
        return Self.values(fromLittleEndian: bytes).map { (bits: UInt32) in Float(bitPattern: bits) }
    }

    /// The values of an `I64` tensor.
    /// - Throws: ``TensorError/dtypeMismatch(requested:actual:)`` for any other type.
    /// - Complexity: O(`elementCount`).
    public func int64s() throws(TensorError) -> [Int64] {
        guard dtype == .I64 else { throw .dtypeMismatch(requested: .I64, actual: dtype) }
        return Self.values(fromLittleEndian: bytes).map { (bits: UInt64) in Int64(bitPattern: bits) }
    }

    /// The number of bytes a `dtype` tensor of `shape` takes, or `nil` when a
    /// dimension is negative or the count overflows `Int`.
    public static func byteCount(dtype: DType, shape: [Int]) -> Int? {
        var count = dtype.byteSize
        for dimension in shape {
            guard dimension >= 0 else { return nil }
            let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
            guard !overflow else { return nil }
            count = product
        }
        return count
    }

    private static func littleEndianBytes<T: FixedWidthInteger>(of values: [T]) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(values.count * MemoryLayout<T>.size)
        for value in values {
            withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
        }
        return bytes
    }

    /// Reads `bytes` as consecutive little-endian `T`s; `bytes.count` is a
    /// multiple of `T`'s size (the initializers guarantee it).
    private static func values<T: FixedWidthInteger>(fromLittleEndian bytes: [UInt8]) -> [T] {
        let size = MemoryLayout<T>.size
        return bytes.withUnsafeBytes { raw in
            (0..<(raw.count / size)).map { index in
                T(littleEndian: raw.loadUnaligned(fromByteOffset: index * size, as: T.self))
            }
        }
    }
}
