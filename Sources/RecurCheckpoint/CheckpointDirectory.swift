import RecurRuntime
import RecurModel

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A folder of resumable checkpoints, `checkpoint-<step>.safetensors`, the
/// step zero-padded to 9 digits so names sort by step. Keeps the newest
/// ``kept`` files; older ones are removed only after a newer one is safely
/// written.
public struct CheckpointDirectory: Sendable {
    public let path: String
    public static let kept = 3

    public init(path: String) {
        self.path = path
    }

    /// The path of the checkpoint with the highest step, or nil when there is none.
    public func newest() throws(RecurError) -> String? {
        try checkpointFiles().last.map { "\(path)/\($0)" }
    }

    /// Writes a checkpoint (atomically) and prunes old ones; returns its path.
    @discardableResult
    public func save(parameters: Parameters, optimizer: AdamState, state: TrainingState) throws(RecurError) -> String {
        if mkdir(path, 0o777) != 0 && errno != EEXIST {
            throw .output("\(path): cannot create the checkpoint folder: \(String(cString: strerror(errno)))")
        }
        let name = "checkpoint-" + Self.zeroPadded(state.optimizerSteps) + ".safetensors"
        let file = "\(path)/\(name)"
        do {
            try Checkpoint.save(parameters: parameters, optimizer: optimizer, training: state, to: file)
        } catch {
            throw .output(error.description)
        }
        for old in try checkpointFiles().dropLast(Self.kept) where old != name {
            unlink("\(path)/\(old)")
        }
        return file
    }

    /// Checkpoint file names in the folder, oldest step first.
    private func checkpointFiles() throws(RecurError) -> [String] {
        guard let directory = opendir(path) else {
            if errno == ENOENT { return [] }
            throw .input("\(path): cannot read the checkpoint folder: \(String(cString: strerror(errno)))")
        }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
            }
            if name.hasPrefix("checkpoint-") && name.hasSuffix(".safetensors") { names.append(name) }
        }
        return names.sorted()
    }

    static func zeroPadded(_ step: Int) -> String {
        let digits = String(step)
        return String(repeating: "0", count: max(0, 9 - digits.count)) + digits
    }
}
