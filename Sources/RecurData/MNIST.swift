/// The MNIST digits: where to find the four IDX files and how to load them.
///
/// A directory holds MNIST when each of ``fileNames`` is there, either as
/// `NAME` or as `NAME.gz` (the files as published). Content decides whether
/// a file is inflated (gzip magic 1f 8b), not its name.
public enum MNIST {
    /// The training or the test part of MNIST.
    public enum Split: Sendable, CaseIterable {
        /// 60000 samples.
        case train
        /// 10000 samples.
        case test

        /// The image file's name, without `.gz`.
        public var imageFileName: String { self == .train ? "train-images-idx3-ubyte" : "t10k-images-idx3-ubyte" }
        /// The label file's name, without `.gz`.
        public var labelFileName: String { self == .train ? "train-labels-idx1-ubyte" : "t10k-labels-idx1-ubyte" }
    }

    /// The four files of MNIST, without `.gz`.
    public static let fileNames = Split.allCases.flatMap { [$0.imageFileName, $0.labelFileName] }

    /// Loads both splits from `directory`.
    /// - Throws: `IDXError` naming the first file that is missing or invalid.
    /// - Complexity: O(size of the files).
    public static func load(directory: String, scaled: Bool = true) throws(IDXError) -> (train: Dataset, test: Dataset) {
        (try load(.train, directory: directory, scaled: scaled), try load(.test, directory: directory, scaled: scaled))
    }

    /// Loads one split from `directory` (for instance only `.test`, to evaluate):
    /// pixels / 255, or with `scaled` false the bytes as they are (0...255,
    /// ``Dataset/isBytes``), for a ``Normalization`` to scale.
    /// - Throws: `IDXError` naming the file that is missing or invalid, or the
    ///   label file when the two files disagree on the number of samples.
    /// - Complexity: O(size of the two files).
    public static func load(_ split: Split, directory: String, scaled: Bool = true) throws(IDXError) -> Dataset {
        let imagePath = try existingPath(of: split.imageFileName, in: directory)
        let labelPath = try existingPath(of: split.labelFileName, in: directory)
        return try dataset(imagePath: imagePath, labelPath: labelPath, scaled: scaled)
    }

    /// Loads and checks the pair of IDX files at `imagePath` and `labelPath`.
    static func dataset(imagePath: String, labelPath: String, scaled: Bool = true) throws(IDXError) -> Dataset {
        let images = try IDXReader.images(atPath: imagePath)
        let labels = try IDXReader.labels(atPath: labelPath)
        guard labels.count == images.count else {
            throw IDXError(file: labelPath, problem: .countMismatch(labels: labels.count, images: images.count, imageFile: imagePath))
        }
        return Dataset(
            steps: images.rows, features: images.columns, values: scaled ? normalized(images.pixels) : floats(images.pixels),
            labels: labels, classCount: 10, isBytes: !scaled)
    }

    /// `directory/name` if that file exists, else `directory/name.gz` if that does.
    static func path(of name: String, in directory: String) -> String? {
        let plain = join(directory, name)
        if FileBytes.isRegularFile(plain) { return plain }
        let compressed = plain + ".gz"
        return FileBytes.isRegularFile(compressed) ? compressed : nil
    }

    static func join(_ directory: String, _ name: String) -> String {
        directory.isEmpty ? name : directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }

    private static func existingPath(of name: String, in directory: String) throws(IDXError) -> String {
        guard let path = path(of: name, in: directory) else {
            throw IDXError(file: join(directory, name), problem: .missing)
        }
        return path
    }

    /// Each byte as a float.
    private static func floats(_ bytes: ArraySlice<UInt8>) -> [Float] {
        bytes.withUnsafeBufferPointer { source in
            [Float](unsafeUninitializedCapacity: source.count) { buffer, initialized in
                for i in 0..<source.count { buffer[i] = Float(source[i]) }
                initialized = source.count
            }
        }
    }

    /// Each byte / 255 as a float.
    /// - Complexity: O(`bytes.count`), vectorised in optimised builds.
    private static func normalized(_ bytes: ArraySlice<UInt8>) -> [Float] {
        bytes.withUnsafeBufferPointer { source in
            [Float](unsafeUninitializedCapacity: source.count) { buffer, initialized in
                for i in 0..<source.count { buffer[i] = Float(source[i]) / 255 }
                initialized = source.count
            }
        }
    }
}
