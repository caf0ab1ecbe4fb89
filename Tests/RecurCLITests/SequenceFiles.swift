import Foundation
import RecurSafetensors

/// Small sequence data sets written as `.ts` and safetensors files for the
/// command-line tests: `count` samples of `features` values per step, each
/// of its own length in `minimumLength...steps`, labelled by the sign of the
/// first feature's mean (so a model can learn them), with seeded values.
struct SequenceFiles {
    var count = 48
    var steps = 9
    var features = 3
    var minimumLength = 3
    var seed: UInt64 = 1
    var classNames = ["low", "high"]

    /// Per sample: its length, values (`length * features`, step-major) and label.
    func samples() -> [(length: Int, values: [Float], label: Int)] {
        var state = seed &* 0x9E37_79B9_7F4A_7C15 | 1
        func next() -> Double {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return Double(state >> 11) / Double(1 << 53)
        }
        return (0..<count).map { _ in
            let length = minimumLength + Int(next() * Double(steps - minimumLength + 1)) % (steps - minimumLength + 1)
            let values = (0..<(length * features)).map { _ in Float((next() * 4 - 2 + 0.3).rounded(toPlaces: 3)) }
            let mean = stride(from: 0, to: values.count, by: features).map { values[$0] }.reduce(0, +)
            return (length, values, mean > 0 ? 1 : 0)
        }
    }

    /// The `.ts` text of the samples.
    func ts(name: String = "Toy") -> String {
        var lines = [
            "# made by the tests", "@problemName \(name)", "@timeStamps false", "@missing false", "@univariate \(features == 1)",
            "@dimensions \(features)", "@equalLength \(minimumLength == steps)",
        ]
        if minimumLength == steps { lines.append("@seriesLength \(steps)") }
        lines += ["@classLabel true " + classNames.joined(separator: " "), "@data"]
        for sample in samples() {
            let dimensions = (0..<features).map { f in
                (0..<sample.length).map { t in "\(sample.values[t * features + f])" }.joined(separator: ",")
            }
            lines.append(dimensions.joined(separator: ":") + ":" + classNames[sample.label])
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `NAME_TRAIN.ts` and `NAME_TEST.ts` (the test split from another seed) in `folder`.
    func writeTSFolder(_ folder: String, name: String = "Toy") throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try ts(name: name).write(toFile: "\(folder)/\(name)_TRAIN.ts", atomically: true, encoding: .utf8)
        var test = self
        test.seed = seed + 1000
        test.count = max(count / 2, 2)
        try test.ts(name: name).write(toFile: "\(folder)/\(name)_TEST.ts", atomically: true, encoding: .utf8)
    }

    /// Both splits in one safetensors file; past each length the inputs hold `padding` (large values by default).
    func writeSafetensors(_ path: String, padding: (Int) -> Float = { Float($0 % 7) * 1000 + 12345 }) throws {
        var tensors: [(name: String, tensor: Tensor)] = []
        for (split, files) in [("train", self), ("test", { var t = self; t.seed = seed + 1000; t.count = max(count / 2, 2); return t }())] {
            let samples = files.samples()
            var inputs = [Float](repeating: 0, count: samples.count * steps * features)
            for (index, sample) in samples.enumerated() {
                for k in 0..<(steps * features) {
                    inputs[index * steps * features + k] = k < sample.values.count ? sample.values[k] : padding(index * 31 + k)
                }
            }
            tensors.append(("\(split).inputs", try Tensor(floats: inputs, shape: [samples.count, steps, features])))
            tensors.append(("\(split).labels", try Tensor(int64s: samples.map { Int64($0.label) }, shape: [samples.count])))
            tensors.append(("\(split).lengths", try Tensor(int64s: samples.map { Int64($0.length) }, shape: [samples.count])))
        }
        let file = try SafetensorsFile(orderedTensors: tensors, metadata: ["classes": "[\"low\",\"high\"]"])
        try Data(file.serialized()).write(to: URL(fileURLWithPath: path))
    }
}

extension Double {
    fileprivate func rounded(toPlaces places: Int) -> Double {
        let scale = pow(10, Double(places))
        return (self * scale).rounded() / scale
    }
}
