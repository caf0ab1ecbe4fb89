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

    /// One line: control characters a damaged file put in a name are escaped.
    public var description: String {
        let text = place.map { "\(file) \($0): \(problem)" } ?? "\(file): \(problem)"
        guard text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else { return text }
        var escaped = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if scalar.value < 0x20 || scalar.value == 0x7F {
                escaped.append(contentsOf: "\\x\(scalar.value < 16 ? "0" : "")\(String(scalar.value, radix: 16))".unicodeScalars)
            } else {
                escaped.append(scalar)
            }
        }
        return String(escaped)
    }
}

extension DataError {
    /// The IDX reader's error as a data error.
    init(_ error: IDXError) {
        self.init(file: error.file, "\(error.problem)")
    }
}
