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
