import RecurCheckpoint
import RecurCore
import RecurModel
import RecurSafetensors

/// A PyTorch reference file for `recur verify` (see `shared/README.md`):
/// initial parameters, one batch, and what PyTorch computed from them.
///
/// The file holds the initial parameters under PyTorch's names, `input` (F32
/// `[batch, seq_len, input_size]`), `target` (I64 `[batch]`), after one
/// forward and backward pass `expected.logits` (`[batch, classes]`),
/// `expected.loss` (`[1]`) and `grad.<name>` for every parameter, and after
/// `adam_steps` training steps on the batch `adam.<name>` for every parameter
/// and `adam.losses` (`[adam_steps]`); optionally `lengths` (I64 `[batch]`,
/// each sample's length in `1...seq_len`, as PyTorch's
/// `pack_padded_sequence` took them). Its metadata gives `lr`, `betas`
/// ("0.9,0.999"), `eps` and `adam_steps`, and usually the shape (`hidden`,
/// `layers`, `input_size`, `seq_len`, `classes`; inferred from the tensors
/// when absent) and `batch` (else `target`'s length).
public struct VerificationReference: Sendable {
    public var path: String
    /// The initial parameters.
    public var parameters: Parameters
    /// `batch * sampleInputCount` floats, sample-major.
    public var inputs: [Float]
    /// `batch` labels in `0..<classes`.
    public var labels: [Int32]
    /// Each sample's length, when the reference has them.
    public var lengths: [Int32]?
    /// `batch * classes` logits from the initial parameters.
    public var expectedLogits: [Float]
    /// The mean cross-entropy loss from the initial parameters.
    public var expectedLoss: Float
    /// The loss's gradient, one array per parameter tensor in layout order.
    public var expectedGradients: [[Float]]
    /// Adam's settings for the training steps.
    public var learningRate: Double
    public var beta1: Double
    public var beta2: Double
    public var epsilon: Double
    /// The parameters after the training steps, one array per tensor in layout order.
    public var expectedParametersAfterAdam: [[Float]]
    /// The loss each training step saw, before its update; its count is the number of steps.
    public var expectedAdamLosses: [Float]

    public var shape: ModelShape { parameters.shape }
    public var batchSize: Int { labels.count }
    public var adamSteps: Int { expectedAdamLosses.count }

    /// Reads and checks the reference file at `path`.
    /// - Throws: ``VerificationError`` naming `path` and the first problem:
    ///   a missing or misshapen tensor, metadata that does not parse, a label
    ///   out of range.
    /// - Complexity: O(file size).
    public init(path: String) throws(VerificationError) {
        let file: SafetensorsFile
        do throws(SafetensorsReadError) {
            file = try SafetensorsFile.readFile(path: path)
        } catch {
            throw VerificationError(path: path, reason: .unreadable(error))
        }
        let shape: ModelShape
        let targets: [Int64]
        var fileLengths: [Int64]?
        do throws(ModelFileIssue) {
            shape = try file.modelShape(metadataRequired: false)
            let batch =
                file.metadata["batch"] == nil
                ? try file.length(ofVector: "target") : try MetadataFields(file.metadata).integer("batch", atLeast: 1)
            targets = try file.checkedInt64s("target", shape: [batch])
            if file.tensors["lengths"] != nil { fileLengths = try file.checkedInt64s("lengths", shape: [batch]) }
        } catch {
            throw VerificationError(path: path, reason: .content(error))
        }
        var labels: [Int32] = []
        for (index, target) in targets.enumerated() {
            guard target >= 0, target < shape.classes, let label = Int32(exactly: target) else {
                throw VerificationError(
                    path: path, reason: .labelOutOfRange(index: index, label: target, classes: shape.classes))
            }
            labels.append(label)
        }
        var lengths: [Int32]?
        if let fileLengths {
            guard shape.head == .lastStep else { throw VerificationError(path: path, reason: .lengthsWithHeadOverAllSteps) }
            lengths = []
            for (index, length) in fileLengths.enumerated() {
                guard length >= 1, length <= shape.sequenceLength, let value = Int32(exactly: length) else {
                    throw VerificationError(
                        path: path, reason: .lengthOutOfRange(index: index, length: length, steps: shape.sequenceLength))
                }
                lengths?.append(value)
            }
        }
        do throws(ModelFileIssue) {
            try self.init(path: path, file: file, shape: shape, labels: labels, lengths: lengths)
        } catch {
            throw VerificationError(path: path, reason: .content(error))
        }
    }

    /// Reads everything but the labels, which the caller has checked.
    private init(
        path: String, file: SafetensorsFile, shape: ModelShape, labels: [Int32], lengths: [Int32]?
    ) throws(ModelFileIssue) {
        let fields = MetadataFields(file.metadata)
        let batch = labels.count
        let parameters = Parameters(shape: shape)
        try file.load(prefix: "", layout: parameters.layout, into: parameters.storage)
        let adamSteps = try fields.integer("adam_steps", atLeast: 1)
        let betas = try fields.pair("betas", in: AdamSettingRanges.beta)
        self.path = path
        self.parameters = parameters
        self.labels = labels
        self.lengths = lengths
        inputs = try file.checkedFloats("input", shape: [batch, shape.sequenceLength, shape.inputSize])
        expectedLogits = try file.checkedFloats("expected.logits", shape: [batch, shape.classes])
        expectedLoss = try file.checkedFloats("expected.loss", shape: [1])[0]
        expectedGradients = try Self.perTensor(file, prefix: "grad.", layout: parameters.layout)
        learningRate = try fields.number("lr", in: AdamSettingRanges.learningRate)
        (beta1, beta2) = betas
        epsilon = try fields.number("eps", in: AdamSettingRanges.epsilon)
        expectedParametersAfterAdam = try Self.perTensor(file, prefix: "adam.", layout: parameters.layout)
        expectedAdamLosses = try file.checkedFloats("adam.losses", shape: [adamSteps])
    }

    private static func perTensor(
        _ file: SafetensorsFile, prefix: String, layout: ParameterLayout
    ) throws(ModelFileIssue) -> [[Float]] {
        var values: [[Float]] = []
        for slot in layout.slots { values.append(try file.checkedFloats(prefix + slot.name, shape: slot.shape)) }
        return values
    }
}

extension SafetensorsFile {
    /// The length of the one-dimensional, non-empty tensor `name`.
    fileprivate func length(ofVector name: String) throws(ModelFileIssue) -> Int {
        guard let tensor = tensors[name] else { throw .missingTensor(name) }
        guard tensor.shape.count == 1, tensor.shape[0] > 0 else {
            throw .wrongShape(tensor: name, shape: tensor.shape, expected: [max(tensor.shape.first ?? 1, 1)])
        }
        return tensor.shape[0]
    }
}
