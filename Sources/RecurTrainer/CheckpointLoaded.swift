import RecurCore
import RecurModel

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
