import RecurData
import Testing

@Suite struct DatasetTests {
    @Test func gatherCopiesChosenSamplesContiguously() {
        let dataset = Dataset.synthetic(count: 5, seed: 7)
        let indices: [Int32] = [2, 4, 0, 4]
        var inputs = [Float](repeating: -1, count: indices.count * 784)
        var labels = [Int32](repeating: -1, count: indices.count)
        dataset.gather(indices, inputs: &inputs, labels: &labels)
        for (slot, index) in indices.map(Int.init).enumerated() {
            #expect(Array(inputs[slot * 784..<(slot + 1) * 784]) == Array(dataset.values[index * 784..<(index + 1) * 784]))
            #expect(labels[slot] == dataset.labels[index])
        }
    }

    @Test func gatherAcceptsASlice() {
        let dataset = Dataset.synthetic(count: 4, seed: 1)
        let order: [Int32] = [3, 2, 1, 0]
        var inputs = [Float](repeating: 0, count: 2 * 784)
        var labels = [Int32](repeating: 0, count: 2)
        dataset.gather(order[1..<3], inputs: &inputs, labels: &labels)
        #expect(Array(inputs[0..<784]) == Array(dataset.values[2 * 784..<3 * 784]))
        #expect(labels == [dataset.labels[2], dataset.labels[1]])
    }

    @Test func syntheticIsSeededAndInRange() {
        let a = Dataset.synthetic(count: 200, seed: 42)
        let b = Dataset.synthetic(count: 200, seed: 42)
        let c = Dataset.synthetic(count: 200, seed: 43)
        #expect(a.count == 200 && a.steps == 28 && a.features == 28 && a.sampleSize == 784)
        #expect(a.values.count == 200 * 784)
        #expect(a.values == b.values && a.labels == b.labels)
        #expect(a.values != c.values)
        #expect(a.values.allSatisfy { $0 >= 0 && $0 < 1 })
        #expect(a.labels.allSatisfy { (0...9).contains($0) })
        #expect(Set(a.labels).count == 10)
    }
}
