
/// A zero-filled, 64-byte-aligned buffer of floats that frees itself.
///
/// Kernels take its raw pointer; the class exists so buffers have one owner
/// and a lifetime, not to hide them.
public final class FloatBuffer: @unchecked Sendable {
    public let pointer: UnsafeMutablePointer<Float>
    public let count: Int

    /// - Complexity: O(count) (the zero fill).
    public init(count: Int) {
        let bytes = max(count, 1) * MemoryLayout<Float>.stride
        let raw = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64)
        raw.initializeMemory(as: UInt8.self, repeating: 0, count: bytes)
        pointer = raw.bindMemory(to: Float.self, capacity: max(count, 1))
        self.count = count
    }

    /// A copy of `other`'s contents.
    public convenience init(copying other: FloatBuffer) {
        self.init(count: other.count)
        pointer.update(from: other.pointer, count: count)
    }

    deinit { pointer.deallocate() }

    public var buffer: UnsafeMutableBufferPointer<Float> { .init(start: pointer, count: count) }

    public subscript(range: Range<Int>) -> [Float] { Array(buffer[range]) }

    /// Sets every element to zero.
    public func zero() { pointer.update(repeating: 0, count: count) }
}
