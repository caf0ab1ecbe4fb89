import RecurCheckpoint
import RecurCore
import RecurModel
import RecurData
import RecurRuntime

/// The data of a training run, ready for the engine: both splits padded to
/// one length, checked against each other, a seeded validation split held
/// out of the training split, and every split normalised with statistics of
/// the training samples alone.
public struct PreparedData: Sendable {
    public var train: Dataset
    /// The samples `--validation-split` held out of the training split.
    public var validation: Dataset?
    public var test: Dataset
    public var normalization: Normalization
    /// Where the data came from.
    public var origin: String

    /// The metadata key of the class names in a checkpoint (a JSON array).
    public static let classNamesKey = "class_names"

    /// Features per step, steps and classes: what the model's shape takes from the data.
    public var features: Int { train.features }
    public var steps: Int { train.steps }
    public var classCount: Int { train.classCount }

    /// The metadata key of the `--validation-split` fraction in a checkpoint.
    public static let validationSplitKey = "validation_split"

    /// The `--validation-split` fraction, if any.
    public var validationSplit: Double?

    /// What a checkpoint records about the data: the normalisation, the class
    /// names and the validation split.
    public var metadata: [String: String] {
        var metadata = normalization.metadata(forBytes: train.isBytes)
        if let names = train.classNames { metadata[Self.classNamesKey] = ClassNames.encode(names) }
        if let validationSplit { metadata[Self.validationSplitKey] = "\(validationSplit)" }
        return metadata
    }

    /// The keys of ``metadata``: a resumed run must find the same values in its checkpoint.
    public static let metadataKeys = [
        validationSplitKey, Normalization.kindKey, Normalization.divisorKey, Normalization.meanKey, Normalization.deviationKey,
        classNamesKey,
    ]

    /// Checks and prepares `loaded` for a model with `head`.
    /// - Throws: ``RecurError/input(_:)`` when the test split does not fit
    ///   the training split, ``RecurError/usage(_:)`` for `--head all` with
    ///   samples of unequal length or a validation split that leaves no samples.
    public init(
        _ loaded: LoadedData, normalize: Normalization.Kind?, validationSplit: Double?, seed: UInt64, head: ModelHead,
        classes requestedClasses: Int? = nil
    ) throws(RecurError) {
        var train = loaded.train
        guard var test = loaded.test else { throw .input("\(loaded.origin): no test split") }
        origin = loaded.origin
        if test.features != train.features {
            throw .input("\(loaded.origin): the test split has \(test.features) features per step, the training split \(train.features)")
        }
        // Labels: by name where both splits name them, else by number.
        if let trainNames = train.classNames {
            guard let testNames = test.classNames, testNames == trainNames else {
                throw .input(
                    "\(loaded.origin): the test split's labels (\(test.classNames?.joined(separator: " ") ?? "numbers")) "
                        + "are not the training split's (\(trainNames.joined(separator: " ")))")
            }
        } else if test.classNames != nil {
            throw .input("\(loaded.origin): the test split names its labels, the training split does not")
        }
        var classes = max(train.classCount, test.classCount)
        if let requestedClasses {
            // Only where the data leaves the count open: unnamed labels that need fewer classes.
            if let names = train.classNames, requestedClasses != names.count {
                throw .usage("--classes \(requestedClasses) contradicts the data's \(names.count) named classes (\(names.joined(separator: " ")))")
            }
            if requestedClasses < classes {
                throw .usage("--classes \(requestedClasses) is fewer than the data's labels need (\(classes): labels 0...\(classes - 1))")
            }
            classes = requestedClasses
        }
        train = train.withClasses(classes, names: train.classNames)
        test = test.withClasses(classes, names: train.classNames)
        let steps = max(train.steps, test.steps)
        for (name, split) in [("training", train), ("test", test)]
        where !Dataset.fits(count: split.count, steps: steps, features: split.features) {
            throw .input("\(loaded.origin): the \(name) split padded to \(steps) steps needs more than \(Dataset.maximumValues) values")
        }
        train = train.padded(toSteps: steps)
        test = test.padded(toSteps: steps)
        if head == .allSteps {
            for (name, split) in [("training", train), ("test", test)] {
                if let lengths = split.lengths {
                    throw .usage(
                        "--head all reads every step, but the \(name) samples of \(loaded.origin) have unequal lengths "
                            + "(\(lengths.min() ?? 0)-\(steps) steps); use --head last (the last real step of each sample)")
                }
            }
        }
        var validation: Dataset?
        self.validationSplit = validationSplit
        if let fraction = validationSplit {
            guard fraction > 0 && fraction < 1 else {
                throw .usage("--validation-split must be a fraction between 0 and 1, exclusive (got \(fraction))")
            }
            let held = Int((fraction * Double(train.count)).rounded())
            guard held >= 1 && held < train.count else {
                throw .usage(
                    "--validation-split \(fraction) of \(train.count) training samples leaves \(held) for validation "
                        + "and \(train.count - held) for training; both need at least 1")
            }
            // Its own random stream, so the held-out samples depend on the seed alone.
            var random = RecurRandom(seed: seed, stream: 0x7A11_DA7E)
            let order = random.permutation(train.count)
            let heldOut = order.prefix(held).sorted(), kept = order.dropFirst(held).sorted()
            validation = train.subset(Array(heldOut))
            train = train.subset(Array(kept))
        }
        normalization = Normalization.fit(normalize ?? Normalization.defaultKind(for: train), to: train)
        self.train = normalization.apply(to: train)
        self.validation = validation.map(normalization.apply)
        self.test = normalization.apply(to: test)
    }
}

