/// Samples held in two arrays: `inputs` (`count * sampleSize` floats,
/// sample-major) and `labels`.
public struct ArraySampleSource: SampleSource {
    public let inputs: [Float]
    public let labels: [Int32]
    public let sampleSize: Int

    public init(inputs: [Float], labels: [Int32], sampleSize: Int) {
        precondition(inputs.count == labels.count * sampleSize, "inputs must hold sampleSize floats per label")
        self.inputs = inputs
        self.labels = labels
        self.sampleSize = sampleSize
    }

    public func copySamples(_ indices: UnsafeBufferPointer<Int32>, inputs out: UnsafeMutablePointer<Float>, labels outLabels: UnsafeMutablePointer<Int32>) {
        inputs.withUnsafeBufferPointer { source in
            for (position, index) in indices.enumerated() {
                let sample = Int(index)
                (out + position * sampleSize).update(from: source.baseAddress! + sample * sampleSize, count: sampleSize)
                outLabels[position] = labels[sample]
            }
        }
    }
}
