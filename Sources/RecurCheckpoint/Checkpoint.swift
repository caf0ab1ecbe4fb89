import RecurCore
import RecurModel
import RecurSafetensors

/// Model checkpoints as safetensors files that PyTorch loads directly.
///
/// A checkpoint holds every parameter as an `F32` tensor under PyTorch's name
/// and shape, in state-dict order, so for the notebook's module (attributes
/// `rnn = nn.RNN(28, hidden, layers, batch_first=True)` and
/// `fc = nn.Linear(hidden * 28, 10)`)
/// `model.load_state_dict(safetensors.torch.load_file(path))` works, strict.
/// A checkpoint saved to resume from also holds Adam's moments, as
/// `optimizer.exp_avg.<name>` then `optimizer.exp_avg_sq.<name>` (load those
/// with `strict=False` or drop them first).
///
/// Metadata, all strings: `format` = `recur-checkpoint`, `format_version` =
/// `1`, the shape (`hidden`, `layers`, `input_size`, `seq_len`, `classes`),
/// with an optimizer `optimizer.steps`, `optimizer.lr`, `optimizer.betas`
/// ("0.9,0.999"), `optimizer.eps`, and with a training state its `training.*`
/// keys (``TrainingState/metadata``).
public enum Checkpoint {
    /// The `format` metadata value of a checkpoint.
    public static let format = "recur-checkpoint"
    /// The `format_version` this build writes and reads.
    public static let formatVersion = "1"

    /// The prefixes of the optimizer's tensor names.
    public static let firstMomentPrefix = "optimizer.exp_avg."
    public static let secondMomentPrefix = "optimizer.exp_avg_sq."

    /// Writes a checkpoint to `path` atomically: readers see the old file or
    /// the new one, and a failed save leaves the old one untouched. The same
    /// arguments always give the same bytes.
    /// - Parameters:
    ///   - optimizer: Adam's state, for a checkpoint to resume from; nil
    ///     writes the model's tensors only.
    ///   - training: where the run stands, written as metadata when given.
    ///   - metadata: more metadata about the data the model reads (its
    ///     normalisation, class names); never the keys written here.
    /// - Throws: ``CheckpointError`` when the file cannot be written, or the
    ///   optimizer is laid out for another shape.
    /// - Complexity: O(parameter count).
    public static func save(
        parameters: Parameters, optimizer: AdamState?, training: TrainingState?, metadata extra: [String: String] = [:],
        to path: String
    ) throws(CheckpointError) {
        let layout = parameters.layout
        var metadata = extra
        metadata["format"] = format
        metadata["format_version"] = formatVersion
        for field in parameters.shape.metadataFields { metadata[field.key] = "\(field.value)" }
        // Files without these keys are the tanh RNN over every step, as PyTorch references are.
        if parameters.shape.cell != .rnnTanh { metadata["cell"] = parameters.shape.cell.rawValue }
        if parameters.shape.head != .allSteps { metadata["head"] = parameters.shape.head.rawValue }
        if let training { metadata.merge(training.metadata) { _, new in new } }
        var tensors = tensorList(prefix: "", layout: layout, values: parameters.storage)
        if let optimizer {
            for moment in [optimizer.firstMoment, optimizer.secondMoment] where moment.count != layout.count {
                throw CheckpointError(
                    path: path, reason: .optimizerLayoutMismatch(parameters: layout.count, optimizer: moment.count))
            }
            metadata["optimizer.steps"] = "\(optimizer.steps)"
            metadata["optimizer.lr"] = MetadataFields.format(optimizer.learningRate)
            metadata["optimizer.betas"] = MetadataFields.format(optimizer.beta1, optimizer.beta2)
            metadata["optimizer.eps"] = MetadataFields.format(optimizer.epsilon)
            tensors += tensorList(prefix: firstMomentPrefix, layout: layout, values: optimizer.firstMoment)
            tensors += tensorList(prefix: secondMomentPrefix, layout: layout, values: optimizer.secondMoment)
        }
        let bytes: [UInt8]
        do throws(TensorError) {
            bytes = try SafetensorsFile(orderedTensors: tensors, metadata: metadata).serialized()
        } catch {
            preconditionFailure("checkpoint tensor names are distinct and never __metadata__: \(error)")
        }
        do throws(FileError) {
            try AtomicFile.write(bytes, to: path)
        } catch {
            throw CheckpointError(path: path, reason: .file(error))
        }
    }

    /// Reads the checkpoint at `path`: a file written by
    /// ``save(parameters:optimizer:training:to:)``, or a plain PyTorch state
    /// dict saved with `safetensors.torch.save_file`, whose shape is inferred
    /// from the tensors: hidden from `rnn.weight_hh_l0`, layers from how many
    /// `rnn.weight_ih_l<k>` there are, input size from `rnn.weight_ih_l0`,
    /// classes from `fc.bias`, and the sequence length as `fc.weight`'s
    /// columns over hidden.
    ///
    /// The optimizer state is read when any `optimizer.*` tensor or metadata
    /// is present, and must then be complete; the training state when
    /// `training.steps` is present. Tensors the model does not use are ignored.
    /// Every parameter and optimizer value must be finite: a tensor holding a
    /// NaN or an infinity is refused, naming it.
    /// - Throws: ``CheckpointError`` naming `path` and the first problem.
    /// - Complexity: O(file size).
    public static func load(path: String) throws(CheckpointError) -> LoadedCheckpoint {
        let file: SafetensorsFile
        do throws(SafetensorsReadError) {
            file = try SafetensorsFile.readFile(path: path)
        } catch {
            throw CheckpointError(path: path, reason: .unreadable(error))
        }
        return try load(file, path: path)
    }

