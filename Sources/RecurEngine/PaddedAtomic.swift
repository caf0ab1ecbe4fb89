import Atomics

/// A 64-bit atomic alone on its own 128-byte block (two cache lines, covering
/// adjacent-line prefetch), so threads spinning on it share the line with
/// nothing else.
final class PaddedAtomic: @unchecked Sendable {
    private static let blockBytes = 128
    private let block: UnsafeMutableRawPointer
    /// The atomic value.
    let value: UnsafeAtomic<UInt64>

    init(_ initial: UInt64) {
        block = UnsafeMutableRawPointer.allocate(byteCount: Self.blockBytes, alignment: Self.blockBytes)
        let storage = block.bindMemory(to: UnsafeAtomic<UInt64>.Storage.self, capacity: 1)
        storage.initialize(to: UnsafeAtomic<UInt64>.Storage(initial))
        value = UnsafeAtomic(at: storage)
    }

    deinit {
        block.assumingMemoryBound(to: UnsafeAtomic<UInt64>.Storage.self).deinitialize(count: 1)
        block.deallocate()
    }
}
