/// An open regular file, read by offset: its type is checked when it is
/// opened (without blocking, so FIFOs and devices never hang), and reads
/// never go past the size it had then.
struct ReadOnlyFile: ~Copyable {
    let path: String
    let size: Int
    private let descriptor: Int32

    /// Opens the regular file at `path` (a symbolic link to one is followed).
    /// - Throws: ``FileError`` when it is missing, unreadable, or not a regular file.
    init(path: String) throws(FileError) {
        let descriptor: Int32
        do throws(Errno) {
            descriptor = try SystemCalls.openForReadingNonBlocking(path)
        } catch {
            throw FileError(path: path, operation: "open", code: error.code)
        }
        let status: FileStatus
        do throws(Errno) {
            status = try SystemCalls.status(descriptor)
        } catch {
            try? SystemCalls.close(descriptor)
            throw FileError(path: path, operation: "read", code: error.code)
        }
        guard status.isRegularFile else {
            try? SystemCalls.close(descriptor)
            if status.isDirectory { throw FileError(path: path, operation: "read", code: Errno.isDirectory.code) }
            throw FileError.notRegularFile(path, operation: "read", kind: status.kind)
        }
        self.path = path
        self.size = max(status.size, 0)
        self.descriptor = descriptor
    }

    deinit { try? SystemCalls.close(descriptor) }

    /// `count` bytes from `offset`.
    /// - Throws: ``FileError`` when the read fails or the file ends first
    ///   (it shrank since it was opened).
    func read(count: Int, at offset: Int) throws(FileError) -> [UInt8] {
        precondition(count >= 0 && offset >= 0)
        var failure: Errno?
        var filled = 0
        let bytes = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            let raw = UnsafeMutableRawBufferPointer(buffer)
            while filled < count {
                do throws(Errno) {
                    let got = try SystemCalls.read(
                        descriptor, into: UnsafeMutableRawBufferPointer(rebasing: raw[filled...]), at: offset + filled)
                    if got == 0 { break }
                    filled += got
                } catch {
                    failure = error
                    break
                }
            }
            // Bytes past a short read are zeroed so the array is initialized; it is then discarded.
            if filled < count {
                UnsafeMutableRawBufferPointer(rebasing: raw[filled...]).initializeMemory(as: UInt8.self, repeating: 0)
            }
            initialized = count
        }
        if let failure { throw FileError(path: path, operation: "read", code: failure.code) }
        guard filled == count else {
            throw FileError(
                path: path, operation: "read", code: Errno.invalidType.code,
                detail: "the file ended at byte \(offset + filled), before the \(offset + count) it had when opened")
        }
        return bytes
    }

    /// Up to `count` bytes from `offset`: fewer at the end of the file, none past it.
    func readAvailable(upTo count: Int, at offset: Int) throws(FileError) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: count)
        let got: Int
        do throws(Errno) {
            got = try buffer.withUnsafeMutableBytes { raw in
                Result { () throws(Errno) in try SystemCalls.read(descriptor, into: raw, at: offset) }
            }.get()
        } catch {
            throw FileError(path: path, operation: "read", code: error.code)
        }
        buffer.removeSubrange(got...)
        return buffer
    }
}
