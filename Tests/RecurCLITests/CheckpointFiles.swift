import Foundation
import RecurSafetensors

/// The resumable checkpoints `recur train --checkpoint-dir` writes.
enum CheckpointFiles {
    /// The `checkpoint-*.safetensors` files in `folder`, oldest step first (full paths).
    static func list(in folder: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return names.filter { $0.hasPrefix("checkpoint-") && $0.hasSuffix(".safetensors") }.sorted()
            .map { "\(folder)/\($0)" }
    }

    /// The optimizer step a checkpoint file was saved after, from its `training.steps` metadata.
    static func step(of path: String) throws -> Int? {
        try SafetensorsFile.read(path: path).metadata["training.steps"].flatMap { Int($0) }
    }
}
