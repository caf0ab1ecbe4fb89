import RecurSafetensors
import RecurTestSupport
import Testing

/// The PyTorch fixtures (see `../shared/README.md`), found by `Fixtures.require`.
@Suite struct FixtureTests {
    static let parameterNames = (0..<2).flatMap { layer in
        ["weight_ih", "weight_hh", "bias_ih", "bias_hh"].map { "rnn.\($0)_l\(layer)" }
    } + ["fc.weight", "fc.bias"]

    @Test func smallFixtureParses() throws {
        let path = try Fixtures.require("rnn-h32-l2-b8.safetensors")
        let file = try SafetensorsFile.read(path: path)
        try checkFixture(file, hidden: 32, batch: 8)
    }

    @Test func largeFixtureParses() throws {
        let path = try Fixtures.require("rnn-h256-l2-b64.safetensors")
        let file = try SafetensorsFile.read(path: path)
        try checkFixture(file, hidden: 256, batch: 64)
    }

    private func checkFixture(_ file: SafetensorsFile, hidden: Int, batch: Int) throws {
        #expect(file.metadata["hidden"] == "\(hidden)")
        #expect(file.metadata["layers"] == "2")
        #expect(file.metadata["batch"] == "\(batch)")
        #expect(file.metadata["adam_steps"] == "3")

        let shapes: [String: [Int]] = [
            "rnn.weight_ih_l0": [hidden, 28], "rnn.weight_hh_l0": [hidden, hidden],
            "rnn.weight_ih_l1": [hidden, hidden], "rnn.bias_hh_l1": [hidden],
            "fc.weight": [10, hidden * 28], "fc.bias": [10],
            "input": [batch, 28, 28], "expected.logits": [batch, 10], "expected.loss": [1], "adam.losses": [3],
        ]
        for (name, shape) in shapes {
            let tensor = try file.tensor(named: name, shape: shape)
            #expect(tensor.dtype == .F32, "\(name)")
        }
        for name in Self.parameterNames {
            let parameter = try file.tensor(named: name)
            #expect(try file.tensor(named: "grad." + name).shape == parameter.shape)
            #expect(try file.tensor(named: "adam." + name).shape == parameter.shape)
        }
        #expect(file.names.count == 3 * Self.parameterNames.count + 5)

        let targets = try file.int64s(named: "target", shape: [batch])
        #expect(targets.allSatisfy { (0..<10).contains($0) })
        let pixels = try file.floats(named: "input")
        #expect(pixels.allSatisfy { (0...1).contains($0) })
        #expect(try file.floats(named: "expected.loss")[0] > 0)

        let reparsed = try SafetensorsFile(bytes: file.serialized())
        #expect(reparsed.tensors == file.tensors)
        #expect(reparsed.metadata == file.metadata)
        #expect(reparsed.names == file.names)
    }
}
