/// Labelled sequences held in memory as floats, ready to be batched: `count`
/// samples of `steps` time steps of `features` values each.
///
/// Values are stored sample-major: sample `i` occupies
/// `values[i * sampleSize ..< (i + 1) * sampleSize]`, step-major, so
/// `values[i * sampleSize + t * features + f]` is feature `f` at step `t`
/// (for MNIST, row `t` of an image is step `t`). A sample whose own length
/// `lengths[i]` is below `steps` is zero past it; the model never reads
/// those steps, so what they hold does not matter.
public struct Dataset: Sendable {
    /// Time steps per sample: the longest sample's length.
    public let steps: Int
    /// Values per time step.
    public let features: Int
    /// `count * steps * features` values.
    public let values: [Float]
    /// One class label per sample, each in `0..<classCount`.
    public let labels: [Int32]
    /// Each sample's length in `1...steps`, or nil when every sample has all `steps`.
    public let lengths: [Int32]?
    /// The number of classes the labels index.
    public let classCount: Int
    /// A name per class (`.ts` labels, a file's `classes`), or nil where the data has none.
    public let classNames: [String]?
    /// Whether the values are raw 8-bit pixels in `0...255` (IDX files), whose
    /// default scaling is / 255 rather than standardisation.
    public let isBytes: Bool

    /// The most values (samples x steps x features, padding included) a data
    /// set may hold: 2^28 floats, 1 GiB, far past the archive's data sets and
    /// MNIST's 47 million, so that a file cannot ask for memory the machine lacks.
    public static let maximumValues = 1 << 28

    /// Whether `count` samples of `steps x features` fit ``maximumValues``.
    public static func fits(count: Int, steps: Int, features: Int) -> Bool {
        let (size, o1) = steps.multipliedReportingOverflow(by: features)
        let (total, o2) = size.multipliedReportingOverflow(by: count)
        return !o1 && !o2 && total <= maximumValues
    }

    /// A dataset of `labels.count` samples of `steps x features` values each.
    /// Lengths that are all `steps` are dropped (the samples are of equal length).
    /// - Precondition: the counts agree, lengths lie in `1...steps`, labels in `0..<classCount`.
    public init(
        steps: Int, features: Int, values: [Float], labels: [Int32], lengths: [Int32]? = nil,
        classCount: Int, classNames: [String]? = nil, isBytes: Bool = false
    ) {
        precondition(steps > 0 && features > 0, "Dataset: steps and features must be positive")
        precondition(values.count == labels.count * steps * features, "Dataset: \(values.count) values do not make \(labels.count) samples of \(steps)x\(features)")
        precondition(lengths == nil || lengths?.count == labels.count, "Dataset: one length per sample")
        precondition(lengths?.allSatisfy { $0 >= 1 && Int($0) <= steps } ?? true, "Dataset: lengths must lie in 1...steps")
        precondition(classNames == nil || classNames?.count == classCount, "Dataset: one name per class")
        self.steps = steps
        self.features = features
        self.values = values
        self.labels = labels
        self.lengths = lengths.flatMap { $0.allSatisfy { Int($0) == steps } ? nil : $0 }
        self.classCount = classCount
        self.classNames = classNames
        self.isBytes = isBytes
    }

    /// MNIST-shaped images: `rows` steps of `columns` pixels, ten classes.
    public init(rows: Int, columns: Int, pixels: [Float], labels: [Int32]) {
        self.init(steps: rows, features: columns, values: pixels, labels: labels, classCount: 10)
    }

    /// The number of samples.
    public var count: Int { labels.count }

    /// Floats per sample: `steps * features`.
    public var sampleSize: Int { steps * features }

    /// Sample `index`'s length: its own, or `steps`.
    public func length(of index: Int) -> Int { lengths.map { Int($0[index]) } ?? steps }

    /// The name of class `label`, or its number where the data names none.
    public func className(_ label: Int) -> String {
        guard let classNames, label >= 0, label < classNames.count else { return "\(label)" }
        return classNames[label]
    }

    /// Copies the samples at `indices`, in order, to `inputs`
    /// (`indices.count * sampleSize` floats, contiguous) and their labels to
    /// `labels` (`indices.count` values).
    /// - Precondition: every index is in `0..<count`.
    /// - Complexity: O(`indices.count * sampleSize`).
    public func gather(_ indices: some Collection<Int32>, inputs: UnsafeMutablePointer<Float>, labels: UnsafeMutablePointer<Int32>) {
        let size = sampleSize
        values.withUnsafeBufferPointer { source in
            guard let base = source.baseAddress else { return }
            for (slot, index) in indices.enumerated() {
                let sample = Int(index)
                precondition(sample >= 0 && sample < count, "Dataset.gather: index \(sample) is outside 0..<\(count)")
                (inputs + slot * size).update(from: base + sample * size, count: size)
                labels[slot] = self.labels[sample]
            }
        }
    }

    /// The samples at `indices`, in order, as a dataset of their own (a
    /// validation split, a subset to evaluate).
    /// - Complexity: O(`indices.count * sampleSize`).
    public func subset(_ indices: [Int32]) -> Dataset {
        var picked = [Float](repeating: 0, count: indices.count * sampleSize)
        var pickedLabels = [Int32](repeating: 0, count: indices.count)
        picked.withUnsafeMutableBufferPointer { inputs in
            pickedLabels.withUnsafeMutableBufferPointer { out in
                if let inputBase = inputs.baseAddress, let labelBase = out.baseAddress {
                    gather(indices, inputs: inputBase, labels: labelBase)
                }
            }
        }
        return Dataset(
            steps: steps, features: features, values: picked, labels: pickedLabels,
            lengths: lengths.map { all in indices.map { all[Int($0)] } }, classCount: classCount,
            classNames: classNames, isBytes: isBytes)
    }

    /// The same samples padded with zero steps to `steps` (at least this
    /// dataset's), each keeping its own length: a test split shorter than
    /// the training split's longest sample.
    public func padded(toSteps newSteps: Int) -> Dataset {
        precondition(newSteps >= steps, "Dataset.padded: cannot shorten samples")
        guard newSteps > steps else { return self }
        let oldSize = sampleSize, newSize = newSteps * features
        var out = [Float](repeating: 0, count: count * newSize)
        for sample in 0..<count {
            for k in 0..<oldSize { out[sample * newSize + k] = values[sample * oldSize + k] }
        }
        return Dataset(
            steps: newSteps, features: features, values: out, labels: labels,
            lengths: lengths ?? [Int32](repeating: Int32(steps), count: count), classCount: classCount,
            classNames: classNames, isBytes: isBytes)
    }

    /// The same samples with the values replaced (normalised), padding kept zero.
    public func replacingValues(_ newValues: [Float]) -> Dataset {
        Dataset(
            steps: steps, features: features, values: newValues, labels: labels, lengths: lengths,
            classCount: classCount, classNames: classNames, isBytes: isBytes)
    }

    /// The same samples, read as `classCount` classes named `classNames`
    /// (a model's, at least as many as the labels need).
    public func withClasses(_ classCount: Int, names: [String]?) -> Dataset {
        Dataset(
            steps: steps, features: features, values: values, labels: labels, lengths: lengths,
            classCount: classCount, classNames: names, isBytes: isBytes)
    }
}
