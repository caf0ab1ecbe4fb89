/// One split (train or test) of a file of arrays, a safetensors or `.npz`
/// file: inputs [N, T, F] (or [N, T] for one feature), labels [N], and
/// optionally lengths [N]; checked and converted into a ``Dataset``.
struct ArraySplit {
    var inputs: DataArray
    /// Nil only where labels are optional (`recur predict`).
    var labels: DataArray?
    var lengths: DataArray?

    /// The largest sample count, length or feature count accepted.
    static let maximumDimension = 1 << 30

    /// The data set these arrays hold. `classNames` (the file's `classes`)
    /// fixes the class count; without it the count is the largest label + 1.
    /// - Throws: ``DataError`` naming `file` and the array at fault.
    func dataset(file: String, classNames: [String]?) throws(DataError) -> Dataset {
        func fail(_ array: DataArray, _ problem: String) -> DataError { DataError(file: file, place: .tensor(array.name), problem) }
        guard inputs.element.isUsableForInputs else {
            throw fail(inputs, "is \(typeName(inputs)); expected a float type of 32 bits or more, or an integer type")
        }
        guard inputs.shape.count == 3 || inputs.shape.count == 2 else {
            throw fail(inputs, "has shape \(inputs.shape); expected [samples, steps, features] (or [samples, steps] for one feature)")
        }
        let count = inputs.shape[0], steps = inputs.shape[1], features = inputs.shape.count == 3 ? inputs.shape[2] : 1
        guard count >= 1 else { throw fail(inputs, "holds no samples") }
        guard Dataset.fits(count: count, steps: max(steps, 1), features: max(features, 1)) else {
            throw fail(inputs, "has shape \(inputs.shape), more than \(Dataset.maximumValues) values")
        }
        guard steps >= 1, features >= 1 else { throw fail(inputs, "has shape \(inputs.shape); every dimension must be at least 1") }
        guard inputs.shape.allSatisfy({ $0 <= Self.maximumDimension }),
            Self.byteCount(inputs) == inputs.bytes.count
        else { throw fail(inputs, "has shape \(inputs.shape), which does not match its \(inputs.bytes.count) bytes") }
        for array in [labels, lengths].compactMap({ $0 }) where Self.byteCount(array) != array.bytes.count {
            throw fail(array, "has shape \(array.shape), which does not match its \(array.bytes.count) bytes")
        }

        var labelValues: [Int32]
        var classCount: Int
        if let labels {
            labelValues = try integers(labels, count: count, file: file, range: 0...Int64(Int32.max - 1), what: "label")
            classCount = Int(labelValues.max() ?? 0) + 1
        } else {
            labelValues = [Int32](repeating: 0, count: count)
            classCount = 1
        }
        if let classNames {
            if let labels, classCount > classNames.count {
                let bad = labelValues.firstIndex { Int($0) >= classNames.count } ?? 0
                throw fail(labels, "label \(labelValues[bad]) of sample \(bad) has no name in classes (\(classNames.count) names)")
            }
            classCount = classNames.count
        }
        classCount = max(classCount, 2)

        var lengthValues: [Int32]?
        if let lengths {
            lengthValues = try integers(lengths, count: count, file: file, range: 1...Int64(steps), what: "length")
        }
        var values = [Float](repeating: 0, count: count * steps * features)
        let element = inputs.element, bigEndian = inputs.bigEndian
        let size = steps * features
        var bad: Int?
        inputs.bytes.withUnsafeBytes { raw in
            values.withUnsafeMutableBufferPointer { out in
                for sample in 0..<count {
                    let end = lengthValues.map { Int($0[sample]) * features } ?? size
                    for k in 0..<end {
                        let value = element.float(raw, sample * size + k, bigEndian: bigEndian)
                        if !value.isFinite && bad == nil { bad = sample * size + k }
                        out[sample * size + k] = value
                    }
                }
            }
        }
        if let bad {
            let sample = bad / size, step = bad % size / features, feature = bad % features
            throw fail(inputs, "sample \(sample) step \(step) feature \(feature) is \(describe(inputs, at: bad)); values must be finite")
        }
        return Dataset(
            steps: steps, features: features, values: values, labels: labelValues, lengths: lengthValues,
            classCount: classCount, classNames: classNames, isBytes: element == .unsigned(bits: 8))
    }

    /// The bytes `array`'s shape and type need, or nil on overflow.
    static func byteCount(_ array: DataArray) -> Int? {
        var total = array.element.byteSize
        for dimension in array.shape {
            guard dimension >= 0 else { return nil }
            let (product, overflow) = total.multipliedReportingOverflow(by: dimension)
            guard !overflow else { return nil }
            total = product
        }
        return total
    }

    private func typeName(_ array: DataArray) -> String {
        array.name.contains("_") ? "\(array.element.numpyName)" : array.element.safetensorsName
    }

    /// The value at `index` as the file holds it (nan, inf, or a float32 overflow).
    private func describe(_ array: DataArray, at index: Int) -> String {
        array.bytes.withUnsafeBytes { raw in
            switch array.element {
            case .float(bits: 64):
                let bits = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: index * 8, as: UInt64.self))
                let value = Double(bitPattern: array.bigEndian ? bits.byteSwapped : bits)
                return value.isFinite ? "\(value), too large for float32" : "\(value)"
            default:
                return "\(array.element.float(raw, index, bigEndian: array.bigEndian))"
            }
        }
    }

    /// The `count` integers of `array`, each in `range`.
    private func integers(
        _ array: DataArray, count: Int, file: String, range: ClosedRange<Int64>, what: String
    ) throws(DataError) -> [Int32] {
        func fail(_ problem: String) -> DataError { DataError(file: file, place: .tensor(array.name), problem) }
        guard array.element.isInteger else {
            throw fail("is \(typeName(array)); expected an integer type")
        }
        guard array.shape == [count] else {
            throw fail("has shape \(array.shape); expected [\(count)], one \(what) per sample of \(inputs.name)")
        }
        var out = [Int32](repeating: 0, count: count)
        var problem: String?
        array.bytes.withUnsafeBytes { raw in
            for index in 0..<count {
                let value = array.element.integer(raw, index, bigEndian: array.bigEndian)
                guard let value, range.contains(value) else {
                    problem = "\(what) \(value.map(String.init) ?? "past 2^63") of sample \(index) is outside \(range.lowerBound)...\(range.upperBound)"
                    return
                }
                out[index] = Int32(value)
            }
        }
        if let problem { throw fail(problem) }
        return out
    }
}