/// Data a saved model is run on (`recur eval`, `recur predict`): checked
/// against the model, labels mapped to its classes by name, normalised as
/// its training data was.
public struct ModelInput: Sendable {
    public var data: Dataset
    /// The model, with its sequence length widened to the data's when the
    /// head reads the last step (the parameters do not depend on it then).
    public var parameters: Parameters
    /// The model's class names, if its checkpoint has them.
    public var classNames: [String]?

    /// - Throws: ``RecurError/input(_:)`` naming `source` and what does not fit.
    public init(_ raw: Dataset, source: String, checkpoint: LoadedCheckpoint) throws(RecurError) {
        let shape = checkpoint.shape
        if raw.features != shape.inputSize {
            throw .input("\(source): the model reads \(shape.inputSize) features per step, the data has \(raw.features)")
        }
        var names: [String]?
        if let text = checkpoint.metadata[PreparedData.classNamesKey] {
            guard let decoded = ClassNames.decode(text), decoded.count == shape.classes else {
                throw .input("\(checkpoint.path): metadata \(PreparedData.classNamesKey) does not name its \(shape.classes) classes")
            }
            names = decoded
        }
        classNames = names
        var data = raw
        if let dataNames = raw.classNames, let names {
            // Map by name: the data's own numbering may differ from the model's.
            var index: [String: Int32] = [:]
            for (i, name) in names.enumerated() { index[name] = Int32(i) }
            var labels = raw.labels
            for (k, label) in raw.labels.enumerated() {
                let name = dataNames[Int(label)]
                guard let mapped = index[name] else {
                    throw .input("\(source): label '\(name)' of sample \(k) is not one of the model's classes (\(names.joined(separator: " ")))")
                }
                labels[k] = mapped
            }
            data = Dataset(
                steps: raw.steps, features: raw.features, values: raw.values, labels: labels, lengths: raw.lengths,
                classCount: shape.classes, classNames: names, isBytes: raw.isBytes)
        } else {
            if let bad = raw.labels.firstIndex(where: { Int($0) >= shape.classes }) {
                throw .input("\(source): label \(raw.labels[bad]) of sample \(bad) is not one of the model's \(shape.classes) classes")
            }
            data = data.withClasses(shape.classes, names: names)
        }
        var modelShape = shape
        if shape.head == .allSteps {
            if data.steps != shape.sequenceLength || data.lengths != nil {
                throw .input(
                    "\(source): the model reads all \(shape.sequenceLength) steps of every sample (--head all); the data has "
                        + (data.lengths != nil ? "samples of unequal length" : "\(data.steps) steps"))
            }
        } else {
            modelShape.sequenceLength = max(shape.sequenceLength, data.steps)
            guard Dataset.fits(count: data.count, steps: modelShape.sequenceLength, features: data.features) else {
                throw .input("\(source): padded to the model's \(modelShape.sequenceLength) steps the samples need more than \(Dataset.maximumValues) values")
            }
            data = data.padded(toSteps: modelShape.sequenceLength)
        }
        let normalization: Normalization
        do throws(NormalizationMetadataError) {
            normalization = try Normalization.from(metadata: checkpoint.metadata, features: data.features, isBytes: data.isBytes)
        } catch {
            throw .input("\(checkpoint.path): \(error)")
        }
        self.data = normalization.apply(to: data)
        if modelShape == shape {
            parameters = checkpoint.parameters
        } else {
            let widened = Parameters(shape: modelShape)
            for slot in widened.layout.slots {
                guard let values = checkpoint.parameters[slot.name] else { continue }
                let target = widened[slot]
                for i in 0..<min(values.count, target.count) { target[i] = values[i] }
            }
            parameters = widened
        }
    }
}
