/// An open regular file, read by offset: its type is checked when it is
/// opened (without blocking, so FIFOs and devices never hang), and reads
/// never go past the size it had then.
package struct ReadOnlyFile: ~Copyable {
    /// Why a file could not be opened or read.
    package enum Failure: Error, Equatable {
        /// `open` failed.
        case open(Errno)
        /// `fstat` or `pread` failed.
        case read(Errno)
        /// Something other than a regular file is at the path.
        case notRegularFile(FileKind)
        /// The file ended at byte `end`, before the `expected` it had when opened.
        case ended(end: Int, expected: Int)
    }

    package let path: String
    /// The size `fstat` reported when the file was opened.
    package let size: Int
    private let descriptor: Int32

    /// Opens the regular file at `path` (a symbolic link to one is followed).
    package init(path: String) throws(Failure) {
        let descriptor: Int32
        do throws(Errno) {
            descriptor = try SystemCalls.openForReading(path)
        } catch {
            throw .open(error)
        }
        let status: FileStatus
        do throws(Errno) {
            status = try SystemCalls.status(descriptor)
        } catch {
            try? SystemCalls.close(descriptor)
            throw .read(error)
        }
        guard status.isRegularFile else {
            try? SystemCalls.close(descriptor)
            throw .notRegularFile(status.kind)
        }
        self.path = path
        self.size = max(status.size, 0)
        self.descriptor = descriptor
    }

    deinit { try? SystemCalls.close(descriptor) }

    /// `count` bytes from `offset`.
    /// - Throws: ``Failure/read(_:)``, or ``Failure/ended(end:expected:)``
    ///   when the file ends first (it shrank since it was opened).
    package func read(count: Int, at offset: Int) throws(Failure) -> [UInt8] {
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
        if let failure { throw .read(failure) }
        guard filled == count else { throw .ended(end: offset + filled, expected: offset + count) }
        return bytes
    }

    /// Up to `count` bytes from `offset`: fewer at the end of the file, none past it.
    package func readAvailable(upTo count: Int, at offset: Int) throws(Failure) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: count)
        let got: Int
        do throws(Errno) {
            got = try buffer.withUnsafeMutableBytes { raw in
                Result { () throws(Errno) in try SystemCalls.read(descriptor, into: raw, at: offset) }
            }.get()
        } catch {
            throw .read(error)
        }
        buffer.removeSubrange(got...)
        return buffer
    }
}
