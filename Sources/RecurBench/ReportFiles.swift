import RecurRuntime
import RecurSafetensors

/// Writes `text` to `path` atomically: the old file stays whole if anything fails.
public func writeTextFile(_ text: String, to path: String, option: String) throws(RecurError) {
    do {
        try AtomicFile.write(Array(text.utf8), to: path)
    } catch {
        throw .output("\(option) \(path): \(error)")
    }
}
