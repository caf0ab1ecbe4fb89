import RecurSystem

/// Where a command's data comes from: `--data PATH` (a folder of IDX files,
/// a folder with `NAME_TRAIN.ts` and `NAME_TEST.ts`, or one safetensors or
/// `.npz` file with both splits), `--train FILE --test FILE`, or
/// `--dataset mnist|fashion-mnist`; with none of them, MNIST from
/// `$MNIST_DIR` or `./data/mnist`.
public struct DataRequest: Sendable {
    public var data: String?
    public var train: String?
    public var test: String?
    public var dataset: String?
    public var environment: [String: String] = [:]

    public init(data: String? = nil, train: String? = nil, test: String? = nil, dataset: String? = nil, environment: [String: String] = [:]) {
        self.data = data
        self.train = train
        self.test = test
        self.dataset = dataset
        self.environment = environment
    }
}

/// The two splits a request found, before normalisation.
public struct LoadedData: Sendable {
    public var train: Dataset
    /// Nil only when the request asked for the training split alone.
    public var test: Dataset?
    /// Where the data came from, for reports and errors (a folder or file).
    public var origin: String
}

/// Why a request's data could not be loaded: a bad combination of options
/// (a usage error), no MNIST where one was looked for, or a bad file.
public enum DataSourceError: Error, Equatable, Sendable, CustomStringConvertible {
    case usage(String)
    case location(String)
    case data(DataError)

    public var description: String {
        switch self {
        case .usage(let message), .location(let message): message
        case .data(let error): error.description
        }
    }
}

public enum DataSource {
    /// The data sets `--dataset` names.
    public static let namedDatasets = ["mnist", "fashion-mnist"]

    /// Where `apt-get install dataset-fashion-mnist` puts Fashion-MNIST.
    public static let fashionMNISTDirectory = "/usr/share/datasets/fashion-mnist"

    /// Fashion-MNIST's ten class names, in label order.
    public static let fashionMNISTClasses = [
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
    ]

    /// Loads the training and test splits `request` names (IDX bytes as
    /// they are: ``Dataset/isBytes``, for ``Normalization`` to scale).
    /// - Throws: ``DataSourceError``.
    public static func load(_ request: DataRequest) throws(DataSourceError) -> LoadedData {
        do {
            if let name = request.dataset {
                guard request.data == nil && request.train == nil && request.test == nil else {
                    throw DataSourceError.usage("--dataset cannot be combined with --data, --train or --test")
                }
                return try named(name, environment: request.environment)
            }
            if let train = request.train {
                guard request.data == nil else { throw DataSourceError.usage("--data cannot be combined with --train and --test") }
                return try files(train: train, test: request.test)
            }
            if request.test != nil {
                throw DataSourceError.usage("--test needs --train FILE (or use --data for a file or folder holding both splits)")
            }
            if let path = request.data, SystemCalls.kind(of: path, followingLinks: true) == .regularFile {
                return try files(train: path, test: nil)
            }
            if let path = request.data, SystemCalls.kind(of: path, followingLinks: true) == .directory,
                MNIST.problem(with: path) != nil, let pair = try tsPair(in: path)
            {
                return LoadedData(train: try TSReader.read(path: pair.train), test: try TSReader.read(path: pair.test), origin: path)
            }
            return try mnist(explicit: request.data, environment: request.environment, name: "MNIST")
        } catch let error as DataSourceError {
            throw error
        } catch let error as DataError {
            throw .data(error)
        } catch {
            throw .data(DataError(file: request.data ?? "", "\(error)"))
        }
    }

