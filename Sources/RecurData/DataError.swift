/// A data file (or folder) that cannot be used: one line naming the file,
/// where in it (a line, a tensor or array) and what is wrong, as in
/// `GunPoint_TRAIN.ts line 57: dimension 1 has 149 values, expected 150`.
public struct DataError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file or folder, as its path was given.
    public var file: String
    /// Where in the file, when the problem has a place.
    public var place: Place?
    /// What is wrong, in words.
    public var problem: String

    /// Where in a file a problem is.
    public enum Place: Equatable, Sendable, CustomStringConvertible {
        /// A 1-based line of a text file.
        case line(Int)
        /// A tensor of a safetensors file or an array of an `.npz` file.
        case tensor(String)

        public var description: String {
            switch self {
            case .line(let number): "line \(number)"
            case .tensor(let name): name
            }
        }
    }

    public init(file: String, place: Place? = nil, _ problem: String) {
        self.file = file
        self.place = place
        self.problem = problem
    }

    public var description: String {
        place.map { "\(file) \($0): \(problem)" } ?? "\(file): \(problem)"
    }
}

extension DataError {
    /// The IDX reader's error as a data error.
    init(_ error: IDXError) {
        self.init(file: error.file, "\(error.problem)")
    }
}
