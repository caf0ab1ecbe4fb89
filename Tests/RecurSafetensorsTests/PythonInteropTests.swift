import Foundation
import RecurSafetensors
import RecurTestSupport
import Testing

/// Files written here load in Python's `safetensors` and the other way round.
/// Skipped where `python3` with `safetensors` and `numpy` is not installed.
@Suite(.enabled(if: Python.hasSafetensors))
struct PythonInteropTests {
    @Test func pythonReadsOurFile() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("ours.safetensors")
        try sampleFile().write(to: path)
        let script = """
            import sys, json, numpy
            from safetensors import safe_open
            from safetensors.numpy import load_file
            t = load_file(sys.argv[1])
            with safe_open(sys.argv[1], framework="numpy") as f:
                meta = f.metadata()
            print(json.dumps({
                "weights": [repr(float(x)) for x in t["weights"].ravel()],
                "weights_shape": list(t["weights"].shape),
                "labels": [int(x) for x in t["labels"]],
                "scalar": float(t["scalar"]), "scalar_ndim": t["scalar"].ndim,
                "empty_shape": list(t["empty"].shape),
                "mask": [bool(x) for x in t["mask"]],
                "half": [float(x) for x in t["half"]],
                "unicode": [int(x) for x in t['ünïcode "name"']],
                "meta": meta,
            }, sort_keys=True))
            """
        let output = try Python.run(script, arguments: [path])
        let result = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
        #expect(result["weights"] as? [String] == ["1.0", "-2.5", "3.25", "inf", "-0.0", "1.0000000031710769e-30"])
        #expect(result["weights_shape"] as? [Int] == [2, 3])
        #expect(result["labels"] as? [Int] == [0, 9, -1, Int(Int64.max)])
        #expect(result["scalar"] as? Double == 42)
        #expect(result["scalar_ndim"] as? Int == 0)
        #expect(result["empty_shape"] as? [Int] == [0, 3])
        #expect(result["mask"] as? [Bool] == [true, false, true])
        #expect(result["half"] as? [Double] == [1, -2])
        #expect(result["unicode"] as? [Int] == [255])
        #expect(result["meta"] as? [String: String] == (try sampleFile()).metadata)
    }

    @Test func weReadPythonsFile() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("theirs.safetensors")
        let script = """
            import sys, numpy
            from safetensors.numpy import save_file
            save_file({
                "w": numpy.arange(6, dtype=numpy.float32).reshape(2, 3) / 4,
                "i": numpy.array([3, -7], dtype=numpy.int64),
                "b": numpy.array([1, 2, 3], dtype=numpy.uint8),
            }, sys.argv[1], metadata={"epoch": "2"})
            """
        _ = try Python.run(script, arguments: [path])
        let file = try SafetensorsFile.read(path: path)
        #expect(file.metadata == ["epoch": "2"])
        #expect(try file.floats(named: "w", shape: [2, 3]) == [0, 0.25, 0.5, 0.75, 1, 1.25])
        #expect(try file.int64s(named: "i") == [3, -7])
        #expect(try file.tensor(named: "b").bytes == [1, 2, 3])
        #expect(Set(file.names) == ["w", "i", "b"])
    }
}
