@_spi(Kernels) import RecurCore
import Testing

/// `ComputeBackend.packWeights` (`packTransposedWeights`): transposed weights
/// and summed biases, the same bytes however the units are split.
@Suite struct PackWeightsTests {
    static let shapes = [
        ModelShape(inputSize: 3, sequenceLength: 5, hidden: 7, layers: 3, classes: 4),
        ModelShape(inputSize: 5, sequenceLength: 2, hidden: 33, layers: 2, classes: 3),
        ModelShape(inputSize: 28, sequenceLength: 1, hidden: 16, layers: 1, classes: 10),
    ]
    static let sentinel = Float(bitPattern: 0x7FC0_4321)

    /// Random parameters (padding zero) laid out for `shape`.
    static func parameters(_ shape: ModelShape) -> GuardedFloats {
        let layout = ParameterLayout(shape)
        var random = RecurRandom(seed: UInt64(shape.hidden))
        var values = [Float](repeating: 0, count: layout.count)
        for slot in layout.slots { for i in slot.range { values[i] = random.uniform(-1, 1) } }
        return GuardedFloats(values)
    }

    /// The packed buffer after packing every layer's units in `parts`
    /// contiguous runs, last run first, into sentinels.
    static func pack(_ variant: KernelVariant, _ shape: ModelShape, _ parameters: GuardedFloats, parts: Int) -> [Float] {
        let packed = GuardedFloats([Float](repeating: sentinel, count: PackedLayout(shape).count))
        for layer in (0..<shape.layers).reversed() {
            for part in (0..<parts).reversed() {
                let units = (shape.hidden * part / parts)..<(shape.hidden * (part + 1) / parts)
                variant.backend.packWeights(
                    layout: ParameterLayout(shape), packedLayout: PackedLayout(shape), parameters: parameters.pointer,
                    packed: packed.pointer, layer: layer, units: units)
            }
        }
        return packed.values
    }

    @Test(arguments: KernelVariant.supported, shapes)
    func transposesAndSumsBiases(variant: KernelVariant, shape: ModelShape) {
        let layout = ParameterLayout(shape), packedLayout = PackedLayout(shape)
        let parameters = Self.parameters(shape)
        let packed = Self.pack(variant, shape, parameters, parts: 1)
        var written = Set<Int>()
        let hidden = shape.hidden
        for layer in 0..<shape.layers {
            let target = packedLayout.layers[layer], input = shape.layerInputSize(layer)
            for j in 0..<hidden {
                for k in 0..<input {
                    let index = target.inputWeightT + k * hidden + j
                    written.insert(index)
                    #expect(packed[index] == parameters[layout.inputWeight(layer: layer).offset + j * input + k])
                }
                for k in 0..<hidden {
                    let index = target.recurrentWeightT + k * hidden + j
                    written.insert(index)
                    #expect(packed[index] == parameters[layout.recurrentWeight(layer: layer).offset + j * hidden + k])
                }
                written.insert(target.bias + j)
                let sum = parameters[layout.inputBias(layer: layer).offset + j]
                    + parameters[layout.recurrentBias(layer: layer).offset + j]
                #expect(packed[target.bias + j].bitPattern == sum.bitPattern)
            }
        }
        let strays = packed.indices.filter { !written.contains($0) && packed[$0].bitPattern != Self.sentinel.bitPattern }
        #expect(strays.isEmpty, "\(variant): wrote padding at \(strays.prefix(5))")
    }

    /// Units split into p runs, packed in any order, give exactly what one
    /// run gives, for run counts below, at and above the unit counts.
    @Test(arguments: KernelVariant.supported, shapes)
    func partsGiveTheSameBytes(variant: KernelVariant, shape: ModelShape) {
        let parameters = Self.parameters(shape)
        let whole = Self.pack(variant, shape, parameters, parts: 1).map(\.bitPattern)
        for parts in [2, 3, 4, 7, 8, 40] {
            let split = Self.pack(variant, shape, parameters, parts: parts).map(\.bitPattern)
            #expect(split == whole, "\(variant): \(shape) in \(parts) parts")
        }
    }
}
