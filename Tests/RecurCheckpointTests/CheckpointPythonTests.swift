import Foundation
import RecurCore
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
}
