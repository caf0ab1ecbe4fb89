/// Samples held in arrays: `inputs` (`count * sampleSize` floats,
/// sample-major), `labels`, and optionally each sample's length.
public struct ArraySampleSource: SampleSource {
    public let inputs: [Float]
    public let labels: [Int32]
    public let lengths: [Int32]?
    public let sampleSize: Int

    public init(inputs: [Float], labels: [Int32], lengths: [Int32]? = nil, sampleSize: Int) {
        precondition(inputs.count == labels.count * sampleSize, "inputs must hold sampleSize floats per label")
        precondition(lengths == nil || lengths?.count == labels.count, "lengths must hold one length per label")
        self.inputs = inputs
        self.labels = labels
        self.lengths = lengths
        self.sampleSize = sampleSize
    }

    public var hasLengths: Bool { lengths != nil }

    public func copyLengths(_ indices: UnsafeBufferPointer<Int32>, into out: UnsafeMutablePointer<Int32>) {
        guard let lengths else { preconditionFailure("ArraySampleSource has no lengths") }
        for (position, index) in indices.enumerated() { out[position] = lengths[Int(index)] }
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
