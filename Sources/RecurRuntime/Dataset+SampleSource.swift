import RecurData
import RecurEngine

extension Dataset: SampleSource {
    public func copySamples(_ indices: UnsafeBufferPointer<Int32>, inputs: UnsafeMutablePointer<Float>, labels: UnsafeMutablePointer<Int32>) {
        gather(indices, inputs: inputs, labels: labels)
    }

    public var hasLengths: Bool { lengths != nil }

    public func copyLengths(_ indices: UnsafeBufferPointer<Int32>, into out: UnsafeMutablePointer<Int32>) {
        guard let lengths else { preconditionFailure("Dataset.copyLengths: the samples have no lengths of their own") }
        for (position, index) in indices.enumerated() { out[position] = lengths[Int(index)] }
    }
}
