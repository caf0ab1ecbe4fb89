import RecurData
import RecurEngine

extension Dataset: SampleSource {
    public func copySamples(_ indices: UnsafeBufferPointer<Int32>, inputs: UnsafeMutablePointer<Float>, labels: UnsafeMutablePointer<Int32>) {
        gather(indices, inputs: inputs, labels: labels)
    }
}
