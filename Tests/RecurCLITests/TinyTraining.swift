/// Arguments for `recur train` runs small enough for a debug build: one layer
/// of 8 units, batches of 8, evaluation on 20 test samples, unpinned workers.
struct TinyTraining {
    var data: String
    var steps: Int?
    var threads = 1
    var pin = "none"
    var batchSize = 8
    var shardSize: Int?

    /// `train --data ... --hidden 8 --layers 1 ...` followed by `extra`.
    func arguments(_ extra: [String] = []) -> [String] {
        var arguments = [
            "train", "--data", data, "--hidden", "8", "--layers", "1", "--batch-size", "\(batchSize)",
            "--eval-limit", "20", "--threads", "\(threads)", "--pin", pin,
        ]
        if let steps { arguments += ["--steps", "\(steps)"] }
        if let shardSize { arguments += ["--shard-size", "\(shardSize)"] }
        return arguments + extra
    }
}
