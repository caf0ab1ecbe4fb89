@_spi(Kernels) import RecurCore
import Testing

/// `ComputeBackend.packWeights` (`packLayerWeights`): the weights in column
/// panels (`Wᵀ` for the forward products, `W` for BPTT and the gradient to
/// the layer below) and the biases, the same bytes however the units are split.
@Suite struct PackWeightsTests {
    static let shapes = [
        ModelShape(inputSize: 3, sequenceLength: 5, hidden: 7, layers: 3, classes: 4),
        ModelShape(inputSize: 5, sequenceLength: 2, hidden: 33, layers: 2, classes: 3),
        ModelShape(inputSize: 28, sequenceLength: 1, hidden: 16, layers: 1, classes: 10),
        ModelShape(inputSize: 70, sequenceLength: 2, hidden: 33, layers: 2, classes: 3, cell: .lstm),
        ModelShape(inputSize: 5, sequenceLength: 2, hidden: 23, layers: 2, classes: 3, cell: .gru),
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

    /// Where B(k, j) of a weight of `depth` rows in column panels of 64 is,
    /// written out here rather than taken from RecurCore.
    static func panelIndex(_ base: Int, depth: Int, k: Int, j: Int) -> Int {
        base + (j / 64) * depth * 64 + k * 64 + j % 64
    }

    @Test(arguments: KernelVariant.supported, shapes)
    func packsPanelsAndBiases(variant: KernelVariant, shape: ModelShape) {
        let layout = ParameterLayout(shape), packedLayout = PackedLayout(shape)
        let parameters = Self.parameters(shape)
        let packed = Self.pack(variant, shape, parameters, parts: 1)
        var written = Set<Int>()
        let hidden = shape.hidden, gates = shape.gateRows
        func expectPacked(_ index: Int, _ source: Int, _ what: String) {
            written.insert(index)
            #expect(packed[index].bitPattern == parameters[source].bitPattern, "\(variant) \(shape): \(what)")
        }
        for layer in 0..<shape.layers {
            let target = packedLayout.layers[layer], input = shape.layerInputSize(layer)
            let inputWeight = layout.inputWeight(layer: layer).offset
            let recurrentWeight = layout.recurrentWeight(layer: layer).offset
            #expect((target.inputWeight == nil) == (layer == 0))
            for row in 0..<gates {
                for k in 0..<input {
                    expectPacked(
                        Self.panelIndex(target.inputWeightT, depth: input, k: k, j: row), inputWeight + row * input + k,
                        "W_ihᵀ")
                    if let panels = target.inputWeight {
                        expectPacked(
                            Self.panelIndex(panels, depth: gates, k: row, j: k), inputWeight + row * input + k, "W_ih")
                    }
                }
                for k in 0..<hidden {
                    expectPacked(
                        Self.panelIndex(target.recurrentWeightT, depth: hidden, k: k, j: row),
                        recurrentWeight + row * hidden + k, "W_hhᵀ")
                    expectPacked(
                        Self.panelIndex(target.recurrentWeight, depth: gates, k: row, j: k),
                        recurrentWeight + row * hidden + k, "W_hh")
                }
                let inputBias = parameters[layout.inputBias(layer: layer).offset + row]
                let recurrentBias = parameters[layout.recurrentBias(layer: layer).offset + row]
                written.insert(target.bias + row)
                if let separate = target.recurrentBias {
                    written.insert(separate + row)
                    #expect(packed[target.bias + row].bitPattern == inputBias.bitPattern)
                    #expect(packed[separate + row].bitPattern == recurrentBias.bitPattern)
                } else {
                    #expect(packed[target.bias + row].bitPattern == (inputBias + recurrentBias).bitPattern)
                }
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