    /// `--dataset mnist` or `--dataset fashion-mnist`.
    private static func named(_ name: String, environment: [String: String]) throws(DataSourceError) -> LoadedData {
        switch name {
        case "mnist":
            return try mnist(explicit: nil, environment: environment, name: "MNIST")
        case "fashion-mnist":
            let directory = environment["FASHION_MNIST_DIR"].flatMap { $0.isEmpty ? nil : $0 } ?? fashionMNISTDirectory
            if let problem = MNIST.problem(with: directory) {
                throw .location(
                    "Fashion-MNIST not found in \(directory) (\(problem)); install it with `apt-get install dataset-fashion-mnist`, "
                        + "or pass --data DIR with its four IDX files")
            }
            var data = try mnist(explicit: directory, environment: environment, name: "Fashion-MNIST")
            data.train = data.train.withClasses(10, names: fashionMNISTClasses)
            data.test = data.test?.withClasses(10, names: fashionMNISTClasses)
            return data
        default:
            throw .usage("--dataset must be \(namedDatasets.joined(separator: " or ")) (got '\(name)')")
        }
    }

    /// MNIST-format IDX files from `explicit` or the usual places.
    private static func mnist(explicit: String?, environment: [String: String], name: String) throws(DataSourceError) -> LoadedData {
        let directory: String
        do throws(MNISTLocationError) {
            directory = try MNIST.resolveDirectory(explicit: explicit, environment: environment)
        } catch {
            throw .location(error.description)
        }
        do throws(IDXError) {
            let (train, test) = try MNIST.load(directory: directory, scaled: false)
            return LoadedData(train: train, test: test, origin: directory)
        } catch {
            throw .data(DataError(error))
        }
    }

    /// `NAME_TRAIN.ts` and `NAME_TEST.ts` in `directory`, or nil when it has no `.ts` files.
    private static func tsPair(in directory: String) throws(DataError) -> (train: String, test: String)? {
        let entries: [String]
        do throws(Errno) {
            entries = try SystemCalls.directoryEntries(directory)
        } catch {
            throw DataError(file: directory, "cannot list the folder: \(error.message)")
        }
        let lowered = entries.map { ($0, $0.lowercased()) }
        let trains = lowered.filter { $0.1.hasSuffix("_train.ts") }.map(\.0).sorted()
        guard !trains.isEmpty || lowered.contains(where: { $0.1.hasSuffix(".ts") }) else { return nil }
        guard trains.count == 1 else {
            throw DataError(
                file: directory,
                trains.isEmpty
                    ? "has .ts files but no NAME_TRAIN.ts; expected NAME_TRAIN.ts and NAME_TEST.ts (or pass --train FILE --test FILE)"
                    : "has \(trains.count) NAME_TRAIN.ts files (\(trains.joined(separator: ", "))); pass --train FILE --test FILE")
        }
        let stem = String(trains[0].dropLast("_TRAIN.ts".count))
        guard let test = entries.first(where: { $0.lowercased() == stem.lowercased() + "_test.ts" }) else {
            throw DataError(file: directory, "has \(trains[0]) but no \(stem)_TEST.ts")
        }
        return (MNIST.join(directory, trains[0]), MNIST.join(directory, test))
    }

    /// Reads one data file: a `.ts` file (by its name), else a safetensors or `.npz` file.
    static func isTS(_ path: String) -> Bool { path.lowercased().hasSuffix(".ts") }

    /// `--train FILE [--test FILE]`, or `--data FILE`.
    private static func files(train: String, test: String?) throws(DataError) -> LoadedData {
        if isTS(train) {
            guard let test else {
                throw DataError(file: train, "a .ts file holds one split: pass --train \(train) --test FILE (or --data FOLDER with NAME_TRAIN.ts and NAME_TEST.ts)")
            }
            return LoadedData(train: try TSReader.read(path: train), test: try read(test, split: "test"), origin: train)
        }
        let file = try ArrayFile(path: train)
        let splitName = file.has("train") ? "train" : ""
        guard let trainData = try file.dataset(split: splitName) else {
            throw DataError(file: train, "holds no \(file.arrayName("train", "inputs")) (nor \(file.arrayName("", "inputs")))")
        }
        if let test { return LoadedData(train: trainData, test: try read(test, split: "test"), origin: train) }
        guard let testData = try file.dataset(split: "test") else {
            throw DataError(file: train, "holds no \(file.arrayName("test", "inputs")); add the test split or pass --train FILE --test FILE")
        }
        return LoadedData(train: trainData, test: testData, origin: train)
    }

