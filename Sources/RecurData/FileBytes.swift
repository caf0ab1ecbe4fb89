/// Whole-file reads and existence checks, so that a file's type and size
/// are checked before any memory is committed to it.
enum FileBytes {
    /// The largest data file (compressed or not) the loader accepts: 1 GiB.
    static let sizeLimit = 1 << 30

    /// The contents of the regular file at `path`.
    /// - Throws: `IDXError` naming `path` when the file cannot be opened or
    ///   read, is not a regular file, or is larger than `sizeLimit` bytes.
    /// - Complexity: O(file size).
    static func read(_ path: String) throws(IDXError) -> [UInt8] {
        let descriptor: Int32
        do throws(SystemError) {
            descriptor = try SystemCalls.openForReading(path)
        } catch {
            throw IDXError(file: path, problem: error.isNoEntry ? .missing : .cannotOpen(reason: error.message))
        }
        defer { SystemCalls.close(descriptor) }

        let regularSize: Int?
        do throws(SystemError) {
            regularSize = try SystemCalls.regularFileSize(descriptor)
        } catch {
            throw IDXError(file: path, problem: .readFailed(reason: error.message))
        }
        guard let size = regularSize else { throw IDXError(file: path, problem: .notARegularFile) }
        guard size <= sizeLimit else { throw IDXError(file: path, problem: .tooLarge(limit: sizeLimit)) }

        var failure: SystemError?
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, initialized in
            guard let base = buffer.baseAddress else { return }
            while initialized < size {
                do throws(SystemError) {
                    let got = try SystemCalls.read(descriptor, base + initialized, size - initialized)
                    if got == 0 { break }  // The file shrank while we read it.
                    initialized += got
                } catch {
                    failure = error
                    break
                }
            }
        }
        if let failure { throw IDXError(file: path, problem: .readFailed(reason: failure.message)) }
        return bytes
    }

    /// Whether `path` names a regular file (following symbolic links).
    static func isRegularFile(_ path: String) -> Bool { SystemCalls.isRegularFile(path) }

    /// Whether `path` names a directory (following symbolic links).
    static func isDirectory(_ path: String) -> Bool { SystemCalls.isDirectory(path) }
}
