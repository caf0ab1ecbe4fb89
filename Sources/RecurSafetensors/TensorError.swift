/// A tensor built or read in memory that does not fit its description.
public enum TensorError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A shape with a negative entry, or more elements than memory can address.
    case invalidShape([Int])
    /// The byte count is not `dtype.byteSize` times the number of elements of `shape`.
    case byteCountMismatch(dtype: DType, shape: [Int], byteCount: Int)
    /// The values were asked for as `requested` but the tensor holds `actual`.
    case dtypeMismatch(requested: DType, actual: DType)
    /// The tensor has another shape than the one asked for.
    case shapeMismatch(expected: [Int], actual: [Int])
    /// `__metadata__` names the metadata object of a file and cannot name a tensor.
    case reservedName(String)
    /// A list of tensors names the same tensor twice.
    case duplicateName(String)

    public var description: String {
        switch self {
        case .invalidShape(let shape):
            "shape \(shape) has a negative entry or too many elements"
        case .byteCountMismatch(let dtype, let shape, let byteCount):
            "a \(dtype) tensor of shape \(shape) needs "
                + "\(Tensor.byteCount(dtype: dtype, shape: shape).map(String.init) ?? "too many") bytes, got \(byteCount)"
        case .dtypeMismatch(let requested, let actual):
            "tensor holds \(actual) values, not \(requested)"
        case .shapeMismatch(let expected, let actual):
            "shape is \(actual), expected \(expected)"
        case .reservedName(let name):
            "'\(name)' is reserved for the metadata and cannot name a tensor"
        case .duplicateName(let name):
            "tensor name '\(name)' appears twice"
        }
    }
}
