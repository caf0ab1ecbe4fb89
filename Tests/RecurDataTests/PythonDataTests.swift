import Foundation
import RecurTestSupport
import Testing

@testable import RecurData

/// Files as NumPy and Python's safetensors write them: `np.savez`,
/// `np.savez_compressed` (zip64 local headers, deflate) and
/// `safetensors.numpy.save_file`, in several dtypes. Skipped, loudly, where
/// `python3` lacks numpy or safetensors.
@Suite struct PythonDataTests {
    static let script = """
        import sys, numpy as np
        from safetensors.numpy import save_file
        out = sys.argv[1]
        rng = np.random.default_rng(3)
        x = rng.standard_normal((5, 7, 3))
        y = np.array([0, 2, 1, 2, 0])
        n = np.array([7, 3, 5, 1, 7])
        np.savez(out + "/plain.npz", train_inputs=x, train_labels=y, train_lengths=n, test_inputs=x[:2].astype(np.float32), test_labels=y[:2])
        np.savez_compressed(out + "/packed.npz", train_inputs=(x * 10).astype(np.int16), train_labels=y.astype(np.uint8), test_inputs=x[:1].astype(np.float32), test_labels=y[:1], classes=np.array(["red", "green", "blue"]))
        save_file({"train.inputs": x.astype(np.float32), "train.labels": y.astype(np.int64), "train.lengths": n.astype(np.int64), "test.inputs": x[:2].astype(np.float32), "test.labels": y[:2].astype(np.int64)}, out + "/d.safetensors", metadata={"classes": '["red","green","blue"]'})
        np.savez(out + "/half.npz", train_inputs=x.astype(np.float16), train_labels=y)
        np.save(out + "/x.npy", x.astype(np.float32))
        """

    @Test func numpyAndSafetensorsFilesReadAsTheyWereWritten() throws {
        guard Python.hasSafetensors else { try Fixtures.skip("python3 with numpy and safetensors is not available") }
        let directory = try TemporaryDirectory(prefix: "recur-python-data")
        _ = try Python.run(Self.script, arguments: [directory.path])
        let expected = try Python.run(
            "import numpy as np, sys; x = np.random.default_rng(3).standard_normal((5, 7, 3)); print(' '.join(repr(float(v)) for v in x.astype(np.float32).ravel()))"
        ).split(separator: " ").map { Float(String($0).trimmingCharacters(in: .whitespacesAndNewlines))! }
        let plain = try #require(try ArrayFile(path: directory.file("plain.npz")).dataset(split: "train"))
        #expect(plain.lengths == [7, 3, 5, 1, 7] && plain.labels == [0, 2, 1, 2, 0] && plain.classCount == 3)
        // Within each length the values are the file's (float64 rounded to float32), past it zero.
        for sample in 0..<5 {
            for k in 0..<21 {
                let inside = k < plain.length(of: sample) * 3
                #expect(plain.values[sample * 21 + k] == (inside ? expected[sample * 21 + k] : 0))
            }
        }
        let packed = try ArrayFile(path: directory.file("packed.npz"))
        #expect(packed.classNames == ["red", "green", "blue"])
        let ints = try #require(try packed.dataset(split: "train"))
        #expect(ints.values.allSatisfy { $0 == $0.rounded() } && ints.labels == [0, 2, 1, 2, 0])
        let safetensors = try ArrayFile(path: directory.file("d.safetensors"))
        let train = try #require(try safetensors.dataset(split: "train"))
        #expect(train.values == plain.values && train.classNames == ["red", "green", "blue"])
        #expect(throws: DataError.self) { try ArrayFile(path: directory.file("half.npz")).dataset(split: "train") }
        #expect(throws: DataError.self) { try ArrayFile(path: directory.file("x.npy")) }
    }
}
