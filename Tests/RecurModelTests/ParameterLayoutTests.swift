import RecurCore
import RecurModel
import RecurSafetensors
import RecurTestSupport
import Testing

/// `ParameterLayout`: PyTorch's names, order and shapes, aligned offsets.
@Suite struct ParameterLayoutTests {
    /// `nn.RNN`, `nn.LSTM` (4 gate blocks) or `nn.GRU` (3) then `nn.Linear`
    /// over every step or the last, in `state_dict()` order.
    static func pytorchNamesAndShapes(_ shape: ModelShape) -> [(String, [Int])] {
        let gates = [RecurrentCell.lstm: 4, .gru: 3][shape.cell, default: 1] * shape.hidden
        var expected: [(String, [Int])] = []
        for layer in 0..<shape.layers {
            let input = layer == 0 ? shape.inputSize : shape.hidden
            expected += [
                ("rnn.weight_ih_l\(layer)", [gates, input]), ("rnn.weight_hh_l\(layer)", [gates, shape.hidden]),
                ("rnn.bias_ih_l\(layer)", [gates]), ("rnn.bias_hh_l\(layer)", [gates]),
            ]
        }
        let features = shape.head == .allSteps ? shape.sequenceLength * shape.hidden : shape.hidden
        return expected + [("fc.weight", [shape.classes, features]), ("fc.bias", [shape.classes])]
    }

    @Test(arguments: TestModels.shapes + [.mnist])
    func namesShapesAndOffsets(shape: ModelShape) {
        let layout = ParameterLayout(shape)
        #expect(layout.slots.map(\.name) == Self.pytorchNamesAndShapes(shape).map(\.0))
        #expect(layout.slots.map(\.shape) == Self.pytorchNamesAndShapes(shape).map(\.1))
        var end = 0
        for slot in layout.slots {
            #expect(slot.offset % ParameterLayout.alignment == 0, "\(slot.name) at \(slot.offset)")
            #expect(slot.offset >= end && slot.offset - end < ParameterLayout.alignment, "\(slot.name) at \(slot.offset) after \(end)")
            end = slot.offset + slot.count
        }
        #expect(layout.count >= end + ParameterLayout.alignment)
        #expect(layout.count == ParameterLayout.roundUp(end) + ParameterLayout.alignment)
        #expect(layout.parameterCount == layout.slots.reduce(0) { $0 + $1.count })
        for layer in 0..<shape.layers {
            #expect(layout.inputWeight(layer: layer).name == "rnn.weight_ih_l\(layer)")
            #expect(layout.recurrentWeight(layer: layer).name == "rnn.weight_hh_l\(layer)")
            #expect(layout.inputBias(layer: layer).name == "rnn.bias_ih_l\(layer)")
            #expect(layout.recurrentBias(layer: layer).name == "rnn.bias_hh_l\(layer)")
        }
        #expect(layout.outputWeight.name == "fc.weight" && layout.outputBias.name == "fc.bias")
    }

    /// 276,490 parameters, as `sum(p.numel() for p in model.parameters())`.
    @Test func mnistParameterCount() {
        #expect(ParameterLayout(.mnist).parameterCount == 276_490)
    }

    /// The fixture's parameter tensors (what PyTorch's `state_dict()` holds)
    /// have exactly the layout's names and shapes.
    @Test func matchesPyTorchStateDict() throws {
        let fixture = try PyTorchFixture.named("rnn-h32-l2-b8.safetensors")
        let layout = ParameterLayout(fixture.shape)
        let stateDict = fixture.file.names.filter { $0.hasPrefix("rnn.") || $0.hasPrefix("fc.") }
        #expect(Set(stateDict) == Set(layout.slots.map(\.name)))
        for slot in layout.slots {
            #expect(try fixture.file.tensor(named: slot.name).shape == slot.shape, "\(slot.name)")
        }
    }
}

@Test("Layer 0's input weight gradient is computed transposed where its rows waste more lanes than the gates'")
func inputWeightGradientTransposition() {
    let mnist = ModelShape.mnist
    #expect(mnist.transposesInputWeightGradient(layer: 0))  // 28 inputs: 28 of 32 lanes
    #expect(!mnist.transposesInputWeightGradient(layer: 1))  // 256 inputs: whole vectors
    #expect(ModelShape(cell: .lstm).transposesInputWeightGradient(layer: 0))
    // Hidden 19 wastes more lanes than 32 inputs; a GRU's 57 gate rows fewer than 18 inputs.
    #expect(!ModelShape(inputSize: 32, sequenceLength: 6, hidden: 19).transposesInputWeightGradient(layer: 0))
    #expect(ModelShape(inputSize: 18, sequenceLength: 6, hidden: 19, cell: .gru).transposesInputWeightGradient(layer: 0))
}
