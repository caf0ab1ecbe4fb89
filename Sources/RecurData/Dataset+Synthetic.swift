import RecurCore

extension Dataset {
    /// `count` samples of 28x28 pixels uniform in `[0, 1)` with labels
    /// uniform in 0...9, the same for the same `seed`: a stand-in for MNIST
    /// where speed, not accuracy, is measured.
    /// - Complexity: O(`count * 784`).
    public static func synthetic(count: Int, seed: UInt64) -> Dataset {
        precondition(count >= 0, "Dataset.synthetic: count must not be negative")
        var random = RecurRandom(seed: seed)
        let size = 28 * 28
        let pixels = [Float](unsafeUninitializedCapacity: count * size) { buffer, initialized in
            for i in 0..<buffer.count { buffer[i] = random.uniform(0, 1) }
            initialized = buffer.count
        }
        let labels = (0..<count).map { _ in Int32(truncatingIfNeeded: random.next() % 10) }
        return Dataset(rows: 28, columns: 28, pixels: pixels, labels: labels)
    }
}
