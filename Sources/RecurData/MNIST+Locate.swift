extension MNIST {
    /// The environment variable naming a directory that holds MNIST.
    public static let environmentVariable = "MNIST_DIR"

    /// The directory searched last, relative to the current directory.
    public static let defaultDirectory = "data/mnist"

    /// The directory to load MNIST from: `explicit` (the `--data DIR` option)
    /// when given, else `$MNIST_DIR` when set and holding the files, else
    /// `./data/mnist` when it holds them.
    /// - Parameters:
    ///   - explicit: the directory the user named, which must hold the files.
    ///   - environment: the process environment (or a test's stand-in).
    ///   - currentDirectory: where `data/mnist` is looked for; `nil` means the
    ///     process's current directory (and the result is then relative).
    /// - Throws: `MNISTLocationError` naming `explicit` and what it lacks, or
    ///   listing every place searched and how to get the files.
    public static func resolveDirectory(
        explicit: String?, environment: [String: String], currentDirectory: String? = nil
    ) throws(MNISTLocationError) -> String {
        if let explicit {
            if let problem = problem(with: explicit) {
                throw .unusableDataDirectory(explicit, problem)
            }
            return explicit
        }
        var searched: [MNISTLocationError.SearchedPlace] = []
        if let fromEnvironment = environment[environmentVariable], !fromEnvironment.isEmpty {
            guard let problem = problem(with: fromEnvironment) else { return fromEnvironment }
            searched.append(.init(place: "$\(environmentVariable)=\(fromEnvironment)", problem: problem))
        }
        let fallback = currentDirectory.map { join($0, defaultDirectory) } ?? defaultDirectory
        guard let problem = problem(with: fallback) else { return fallback }
        searched.append(.init(place: currentDirectory == nil ? "./\(defaultDirectory)" : fallback, problem: problem))
        throw .notFound(searched)
    }

    /// Why `directory` cannot serve MNIST, or `nil` when it holds all four files.
    static func problem(with directory: String) -> MNISTLocationError.DirectoryProblem? {
        guard FileBytes.isDirectory(directory) else { return .noSuchDirectory }
        let missing = fileNames.filter { path(of: $0, in: directory) == nil }
        return missing.isEmpty ? nil : .missingFiles(missing)
    }
}

/// No directory holding MNIST was found. The description is one line saying
/// where the files were looked for and how to get them.
public enum MNISTLocationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The directory given with `--data` lacks the files.
    case unusableDataDirectory(String, DirectoryProblem)
    /// Neither `$MNIST_DIR` nor `./data/mnist` holds the files.
    case notFound([SearchedPlace])

    /// Why a directory cannot serve MNIST.
    public enum DirectoryProblem: Equatable, Sendable, CustomStringConvertible {
        /// The path is not an existing directory.
        case noSuchDirectory
        /// These files exist neither as `NAME` nor as `NAME.gz`.
        case missingFiles([String])

        public var description: String {
            switch self {
            case .noSuchDirectory:
                return "no such directory"
            case .missingFiles(let names):
                return "missing " + names.map { "\($0)[.gz]" }.joined(separator: ", ")
            }
        }
    }

    /// A place that was searched and why it did not serve.
    public struct SearchedPlace: Equatable, Sendable {
        /// How the place was named, e.g. `$MNIST_DIR=/data` or `./data/mnist`.
        public var place: String
        public var problem: DirectoryProblem
    }

    /// How to get the files, for the end of every message.
    static let remedy =
        "get the files with `scripts/fetch-mnist.sh data/mnist` (downloads them and verifies checksums) "
        + "or `scripts/fetch-mnist.sh data/mnist --from DIR` (copies them from a local mirror), "
        + "or pass --data DIR or set \(MNIST.environmentVariable)"

    public var description: String {
        switch self {
        case .unusableDataDirectory(let directory, let problem):
            return "--data \(directory): \(problem); \(Self.remedy)"
        case .notFound(let places):
            let list = places.map { "\($0.place) (\($0.problem))" }.joined(separator: ", ")
            return "MNIST not found: looked in \(list); \(Self.remedy)"
        }
    }
}
