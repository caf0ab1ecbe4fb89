import RecurCore
import RecurModel
import Testing

/// `Parameters(shape:seed:)`: PyTorch's default initialisation, from a seed.
@Suite struct ParameterInitialisationTests {
    static let shapes = TestModels.shapes + [.mnist]

    @Test(arguments: shapes)
    func sameSeedSameBits(shape: ModelShape) {
        let first = Parameters(shape: shape, seed: 42), second = Parameters(shape: shape, seed: 42)
        #expect(Array(first.storage.buffer).map(\.bitPattern) == Array(second.storage.buffer).map(\.bitPattern))
    }

    @Test(arguments: shapes)
    func otherSeedOtherValues(shape: ModelShape) {
        let first = Parameters(shape: shape, seed: 1), second = Parameters(shape: shape, seed: 2)
        for slot in first.layout.slots {
            let same = zip(first[slot], second[slot]).filter { $0 == $1 }.count
            #expect(same * 10 < slot.count + 10, "\(slot.name): \(same) of \(slot.count) equal")
        }
    }

    /// RNN tensors within ±1/√hidden, the linear layer's within
    /// ±1/√headFeatures, each spread over most of its range.
    @Test(arguments: shapes)
    func valuesWithinPyTorchBounds(shape: ModelShape) {
        let parameters = Parameters(shape: shape, seed: 7)
        for slot in parameters.layout.slots {
            let fanIn = slot.name.hasPrefix("fc.") ? shape.headFeatures : shape.hidden
            let bound = 1 / Float(fanIn).squareRoot()
            let values = Array(parameters[slot])
            #expect(values.allSatisfy { abs($0) <= bound }, "\(slot.name) outside ±\(bound)")
            if slot.count >= 30 {
                let largest = values.map { abs($0) }.max() ?? 0
                let mean = values.reduce(0, +) / Float(values.count)
                #expect(largest > 0.8 * bound, "\(slot.name): largest \(largest) of bound \(bound)")
                #expect(abs(mean) < 0.3 * bound, "\(slot.name): mean \(mean)")
                #expect(values.contains { $0 < 0 } && values.contains { $0 > 0 })
            }
        }
    }

    @Test(arguments: shapes)
    func paddingIsZero(shape: ModelShape) {
        let parameters = Parameters(shape: shape, seed: 3)
        var inside = Set<Int>()
        for slot in parameters.layout.slots { inside.formUnion(slot.range) }
        let storage = Array(parameters.storage.buffer)
        #expect(storage.count == parameters.layout.count)
        let nonZero = storage.indices.filter { !inside.contains($0) && storage[$0] != 0 }
        #expect(nonZero.isEmpty, "padding at \(nonZero.prefix(5))")
    }

    @Test func copyIsIndependent() {
        let original = Parameters(shape: TestModels.shapes[0], seed: 1)
        let copy = Parameters(copying: original)
        #expect(Array(copy.storage.buffer) == Array(original.storage.buffer))
        copy.pointer[0] += 1
        #expect(copy.pointer[0] != original.pointer[0])
    }

    @Test func namedViews() throws {
        let parameters = Parameters(shape: .mnist, seed: 1)
        let slot = try #require(parameters.layout["rnn.weight_hh_l1"])
        let view = try #require(parameters["rnn.weight_hh_l1"])
        #expect(view.baseAddress == parameters.pointer + slot.offset)
        #expect(view.count == 256 * 256)
        #expect(parameters["rnn.weight_hh_l2"] == nil)
    }
}
