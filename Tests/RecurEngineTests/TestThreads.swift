import Foundation

/// Shared memory that test threads write without synchronisation of their own
/// (the code under test provides it).
final class SharedInts: @unchecked Sendable {
    let values: UnsafeMutableBufferPointer<Int>

    init(count: Int, repeating value: Int = 0) {
        values = .allocate(capacity: count)
        values.initialize(repeating: value)
    }

    deinit { values.deallocate() }

    subscript(index: Int) -> Int {
        get { values[index] }
        set { values[index] = newValue }
    }
}

/// Runs `body(thread)` on `count` new threads at once and waits for all.
func runOnThreads(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) {
    let done = DispatchGroup()
    for index in 0..<count {
        done.enter()
        Thread {
            body(index)
            done.leave()
        }.start()
    }
    done.wait()
}
