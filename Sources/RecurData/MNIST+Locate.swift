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
