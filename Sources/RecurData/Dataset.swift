/// Labelled images held in memory as floats, ready to be batched.
///
/// Pixels are stored sample-major: sample `i` occupies
/// `pixels[i * sampleSize ..< (i + 1) * sampleSize]`, row-major, so row `t`
/// of an image is time step `t` of its sequence.
public struct Dataset: Sendable {
    /// Rows per image (time steps per sequence).
    public let rows: Int
    /// Columns per image (features per time step).
    public let columns: Int
    /// `count * rows * columns` values in `[0, 1]`: the 8-bit pixel / 255.
    public let pixels: [Float]
    /// One class label per sample.
    public let labels: [Int32]

    /// A dataset of `labels.count` samples of `rows x columns` pixels each.
    /// - Precondition: `pixels.count == labels.count * rows * columns`.
    public init(rows: Int, columns: Int, pixels: [Float], labels: [Int32]) {
        precondition(rows > 0 && columns > 0, "Dataset: rows and columns must be positive")
        precondition(pixels.count == labels.count * rows * columns, "Dataset: \(pixels.count) pixels do not make \(labels.count) images of \(rows)x\(columns)")
        self.rows = rows
        self.columns = columns
        self.pixels = pixels
        self.labels = labels
    }

    /// The number of samples.
    public var count: Int { labels.count }

    /// Floats per sample: `rows * columns`.
    public var sampleSize: Int { rows * columns }

    /// Copies the samples at `indices`, in order, to `inputs`
    /// (`indices.count * sampleSize` floats, contiguous) and their labels to
    /// `labels` (`indices.count` values).
    /// - Precondition: every index is in `0..<count`.
    /// - Complexity: O(`indices.count * sampleSize`).
    public func gather(_ indices: some Collection<Int32>, inputs: UnsafeMutablePointer<Float>, labels: UnsafeMutablePointer<Int32>) {
        let size = sampleSize
        pixels.withUnsafeBufferPointer { source in
            guard let base = source.baseAddress else { return }
            for (slot, index) in indices.enumerated() {
                let sample = Int(index)
                precondition(sample >= 0 && sample < count, "Dataset.gather: index \(sample) is outside 0..<\(count)")
                (inputs + slot * size).update(from: base + sample * size, count: size)
                labels[slot] = self.labels[sample]
            }
        }
    }
}
