import Foundation
import RecurCore
import RecurSafetensors
import RecurTestSupport
import Testing

/// The model description drives the layout for every cell and head: the
/// tensors PyTorch's `nn.RNN`, `nn.LSTM` and `nn.GRU` state dicts hold.
@Suite struct ModelDescriptionTests {
    /// Every fixture of another cell or head, with the shape its metadata describes.
    static let references: [(file: String, shape: ModelShape)] = [
        ("lstm-h32-l2-b8.safetensors", ModelShape(hidden: 32, layers: 2, cell: .lstm)),
        ("gru-h32-l2-b8.safetensors", ModelShape(hidden: 32, layers: 2, cell: .gru)),
        ("rnn-relu-h32-l2-b8.safetensors", ModelShape(hidden: 32, layers: 2, cell: .rnnReLU)),
        ("gru-h64-l1-b16-last.safetensors", ModelShape(hidden: 64, layers: 1, cell: .gru, head: .lastStep)),
        (
            "seq-rnn-i40-t6-c3-h24-last.safetensors",
            ModelShape(inputSize: 40, sequenceLength: 6, hidden: 24, layers: 1, classes: 3, head: .lastStep)
        ),
    ]

    @Test(arguments: references.map(\.file))
    func layoutHasPyTorchsTensors(file: String) throws {
        let shape = try #require(Self.references.first { $0.file == file }).shape
        let reference = try SafetensorsFile.read(path: try Fixtures.require(file))
        #expect(reference.metadata["cell"] == shape.cell.rawValue)
        #expect(reference.metadata["head"] == shape.head.rawValue)
        let layout = ParameterLayout(shape)
        for slot in layout.slots {
            let tensor = try #require(reference.tensors[slot.name], "\(file) has no \(slot.name)")
            #expect(tensor.shape == slot.shape, "\(file): \(slot.name)")
        }
        let referenceParameters = reference.tensors.keys.filter { $0.hasPrefix("rnn.") || $0.hasPrefix("fc.") }
        #expect(Set(referenceParameters) == Set(layout.slots.map(\.name)))
    }

    @Test func gateRowsAndHeadFeatures() {
        #expect(ModelShape(hidden: 8, cell: .lstm).gateRows == 32)
        #expect(ModelShape(hidden: 8, cell: .gru).gateRows == 24)
        #expect(ModelShape(hidden: 8, cell: .rnnReLU).gateRows == 8)
        #expect(ModelShape(sequenceLength: 5, hidden: 8).headFeatures == 40)
        #expect(ModelShape(sequenceLength: 5, hidden: 8, head: .lastStep).headFeatures == 8)
    }

    /// FLOPs scale with the gate count in the recurrent layers only.
    @Test func flopsCountEveryGate() {
        let rnn = ModelShape.mnist
        var lstm = rnn
        lstm.cell = .lstm
        let head = 2.0 * 3 * Double(rnn.headFeatures * rnn.classes)
        #expect(lstm.flopsPerSample - head == 4 * (rnn.flopsPerSample - head))
        // The seed model's figure, as the README and the bench state it.
        #expect((rnn.flopsPerSample / 1e4).rounded() / 100 == 34.26)
    }

    /// A GRU keeps its recurrent bias (all three gates) apart in the packed copy.
    @Test func packedLayoutPerCell() {
        let gru = PackedLayout(ModelShape(inputSize: 3, sequenceLength: 2, hidden: 16, layers: 2, cell: .gru))
        #expect(gru.layers.allSatisfy { $0.recurrentBias != nil })
        let lstm = PackedLayout(ModelShape(inputSize: 3, sequenceLength: 2, hidden: 16, layers: 2, cell: .lstm))
        #expect(lstm.layers.allSatisfy { $0.recurrentBias == nil })
        // Layer 0: W_ihᵀ (3 rows of one 64-column panel), W_hhᵀ (16 rows), W_hh
        // (64 rows of one panel of 16 columns, padded to 64), no W_ih, the bias.
        #expect(lstm.layers[0].inputWeight == nil && lstm.layers[1].inputWeight != nil)
        #expect(lstm.layers[1].inputWeightT - lstm.layers[0].inputWeightT == 3 * 64 + 16 * 64 + 64 * 64 + 64)
    }

    @Test func codableWithCellAndHead() throws {
        let lstm = ModelShape(hidden: 64, layers: 1, cell: .lstm, head: .lastStep)
        #expect(try JSONDecoder().decode(ModelShape.self, from: JSONEncoder().encode(lstm)) == lstm)
    }

    @Test func descriptionNamesCellAndHead() {
        #expect(ModelShape.mnist.description == "RNN(28->256 x2, tanh, 28 steps) -> Linear(7168->10)")
        #expect(
            ModelShape(hidden: 64, layers: 1, cell: .gru, head: .lastStep).description
                == "GRU(28->64 x1, 28 steps) -> last step -> Linear(64->10)")
    }
}
