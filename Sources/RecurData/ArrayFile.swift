import RecurSafetensors

/// A file of named arrays holding data sets: a safetensors file
/// (`train.inputs`, `train.labels`, `train.lengths`, `test.*`, a `classes`
/// metadata entry) or a NumPy `.npz` archive as `np.savez` and
/// `np.savez_compressed` write it (`train_inputs`, ..., an optional
/// `classes` array of strings). Told apart by content, not name.
public struct ArrayFile {
    /// The path, as given.
    public let file: String
    /// The arrays by name.
    var arrays: [String: DataArray]
    /// `.` for safetensors, `_` for `.npz`: between the split and the array name.
    let separator: String
    /// The class names the file gives, if any.
    public let classNames: [String]?

    /// Whether `bytes` start as a zip archive does (an `.npz` file).
    static func isZip(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 4 && bytes[0] == 0x50 && bytes[1] == 0x4B && (bytes[2] == 3 || bytes[2] == 5)
    }

    /// Opens the safetensors or `.npz` file at `path`.
    /// - Throws: ``DataError`` when it cannot be read or is neither.
    public init(path: String) throws(DataError) {
        try self.init(bytes: try DataFile.read(path), path: path)
    }

    /// The file of `bytes`; `path` names it in errors.
    init(bytes: [UInt8], path: String) throws(DataError) {
        file = path
        if Self.isZip(bytes) {
            separator = "_"
            var arrays: [String: DataArray] = [:]
            var names: [String]?
            for member in try ZipArchive(bytes: bytes, file: path).members {
                let name = member.name.hasSuffix(".npy") ? String(member.name.dropLast(4)) : member.name
                switch try NPYArray.parse(member.bytes, name: name, file: path) {
                case .numbers(let array): arrays[name] = array
                case .strings(let strings):
                    guard name == "classes" else {
                        throw DataError(file: path, place: .tensor(name), "holds strings; expected numbers (only classes may hold strings)")
                    }
                    guard strings.count >= 2, Set(strings).count == strings.count, !strings.contains(where: \.isEmpty) else {
                        throw DataError(file: path, place: .tensor(name), "must hold two or more distinct, non-empty names")
                    }
                    names = strings
                }
            }
            self.arrays = arrays
            classNames = names
        } else {
            separator = "."
            let contents: SafetensorsFile
            do throws(SafetensorsError) {
                contents = try SafetensorsFile(bytes: bytes, source: path)
            } catch {
                throw DataError(file: path, "not a safetensors or .npz file: \(error.reason)")
            }
            var arrays: [String: DataArray] = [:]
            for name in contents.names {
                guard let tensor = contents[name] else { continue }
                let element: ArrayElement
                switch tensor.dtype {
                case .F64: element = .float(bits: 64)
                case .F32: element = .float(bits: 32)
                case .F16: element = .float(bits: 16)
                case .BF16: element = .bfloat16
                case .I64: element = .signed(bits: 64)
                case .I32: element = .signed(bits: 32)
                case .I16: element = .signed(bits: 16)
                case .I8: element = .signed(bits: 8)
                case .U8: element = .unsigned(bits: 8)
                case .BOOL: element = .bool
                }
                arrays[name] = DataArray(name: name, element: element, shape: tensor.shape, bytes: tensor.bytes)
            }
            self.arrays = arrays
            if let text = contents.metadata["classes"] {
                guard let names = ClassNames.decode(text), names.count >= 2, Set(names).count == names.count else {
                    throw DataError(
                        file: path,
                        "metadata classes '\(text)' is not a list of two or more distinct names (a JSON array of strings, or names separated by commas)")
                }
                classNames = names
            } else {
                classNames = nil
            }
        }
    }

    /// The name of array `name` of `split` ("train", "test", or "" for unprefixed names).
    public func arrayName(_ split: String, _ name: String) -> String { split.isEmpty ? name : split + separator + name }

    /// Whether the file holds `split`'s labels.
    public func hasLabels(_ split: String) -> Bool { arrays[arrayName(split, "labels")] != nil }

    /// Whether the file holds `split`'s inputs.
    public func has(_ split: String) -> Bool { arrays[arrayName(split, "inputs")] != nil }

    /// The split `split` as a data set, or nil when the file has no inputs for it.
    /// - Throws: ``DataError`` naming the array at fault; labels are
    ///   required unless `labelsRequired` is false.
    public func dataset(split: String, labelsRequired: Bool = true) throws(DataError) -> Dataset? {
        guard let inputs = arrays[arrayName(split, "inputs")] else { return nil }
        let labels = arrays[arrayName(split, "labels")]
        if labels == nil && labelsRequired {
            throw DataError(file: file, "has \(inputs.name) but no \(arrayName(split, "labels"))")
        }
        let arraySplit = ArraySplit(inputs: inputs, labels: labels, lengths: arrays[arrayName(split, "lengths")])
        return try arraySplit.dataset(file: file, classNames: classNames)
    }

    /// The samples to predict or test on: `test`, else the unprefixed
    /// `inputs`, else `train`.
    public func evaluationDataset(labelsRequired: Bool) throws(DataError) -> Dataset {
        for split in ["test", "", "train"] where has(split) {
            if let data = try dataset(split: split, labelsRequired: labelsRequired) { return data }
        }
        throw DataError(
            file: file, "holds no \(arrayName("test", "inputs")), \(arrayName("", "inputs")) or \(arrayName("train", "inputs"))")
    }
}