    /// Reads a checkpoint from the bytes of a file, as ``load(path:)`` reads
    /// one from disk; `source` names it in errors.
    /// - Throws: ``CheckpointError`` naming `source` and the first problem.
    public static func load(bytes: [UInt8], source: String) throws(CheckpointError) -> LoadedCheckpoint {
        let file: SafetensorsFile
        do throws(SafetensorsError) {
            file = try SafetensorsFile(bytes: bytes, source: source)
        } catch {
            throw CheckpointError(path: source, reason: .unreadable(.content(error)))
        }
        return try load(file, path: source)
    }

    private static func load(_ file: SafetensorsFile, path: String) throws(CheckpointError) -> LoadedCheckpoint {
        let isCheckpoint = file.metadata["format"] == format
        if isCheckpoint {
            guard let version = file.metadata["format_version"] else {
                throw CheckpointError(path: path, reason: .content(.missingMetadata("format_version")))
            }
            guard version == formatVersion else {
                throw CheckpointError(path: path, reason: .unsupportedVersion(version))
            }
        }
        let parameters: Parameters
        let training: TrainingState?
        do throws(ModelFileIssue) {
            parameters = Parameters(shape: try file.modelShape(metadataRequired: isCheckpoint))
            try file.load(prefix: "", layout: parameters.layout, into: parameters.storage)
            training =
                file.metadata[TrainingState.stepsKey] == nil
                ? nil : try TrainingState(reading: MetadataFields(file.metadata))
        } catch {
            throw CheckpointError(path: path, reason: .content(error))
        }
        let optimizer = try loadOptimizer(from: file, layout: parameters.layout, path: path)
        return LoadedCheckpoint(
            path: path, parameters: parameters, optimizer: optimizer, training: training, metadata: file.metadata)
    }

    /// Adam's state, when the file has any of it: missing pieces are reported
    /// as ``CheckpointError/Reason/optimizerIncomplete(missing:)``.
    private static func loadOptimizer(
        from file: SafetensorsFile, layout: ParameterLayout, path: String
    ) throws(CheckpointError) -> AdamState? {
        let present =
            file.names.contains { $0.hasPrefix("optimizer.") }
            || file.metadata.keys.contains { $0.hasPrefix("optimizer.") }
        guard present else { return nil }
        do throws(ModelFileIssue) {
            let fields = MetadataFields(file.metadata)
            let optimizer = AdamState(
                layout: layout, learningRate: try fields.number("optimizer.lr", in: AdamSettingRanges.learningRate))
            (optimizer.beta1, optimizer.beta2) = try fields.pair("optimizer.betas", in: AdamSettingRanges.beta)
            optimizer.epsilon = try fields.number("optimizer.eps", in: AdamSettingRanges.epsilon)
            optimizer.steps = try fields.integer("optimizer.steps", atLeast: 0)
            try file.load(prefix: firstMomentPrefix, layout: layout, into: optimizer.firstMoment)
            try file.load(prefix: secondMomentPrefix, layout: layout, into: optimizer.secondMoment)
            return optimizer
        } catch .missingTensor(let name) {
            throw CheckpointError(path: path, reason: .optimizerIncomplete(missing: "no tensor '\(name)'"))
        } catch .missingMetadata(let key) {
            throw CheckpointError(path: path, reason: .optimizerIncomplete(missing: "no metadata '\(key)'"))
        } catch {
            throw CheckpointError(path: path, reason: .content(error))
        }
    }

    /// One `F32` tensor per slot of `layout`, named `prefix + slot.name`, with `values`' elements.
    private static func tensorList(
        prefix: String, layout: ParameterLayout, values: FloatBuffer
    ) -> [(name: String, tensor: Tensor)] {
        layout.slots.map { slot in
            do throws(TensorError) {
                return (prefix + slot.name, try Tensor(floats: values[slot.range], shape: slot.shape))
            } catch {
                preconditionFailure("a slot's shape has exactly its count of elements: \(error)")
            }
        }
    }
}

/// What ``Checkpoint/load(path:)`` read: the model's shape and parameters,
/// and, for a checkpoint saved to resume from, Adam's state and where the
/// training run stood.
public struct LoadedCheckpoint: Sendable {
    /// The file it was read from.
    public var path: String
    /// The parameters, laid out for their shape.
    public var parameters: Parameters
    /// Adam's moments, step count and settings, when the file holds them.
    public var optimizer: AdamState?
    /// The training run's position and settings, when the file holds them.
    public var training: TrainingState?
    /// The file's metadata as it is (the data's normalisation and class names among it).
    public var metadata: [String: String] = [:]

    /// The model shape of the checkpoint.
    public var shape: ModelShape { parameters.shape }

    /// Checks that the checkpoint is for `shape`, the shape a command asked for.
    /// - Throws: ``CheckpointError/Reason/shapeMismatch(checkpoint:requested:)``,
    ///   whose message names the options to change.
    public func requireShape(_ shape: ModelShape) throws(CheckpointError) {
        guard shape == self.shape else {
            throw CheckpointError(path: path, reason: .shapeMismatch(checkpoint: self.shape, requested: shape))
        }
    }
}
