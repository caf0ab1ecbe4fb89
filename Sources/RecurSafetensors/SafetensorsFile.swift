/// The contents of a safetensors file: named tensors in file order, and
/// string metadata.
///
/// Read one with ``read(path:)`` or ``init(bytes:source:)``; build one with
/// ``init(tensors:metadata:)`` or ``init(orderedTensors:metadata:)`` and
/// ``set(_:named:)``; write it with ``write(to:)`` or ``serialized()``.
/// Serialization is deterministic: the same tensors, order and metadata
/// always give the same bytes.
public struct SafetensorsFile: Sendable {
    /// Longest header accepted when reading (100 MB), so a corrupt length
    /// cannot make the reader allocate or scan absurd amounts.
    public static let maximumHeaderLength = 100_000_000

    /// Tensor names in the order their data is laid out in the file.
    public private(set) var names: [String]
    /// The tensors by name; its keys are exactly ``names``.
    public private(set) var tensors: [String: Tensor]
    /// The `__metadata__` object: free-form strings.
    public var metadata: [String: String]
    /// Where the contents came from (the path for files read from disk), used in error messages.
    public var source: String

    /// A file with no tensors.
    public init(metadata: [String: String] = [:], source: String = "in-memory safetensors") {
        self.names = []
        self.tensors = [:]
        self.metadata = metadata
        self.source = source
    }

    /// A file holding `tensors`, ordered by name (byte-wise on UTF-8).
    /// - Throws: ``TensorError/reservedName(_:)`` for a tensor named `__metadata__`.
    public init(tensors: [String: Tensor], metadata: [String: String] = [:]) throws(TensorError) {
        let sorted = tensors.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
        try self.init(orderedTensors: sorted.map { (name: $0.key, tensor: $0.value) }, metadata: metadata)
    }

    /// A file holding `orderedTensors` in the given order.
    /// - Throws: ``TensorError/duplicateName(_:)`` or ``TensorError/reservedName(_:)``.
    public init(orderedTensors: [(name: String, tensor: Tensor)], metadata: [String: String] = [:]) throws(TensorError) {
        self.init(metadata: metadata)
        for (name, tensor) in orderedTensors {
            guard tensors[name] == nil else { throw .duplicateName(name) }
            try set(tensor, named: name)
        }
    }

    /// The tensor called `name`, if any.
    public subscript(name: String) -> Tensor? { tensors[name] }

    /// Stores `tensor` as `name`: in place if the name exists, else after the last tensor.
    /// - Throws: ``TensorError/reservedName(_:)`` for `__metadata__`.
    public mutating func set(_ tensor: Tensor, named name: String) throws(TensorError) {
        guard name != Self.metadataKey else { throw .reservedName(name) }
        if tensors.updateValue(tensor, forKey: name) == nil {
            names.append(name)
        }
    }

    /// Removes the tensor called `name` and returns it, if there was one.
    /// - Complexity: O(number of tensors).
    @discardableResult
    public mutating func removeTensor(named name: String) -> Tensor? {
        guard let removed = tensors.removeValue(forKey: name) else { return nil }
        names.removeAll { $0 == name }
        return removed
    }

    /// The tensor called `name`, checked against `shape` when one is given.
    /// - Throws: ``SafetensorsError`` naming ``source`` when it is missing or has another shape.
    public func tensor(named name: String, shape: [Int]? = nil) throws(SafetensorsError) -> Tensor {
        guard let tensor = tensors[name] else {
            throw SafetensorsError(source: source, reason: .missingTensor(name))
        }
        if let shape, shape != tensor.shape {
            throw SafetensorsError(source: source, reason: .unexpectedTensor(name, .shapeMismatch(expected: shape, actual: tensor.shape)))
        }
        return tensor
    }

    /// The values of the `F32` tensor called `name`, checked against `shape` when one is given.
    /// - Throws: ``SafetensorsError`` naming ``source`` when it is missing, not `F32`, or has another shape.
    public func floats(named name: String, shape: [Int]? = nil) throws(SafetensorsError) -> [Float] {
        let tensor = try tensor(named: name, shape: shape)
        do throws(TensorError) {
            return try tensor.floats()
        } catch {
            throw SafetensorsError(source: source, reason: .unexpectedTensor(name, error))
        }
    }

    /// The values of the `I64` tensor called `name`, checked against `shape` when one is given.
    /// - Throws: ``SafetensorsError`` naming ``source`` when it is missing, not `I64`, or has another shape.
    public func int64s(named name: String, shape: [Int]? = nil) throws(SafetensorsError) -> [Int64] {
        let tensor = try tensor(named: name, shape: shape)
        do throws(TensorError) {
            return try tensor.int64s()
        } catch {
            throw SafetensorsError(source: source, reason: .unexpectedTensor(name, error))
        }
    }

    /// The header key that holds the metadata instead of a tensor.
    static let metadataKey = "__metadata__"
}
