import RecurRuntime
import RecurModel
import RecurSafetensors
import RecurSystem
import Synchronization

/// A folder of resumable checkpoints, `checkpoint-<step>.safetensors`, the
/// step zero-padded to 9 digits.
///
/// - Only files with exactly that name (the canonical padding of a step)
///   whose header says they are a Recur checkpoint saved after that step are
///   the folder's own; anything else (`checkpoint-best.safetensors`, a longer
///   number, a copy with another step inside) is ignored, never chosen and
///   never deleted.
/// - ``newest()`` chooses by the step recorded inside the file.
/// - After each save, this object removes the files it wrote itself beyond
///   the newest ``kept``; files it did not write are never deleted.
/// - ``lock()`` takes an exclusive `flock` on `.recur.lock` in the folder, so
///   a second run on the same folder is refused; the system releases it
///   when the process ends, however it ends.
public final class CheckpointDirectory: Sendable {
    public let path: String
    public static let kept = 3
    /// The lock file's name inside the folder.
    public static let lockFileName = ".recur.lock"

    private struct State {
        var written: [String] = []
        var lockDescriptor: Int32?
    }
    private let state = Mutex(State())

    public init(path: String) {
        self.path = path
    }

    deinit {
        if let descriptor = state.withLock({ $0.lockDescriptor }) { try? SystemCalls.close(descriptor) }
    }

    /// Creates the folder if needed, takes its lock, and removes temporary
    /// files of checkpoint writes whose process is gone. Does nothing when
    /// this object holds the lock already.
    /// - Throws: an output error naming the folder and, when another run
    ///   holds the lock, its process id.
    public func lock() throws(RecurError) {
        if state.withLock({ $0.lockDescriptor != nil }) { return }
        do throws(Errno) {
            try SystemCalls.makeDirectory(path)
        } catch {
            throw .output("\(path): cannot create the checkpoint folder: \(error.message)")
        }
        let lockPath = "\(path)/\(Self.lockFileName)"
        let descriptor: Int32
        do throws(Errno) {
            descriptor = try SystemCalls.openLockFile(lockPath)
        } catch {
            throw .output("\(lockPath): cannot open the checkpoint folder's lock file: \(error.message)")
        }
        do throws(Errno) {
            try SystemCalls.tryLock(descriptor)
        } catch {
            let holder = SystemCalls.contents(descriptor).filter(\.isNumber)
            try? SystemCalls.close(descriptor)
            if error.wouldBlock {
                throw .output(
                    "\(path): the checkpoint folder is in use by another recur run"
                        + (holder.isEmpty ? "" : " (pid \(holder))")
                        + "; wait for it to end or use another folder")
            }
            throw .output("\(lockPath): cannot lock the checkpoint folder: \(error.message)")
        }
        try? SystemCalls.replaceContents(descriptor, with: "\(SystemCalls.processID)\n")
        state.withLock { $0.lockDescriptor = descriptor }
        removeStaleTemporaryFiles()
    }

    /// The path of the folder's own checkpoint with the highest step recorded
    /// inside, or nil when there is none.
    /// - Throws: an input error when the folder cannot be read, or a file
    ///   named like one of its checkpoints has a header that cannot be read.
    public func newest() throws(RecurError) -> String? {
        var best: (step: Int, path: String)?
        for (name, step) in try canonicalFiles() {
            let file = "\(path)/\(name)"
            let metadata: [String: String]
            do throws(SafetensorsReadError) {
                metadata = try SafetensorsFile.readMetadata(path: file)
            } catch {
                throw .input("\(error) (remove or rename the file to resume from the others)")
            }
            guard metadata["format"] == Checkpoint.format, metadata[TrainingState.stepsKey] == "\(step)" else { continue }
            if best.map({ step > $0.step }) ?? true { best = (step, file) }
        }
        return best?.path
    }

    /// Writes a checkpoint (atomically) and removes this object's own older
    /// ones beyond ``kept``; returns its path. Takes the folder's lock first.
    @discardableResult
    public func save(
        parameters: Parameters, optimizer: AdamState, state training: TrainingState, metadata: [String: String] = [:]
    ) throws(RecurError) -> String {
        try lock()
        let name = Self.fileName(step: training.optimizerSteps)
        let file = "\(path)/\(name)"
        do {
            try Checkpoint.save(parameters: parameters, optimizer: optimizer, training: training, metadata: metadata, to: file)
        } catch {
            throw .output(error.description)
        }
        let stale: [String] = state.withLock { state in
            state.written.removeAll { $0 == name }
            state.written.append(name)
            let old = Array(state.written.dropLast(Self.kept))
            state.written.removeFirst(old.count)
            return old
        }
        for old in stale { try? SystemCalls.remove("\(path)/\(old)") }
        return file
    }

    /// The file name of the checkpoint after `step`.
    public static func fileName(step: Int) -> String {
        "checkpoint-" + zeroPadded(step) + ".safetensors"
    }

    /// The step in a canonical checkpoint file name, nil for any other name.
    public static func step(inFileName name: String) -> Int? {
        guard name.hasPrefix("checkpoint-"), name.hasSuffix(".safetensors") else { return nil }
        let digits = name.dropFirst("checkpoint-".count).dropLast(".safetensors".count)
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }), let step = Int(digits),
            zeroPadded(step) == digits
        else { return nil }
        return step
    }

    /// The folder's files with canonical checkpoint names and their steps.
    private func canonicalFiles() throws(RecurError) -> [(name: String, step: Int)] {
        let names: [String]
        do throws(Errno) {
            names = try SystemCalls.directoryEntries(path)
        } catch {
            if error == .noEntry { return [] }
            throw .input("\(path): cannot read the checkpoint folder: \(error.message)")
        }
        return names.compactMap { name in Self.step(inFileName: name).map { (name, $0) } }
    }

    /// Removes `.checkpoint-*.tmp-<pid>-<n>` files of writers that are gone.
    private func removeStaleTemporaryFiles() {
        guard let names = try? SystemCalls.directoryEntries(path) else { return }
        for name in names {
            guard let (target, _) = AtomicFile.temporaryFile(named: name), Self.step(inFileName: target) != nil,
                AtomicFile.isStaleTemporaryFile(named: name)
            else { continue }
            try? SystemCalls.remove("\(path)/\(name)")
        }
    }

    static func zeroPadded(_ step: Int) -> String {
        let digits = String(step)
        return String(repeating: "0", count: max(0, 9 - digits.count)) + digits
    }
}