    /// The samples of one file given for evaluation (`--test`, `predict --input`):
    /// a `.ts` file, or the `test` (else unprefixed, else `train`) split of an array file.
    public static func read(_ path: String, split: String = "test", labelsRequired: Bool = true) throws(DataError) -> Dataset {
        if isTS(path) { return try TSReader.read(path: path) }
        let file = try ArrayFile(path: path)
        if split == "test" { return try file.evaluationDataset(labelsRequired: labelsRequired) }
        guard let data = try file.dataset(split: split, labelsRequired: labelsRequired) else {
            throw DataError(file: path, "holds no \(file.arrayName(split, "inputs"))")
        }
        return data
    }

    /// The samples `predict --input PATH` or `eval --data PATH` reads: an
    /// IDX folder's test split, a `.ts` folder's test file, or one file
    /// (its `test`, else unprefixed, else `train` arrays); with
    /// `labelsRequired` false an array file may lack labels.
    public static func evaluationData(_ path: String, labelsRequired: Bool) throws(DataSourceError) -> EvaluationData {
        do throws(DataError) {
            if SystemCalls.kind(of: path, followingLinks: true) == .directory {
                if MNIST.problem(with: path) == nil {
                    do throws(IDXError) {
                        return EvaluationData(data: try MNIST.load(.test, directory: path, scaled: false), hasLabels: true, origin: path)
                    } catch {
                        throw DataError(error)
                    }
                }
                if let pair = try tsPair(in: path) { return EvaluationData(data: try TSReader.read(path: pair.test), hasLabels: true, origin: pair.test) }
                throw DataError(file: path, "holds neither the four MNIST IDX files nor NAME_TRAIN.ts and NAME_TEST.ts")
            }
            if isTS(path) { return EvaluationData(data: try TSReader.read(path: path), hasLabels: true, origin: path) }
            let file = try ArrayFile(path: path)
            for split in ["test", "", "train"] where file.has(split) {
                if let data = try file.dataset(split: split, labelsRequired: labelsRequired) {
                    return EvaluationData(data: data, hasLabels: file.hasLabels(split), origin: path)
                }
            }
            throw DataError(
                file: path,
                "holds no \(file.arrayName("test", "inputs")), \(file.arrayName("", "inputs")) or \(file.arrayName("train", "inputs"))")
        } catch {
            throw .data(error)
        }
    }

    /// The test samples of a request without a file (`eval` with
    /// `--dataset` or nothing): MNIST's or Fashion-MNIST's test split.
    public static func evaluationData(_ request: DataRequest) throws(DataSourceError) -> EvaluationData {
        if let path = request.data { return try evaluationData(path, labelsRequired: true) }
        var directory: String
        switch request.dataset {
        case nil, "mnist":
            do throws(MNISTLocationError) {
                directory = try MNIST.resolveDirectory(explicit: nil, environment: request.environment)
            } catch {
                throw .location(error.description)
            }
        case "fashion-mnist":
            directory = request.environment["FASHION_MNIST_DIR"].flatMap { $0.isEmpty ? nil : $0 } ?? fashionMNISTDirectory
            if let problem = MNIST.problem(with: directory) {
                throw .location(
                    "Fashion-MNIST not found in \(directory) (\(problem)); install it with `apt-get install dataset-fashion-mnist`")
            }
        case let other?:
            throw .usage("--dataset must be \(namedDatasets.joined(separator: " or ")) (got '\(other)')")
        }
        var result = try evaluationData(directory, labelsRequired: true)
        if request.dataset == "fashion-mnist" { result.data = result.data.withClasses(10, names: fashionMNISTClasses) }
        return result
    }
}

/// Samples to evaluate or predict, and whether they came with labels.
public struct EvaluationData: Sendable {
    public var data: Dataset
    /// False for an array file without labels (`recur predict` only): every label is then 0.
    public var hasLabels: Bool
    /// The file the samples were read from.
    public var origin: String
}
