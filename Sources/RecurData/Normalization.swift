/// How inputs are scaled before the model sees them, fitted on the training
/// split and stored with the model, so `eval` and `predict` scale their data
/// the same way.
///
/// `scale` divides every value by one constant (255 for IDX bytes, as
/// MNIST's pixels / 255; the largest magnitude of the training split
/// otherwise); `standard` subtracts each feature's mean and divides by its
/// standard deviation (population, over the real steps of the training
/// split; 1 for a constant feature); `none` leaves values as they are. Steps
/// past a sample's length stay zero.
public enum Normalization: Equatable, Sendable {
    case none
    case scale(divisor: Float)
    case standard(mean: [Float], deviation: [Float])

    /// What `--normalize` names.
    public enum Kind: String, CaseIterable, Sendable {
        case none, standard, scale
    }

    public var kind: Kind {
        switch self {
        case .none: .none
        case .scale: .scale
        case .standard: .standard
        }
    }

    /// The kind a data set gets when `--normalize` is not given: `scale` for IDX bytes, `standard` otherwise.
    public static func defaultKind(for data: Dataset) -> Kind { data.isBytes ? .scale : .standard }

    /// `kind` fitted on `data` (the training split).
    /// - Complexity: O(values of `data`).
    public static func fit(_ kind: Kind, to data: Dataset) -> Normalization {
        switch kind {
        case .none:
            return .none
        case .scale:
            if data.isBytes { return .scale(divisor: 255) }
            var largest: Float = 0
            forEachRealValue(of: data) { _, value in largest = max(largest, abs(value)) }
            return .scale(divisor: largest > 0 ? largest : 1)
        case .standard:
            let features = data.features
            var sum = [Double](repeating: 0, count: features)
            var count = 0
            forEachRealValue(of: data) { feature, value in
                sum[feature] += Double(value)
                if feature == 0 { count += 1 }
            }
            let mean = sum.map { $0 / Double(max(count, 1)) }
            var squares = [Double](repeating: 0, count: features)
            forEachRealValue(of: data) { feature, value in
                let d = Double(value) - mean[feature]
                squares[feature] += d * d
            }
            let deviation = squares.map { (sqrt: Double) -> Float in
                let value = Float((sqrt / Double(max(count, 1))).squareRoot())
                return value > 0 && value.isFinite ? value : 1
            }
            return .standard(mean: mean.map { Float($0) }, deviation: deviation)
        }
    }

    /// `data` with its values normalised (unchanged for `none`).
    /// - Precondition: a `standard` normalisation has one mean per feature of `data`.
    public func apply(to data: Dataset) -> Dataset {
        switch self {
        case .none:
            return data
        case .scale(let divisor):
            // x / divisor, not x * (1 / divisor): for 255 these are MNIST's bits.
            return data.replacingValues(data.values.map { $0 / divisor })
        case .standard(let mean, let deviation):
            precondition(mean.count == data.features && deviation.count == data.features, "Normalization: one statistic per feature")
            var values = data.values
            let features = data.features, size = data.sampleSize
            for sample in 0..<data.count {
                let end = data.length(of: sample) * features
                for k in 0..<end {
                    let feature = k % features
                    values[sample * size + k] = (values[sample * size + k] - mean[feature]) / deviation[feature]
                }
            }
            return data.replacingValues(values)
        }
    }

    /// Calls `body(feature, value)` for every value within each sample's length.
    private static func forEachRealValue(of data: Dataset, _ body: (Int, Float) -> Void) {
        let features = data.features, size = data.sampleSize
        data.values.withUnsafeBufferPointer { values in
            for sample in 0..<data.count {
                let end = data.length(of: sample) * features
                for k in 0..<end { body(k % features, values[sample * size + k]) }
            }
        }
    }

    // MARK: Metadata

    /// The metadata keys this normalisation is stored under.
    public static let kindKey = "normalize"
    public static let divisorKey = "normalize.scale"
    public static let meanKey = "normalize.mean"
    public static let deviationKey = "normalize.std"

    /// This normalisation as checkpoint metadata; empty for MNIST's
    /// / 255 on IDX bytes, so those checkpoints keep their earlier bytes (a
    /// model without these keys reads IDX bytes / 255 and other data as it is).
    public func metadata(forBytes isBytes: Bool) -> [String: String] {
        switch self {
        case .scale(255) where isBytes: return [:]
        case .none: return [Self.kindKey: "none"]
        case .scale(let divisor): return [Self.kindKey: "scale", Self.divisorKey: "\(divisor)"]
        case .standard(let mean, let deviation):
            return [
                Self.kindKey: "standard", Self.meanKey: mean.map { "\($0)" }.joined(separator: ","),
                Self.deviationKey: deviation.map { "\($0)" }.joined(separator: ","),
            ]
        }
    }

    /// The normalisation a model's metadata records, for data of `features`
    /// features: without the keys, / 255 for IDX bytes and nothing otherwise.
    /// - Throws: a one-line reason when the keys are malformed or the wrong length.
    public static func from(metadata: [String: String], features: Int, isBytes: Bool) throws(NormalizationMetadataError) -> Normalization {
        guard let kind = metadata[kindKey] else { return isBytes ? .scale(divisor: 255) : .none }
        func numbers(_ key: String) throws(NormalizationMetadataError) -> [Float] {
            guard let text = metadata[key] else { throw NormalizationMetadataError("metadata \(kindKey) is \(kind) but \(key) is missing") }
            let values = text.split(separator: ",", omittingEmptySubsequences: false).map { Float(String($0).trimmingSpaces) }
            guard values.allSatisfy({ $0?.isFinite == true }) else {
                throw NormalizationMetadataError("metadata \(key) '\(text.prefix(60))' is not a list of finite numbers")
            }
            return values.map { $0! }
        }
        switch kind {
        case "none":
            return .none
        case "scale":
            let divisor = try numbers(divisorKey)
            guard divisor.count == 1, divisor[0] != 0 else {
                throw NormalizationMetadataError("metadata \(divisorKey) must be one non-zero number")
            }
            return .scale(divisor: divisor[0])
        case "standard":
            let mean = try numbers(meanKey), deviation = try numbers(deviationKey)
            guard mean.count == features, deviation.count == features else {
                throw NormalizationMetadataError(
                    "the model was standardised for \(mean.count) features (\(meanKey)), the data has \(features)")
            }
            guard deviation.allSatisfy({ $0 > 0 }) else {
                throw NormalizationMetadataError("metadata \(deviationKey) holds a value that is not positive")
            }
            return .standard(mean: mean, deviation: deviation)
        default:
            throw NormalizationMetadataError("metadata \(kindKey) is '\(kind)'; expected none, scale or standard")
        }
    }

    /// A short description for reports: `standard (per feature)`, `scale 1/255`.
    public var summary: String {
        switch self {
        case .none: "none"
        case .scale(let divisor): "scale 1/\(divisor)"
        case .standard: "standard (per-feature mean and deviation of the training split)"
        }
    }
}

/// Normalisation metadata that cannot be used, as one line.
public struct NormalizationMetadataError: Error, Equatable, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
