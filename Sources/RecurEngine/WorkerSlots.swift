/// A fixed number of values, one per worker (or per shard), that jobs write
/// concurrently: each slot is written by one thread at a time and read after
/// `WorkerPool.run` returns. Unlike a Swift array in a shared property,
/// writing a slot touches no reference count and no other slot.
public final class WorkerSlots<Value>: @unchecked Sendable {
    private let storage: UnsafeMutableBufferPointer<Value>

    public init(count: Int, initial: Value) {
        storage = .allocate(capacity: count)
        storage.initialize(repeating: initial)
    }

    deinit {
        storage.deinitialize()
        storage.deallocate()
    }

    public var count: Int { storage.count }

    /// A copy of every slot's value.
    public var values: [Value] { Array(storage) }

    public subscript(slot: Int) -> Value {
        get { storage[slot] }
        set { storage[slot] = newValue }
    }
}
