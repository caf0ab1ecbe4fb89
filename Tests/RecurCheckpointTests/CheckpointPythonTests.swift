import Foundation
import RecurCore
import RecurModel
import RecurSafetensors
import RecurTestSupport
import Testing

@testable import RecurCheckpoint

/// Checkpoints load in Python: with PyTorch, strictly into the notebook's
/// module with `load_state_dict`; without it, with `safetensors` and numpy
/// (names, shapes, dtypes and every value). Skipped where `python3` lacks
/// `safetensors` and `numpy`.
@Suite(.enabled(if: Python.hasSafetensors))
struct CheckpointPythonTests {
    @Test func pythonReadsAModelOnlyCheckpoint() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("model.safetensors")
        let shape = ModelShape(hidden: 8, layers: 2)  // the notebook's module, smaller
        let parameters = CheckpointSamples.parameters(shape)
        try Checkpoint.save(parameters: parameters, optimizer: nil, training: nil, to: path)

        // Python reads the file, reports what it found and writes the arrays
        // back with its own writer; with PyTorch it also loads them strictly.
        let copy = directory.file("copy.safetensors")
        let script = """
            import sys, json
            from safetensors import safe_open
            from safetensors.numpy import load_file, save_file
            tensors = load_file(sys.argv[1])
            with safe_open(sys.argv[1], framework="numpy") as f:
                metadata = f.metadata()
            save_file(tensors, sys.argv[2])
            result = {
                "names": sorted(tensors),
                "shapes": {name: list(t.shape) for name, t in tensors.items()},
                "dtypes": sorted({str(t.dtype) for t in tensors.values()}),
                "metadata": metadata,
                "torch": False,
            }
            try:
                import torch
            except ImportError:
                torch = None
            if torch is not None:
                from safetensors.torch import load_file as load_torch
                class Net(torch.nn.Module):
                    def __init__(self, hidden, layers):
                        super().__init__()
                        self.rnn = torch.nn.RNN(28, hidden, layers, batch_first=True)
                        self.fc = torch.nn.Linear(hidden * 28, 10)
                model = Net(int(metadata["hidden"]), int(metadata["layers"]))
                model.load_state_dict(load_torch(sys.argv[1]), strict=True)
                result["torch"] = bool(torch.equal(model.fc.bias, load_torch(sys.argv[1])["fc.bias"]))
            print(json.dumps(result))
            """
        let output = try Python.run(script, arguments: [path, copy])
        let result = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
        let layout = parameters.layout
        #expect(result["names"] as? [String] == layout.slots.map(\.name).sorted())
        #expect(
            result["shapes"] as? [String: [Int]]
                == Dictionary(uniqueKeysWithValues: layout.slots.map { ($0.name, $0.shape) }))
        #expect(result["dtypes"] as? [String] == ["float32"])
        #expect((result["metadata"] as? [String: String])?["format"] == "recur-checkpoint")
        if Python.hasTorch { #expect(result["torch"] as? Bool == true) }

        let roundTripped = try SafetensorsFile.read(path: copy)
        for slot in layout.slots {
            #expect(
                try roundTripped.floats(named: slot.name, shape: slot.shape).map(\.bitPattern)
                    == parameters.storage[slot.range].map(\.bitPattern))
        }
        // Python's file is a plain state dict: it loads with the shape inferred from the tensors.
        #expect(try Checkpoint.load(path: copy).shape == shape)
    }

    /// Every cell and head: a checkpoint loads strictly into `nn.RNN`,
    /// `nn.LSTM` or `nn.GRU` plus `nn.Linear`, whose logits on the same
    /// inputs are Recur's within float rounding; and PyTorch's state dict,
    /// saved back with safetensors, loads into Recur with the same shape.
    @Test(
        .enabled(if: Python.hasTorch, "needs python3 with torch, safetensors and numpy"),
        arguments: [
            ModelShape(inputSize: 5, sequenceLength: 4, hidden: 6, layers: 2, classes: 3, cell: .lstm),
            ModelShape(inputSize: 5, sequenceLength: 4, hidden: 6, layers: 2, classes: 3, cell: .gru, head: .lastStep),
            ModelShape(inputSize: 5, sequenceLength: 4, hidden: 6, layers: 1, classes: 3, cell: .lstm, head: .lastStep),
            ModelShape(inputSize: 5, sequenceLength: 4, hidden: 6, layers: 2, classes: 3, cell: .gru),
            ModelShape(inputSize: 5, sequenceLength: 4, hidden: 6, layers: 2, classes: 3, cell: .rnnReLU, head: .lastStep),
        ])
    func pytorchComputesTheSameLogits(shape: ModelShape) throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("model.safetensors"), data = directory.file("inputs.safetensors")
        let parameters = CheckpointSamples.parameters(shape, seed: 11)
        try Checkpoint.save(parameters: parameters, optimizer: nil, training: nil, to: path)
        var random = RecurRandom(seed: 12)
        let batch = 3
        let inputs = (0..<(batch * shape.sampleInputCount)).map { _ in random.uniform(-1, 1) }
        try SafetensorsFile(tensors: ["input": try Tensor(floats: inputs, shape: [batch, shape.sequenceLength, shape.inputSize])])
            .write(to: data)
        let logits = Model(parameters: parameters).lossAndGradients(inputs: inputs, labels: [0, 1, 2]).logits

        let saved = directory.file("pytorch.safetensors")
        let script = """
            import sys, json, torch
            from safetensors.torch import load_file, save_file
            from safetensors import safe_open
            with safe_open(sys.argv[1], framework="pt") as f:
                metadata = f.metadata()
            cell, head = metadata.get("cell", "rnn_tanh"), metadata.get("head", "all")
            hidden, layers = int(metadata["hidden"]), int(metadata["layers"])
            size, steps, classes = int(metadata["input_size"]), int(metadata["seq_len"]), int(metadata["classes"])
            class Net(torch.nn.Module):
                def __init__(self):
                    super().__init__()
                    if cell == "lstm":
                        self.rnn = torch.nn.LSTM(size, hidden, layers, batch_first=True)
                    elif cell == "gru":
                        self.rnn = torch.nn.GRU(size, hidden, layers, batch_first=True)
                    else:
                        self.rnn = torch.nn.RNN(size, hidden, layers, batch_first=True, nonlinearity=cell[4:])
                    self.fc = torch.nn.Linear(hidden * steps if head == "all" else hidden, classes)
                def forward(self, x):
                    out, _ = self.rnn(x)
                    return self.fc(out.reshape(x.shape[0], -1) if head == "all" else out[:, -1])
            model = Net()
            model.load_state_dict(load_file(sys.argv[1]), strict=True)
            with torch.no_grad():
                logits = model(load_file(sys.argv[2])["input"])
            save_file({k: v.contiguous() for k, v in model.state_dict().items()}, sys.argv[3])
            print(json.dumps(logits.flatten().tolist()))
            """
        let output = try Python.run(script, arguments: [path, data, saved])
        let pytorch = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [Double])
        #expect(pytorch.count == logits.count)
        let difference = zip(pytorch, logits).map { abs($0 - Double($1)) }.max() ?? .infinity
        #expect(difference <= 1e-5, "\(shape): largest logit difference \(difference)")
        // Without metadata, PyTorch's own file says LSTM or GRU by its 4H or 3H
        // rows; the head and the length are not in its tensors when it reads
        // the last step, so those take the shape's own.
        let reloaded = try Checkpoint.load(path: saved)
        #expect(reloaded.parameters.shape.cell == (shape.cell == .rnnReLU ? .rnnTanh : shape.cell))
        #expect(reloaded.parameters.shape.hidden == shape.hidden && reloaded.parameters.shape.layers == shape.layers)
    }
}
