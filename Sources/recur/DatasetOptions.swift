import ArgumentParser
import RecurData
import RecurTrainer

/// The data of a training run beyond `--data`: separate split files, a named
/// data set, normalisation and a validation split.
struct DatasetOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Training split: a .ts file, or a safetensors or .npz file (its train.* arrays).", valueName: "file"))
    var train: String?

    @Option(help: ArgumentHelp("Test split for --train: a .ts file, or a safetensors or .npz file (its test.* arrays).", valueName: "file"))
    var test: String?

    @Option(
        help: ArgumentHelp(
            "A data set by name: mnist ($MNIST_DIR or ./data/mnist) or fashion-mnist (/usr/share/datasets/fashion-mnist, apt-get install dataset-fashion-mnist).",
            valueName: "name"))
    var dataset: String?

    @Option(
        help: ArgumentHelp(
            "Input scaling, fitted on the training split and saved with the model: none, standard (per-feature mean and deviation) or scale (/255 for IDX bytes, else / the largest magnitude); default scale for IDX files, standard otherwise.",
            valueName: "none|standard|scale"))
    var normalize: String?

    @Option(
        name: .customLong("validation-split"), parsing: .unconditional,
        help: ArgumentHelp("Hold out this fraction of the training split (seeded) and report its loss and accuracy every epoch.", valueName: "F"))
    var validationSplit: Double?

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "The class count, where the data leaves it open (unnamed labels that do not reach the last class); refused when it contradicts the data.",
            valueName: "N"))
    var classes: Int?

    var normalization: Normalization.Kind? {
        get throws {
            guard let normalize else { return nil }
            guard let kind = Normalization.Kind(rawValue: normalize) else {
                throw ValidationError("--normalize must be none, standard or scale (got '\(normalize)')")
            }
            return kind
        }
    }

    func validate() throws {
        _ = try normalization
        if let dataset, !DataSource.namedDatasets.contains(dataset) {
            throw ValidationError("--dataset must be \(DataSource.namedDatasets.joined(separator: " or ")) (got '\(dataset)')")
        }
        if let classes, classes < 2 || classes > 1 << 20 {
            throw ValidationError("--classes must be between 2 and 1048576 (got \(classes))")
        }
        if let validationSplit, !(validationSplit > 0 && validationSplit < 1) {
            throw ValidationError("--validation-split must be a fraction between 0 and 1, exclusive (got \(validationSplit))")
        }
    }

    /// Copies these options into `options`.
    func apply(to options: inout TrainingOptions) throws {
        options.trainFile = train
        options.testFile = test
        options.datasetName = dataset
        options.normalize = try normalization
        options.validationSplit = validationSplit
        options.classCountOption = classes
    }
}
