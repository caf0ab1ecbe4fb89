import CZlib

/// The members of a zip archive, as `np.savez` (stored) and
/// `np.savez_compressed` (deflated) write them: read through the central
/// directory, each member's CRC checked. Zip64 sizes and offsets are read;
/// encryption, multi-disk archives and other methods are refused.
struct ZipArchive {
    /// Member names and their uncompressed bytes, in directory order.
    var members: [(name: String, bytes: [UInt8])]

    /// Reads the archive `bytes`; `file` names it in errors.
    /// - Throws: ``DataError`` for anything malformed, truncated or unsupported.
    init(bytes: [UInt8], file: String) throws(DataError) {
        func fail(_ problem: String) -> DataError { DataError(file: file, problem) }
        func u16(_ at: Int) -> Int { Int(bytes[at]) | Int(bytes[at + 1]) << 8 }
        func u32(_ at: Int) -> Int { u16(at) | u16(at + 2) << 16 }
        func u64(_ at: Int) -> Int? {
            let value = UInt64(u32(at)) | UInt64(u32(at + 4)) << 32
            return value <= UInt64(Int.max) ? Int(value) : nil
        }
        // The end-of-central-directory record: 22 bytes plus a comment of up to 65535.
        var end = -1
        var at = bytes.count - 22
        while at >= 0 && at >= bytes.count - 22 - 65535 {
            if u32(at) == 0x0605_4b50 && at + 22 + u16(at + 20) == bytes.count { end = at; break }
            at -= 1
        }
        guard end >= 0 else { throw fail("not a zip archive (no end of central directory): expected an .npz file as np.savez writes it") }
        var entryCount = u16(end + 10)
        var directorySize = u32(end + 12)
        var directoryOffset = u32(end + 16)
        // Zip64: the locator just before the record points at the zip64 record.
        if end >= 20 && u32(end - 20) == 0x0706_4b50, let recordOffset = u64(end - 12) {
            guard recordOffset >= 0, recordOffset + 56 <= bytes.count, u32(recordOffset) == 0x0606_4b50,
                let count = u64(recordOffset + 32), let size = u64(recordOffset + 40), let offset = u64(recordOffset + 48)
            else { throw fail("damaged zip64 end of central directory") }
            (entryCount, directorySize, directoryOffset) = (count, size, offset)
        }
        guard directoryOffset <= bytes.count, directorySize <= bytes.count - directoryOffset else {
            throw fail("truncated zip archive (the central directory lies past the end of the file)")
        }
        members = []
        var entry = directoryOffset
        var total = 0
        for _ in 0..<entryCount {
            guard entry + 46 <= bytes.count, u32(entry) == 0x0201_4b50 else { throw fail("damaged zip central directory") }
            let flags = u16(entry + 8), method = u16(entry + 10)
            let crc = UInt32(u32(entry + 16))
            var compressedSize = u32(entry + 20), size = u32(entry + 24)
            let nameLength = u16(entry + 28), extraLength = u16(entry + 30), commentLength = u16(entry + 32)
            var localOffset = u32(entry + 42)
            let nameStart = entry + 46
            guard nameStart + nameLength + extraLength + commentLength <= bytes.count else { throw fail("damaged zip central directory") }
            let name = String(decoding: bytes[nameStart..<nameStart + nameLength], as: UTF8.self)
            // Zip64 extra field: the 64-bit values of the fields set to 0xFFFFFFFF, in order.
            var extra = nameStart + nameLength
            let extraEnd = extra + extraLength
            while extra + 4 <= extraEnd {
                let id = u16(extra), length = u16(extra + 2)
                guard extra + 4 + length <= extraEnd else { break }
                if id == 0x0001 {
                    var field = extra + 4
                    func next() -> Int? {
                        guard field + 8 <= extra + 4 + length, let value = u64(field) else { return nil }
                        field += 8
                        return value
                    }
                    if size == 0xFFFF_FFFF { guard let value = next() else { throw fail("damaged zip64 field of \(name)") }; size = value }
                    if compressedSize == 0xFFFF_FFFF { guard let value = next() else { throw fail("damaged zip64 field of \(name)") }; compressedSize = value }
                    if localOffset == 0xFFFF_FFFF { guard let value = next() else { throw fail("damaged zip64 field of \(name)") }; localOffset = value }
                }
                extra += 4 + length
            }
            entry = extraEnd + commentLength
            guard flags & 1 == 0 else { throw fail("\(name) is encrypted") }
            guard size <= FileBytes.sizeLimit - total else { throw fail("\(name) is larger than the limit of 1 GiB for a data file") }
            total += size
            guard localOffset + 30 <= bytes.count, u32(localOffset) == 0x0403_4b50 else {
                throw fail("damaged zip archive (no local header for \(name))")
            }
            let dataStart = localOffset + 30 + u16(localOffset + 26) + u16(localOffset + 28)
            guard dataStart <= bytes.count, compressedSize <= bytes.count - dataStart else {
                throw fail("truncated zip archive (\(name) ends past the end of the file)")
            }
            let stored = bytes[dataStart..<dataStart + compressedSize]
            let content: [UInt8]
            switch method {
            case 0:
                guard compressedSize == size else { throw fail("damaged zip archive (\(name): stored sizes differ)") }
                content = Array(stored)
            case 8:
                content = try Self.inflate(stored, size: size, name: name, file: file)
            default:
                throw fail("\(name) uses zip compression method \(method); only stored and deflated members are supported")
            }
            let actual = content.withUnsafeBufferPointer { UInt32(crc32(0, $0.baseAddress, UInt32($0.count))) }
            guard actual == crc else { throw fail("\(name) is damaged (CRC mismatch)") }
            members.append((name, content))
        }
    }

    /// Raw deflate data `input` inflated to exactly `size` bytes.
    private static func inflate(_ input: ArraySlice<UInt8>, size: Int, name: String, file: String) throws(DataError) -> [UInt8] {
        if size == 0 { return [] }
        var output = [UInt8](repeating: 0, count: size)
        var stream = z_stream()
        guard inflateInit2_(&stream, -MAX_WBITS, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw DataError(file: file, "\(name): zlib could not start")
        }
        defer { inflateEnd(&stream) }
        let (status, produced, message) = input.withUnsafeBufferPointer { inBuffer in
            output.withUnsafeMutableBufferPointer { outBuffer in
                stream.next_in = inBuffer.baseAddress.map { UnsafeMutablePointer(mutating: $0) }
                stream.avail_in = UInt32(clamping: inBuffer.count)
                stream.next_out = outBuffer.baseAddress
                stream.avail_out = UInt32(clamping: outBuffer.count)
                let status = CZlib.inflate(&stream, Z_FINISH)
                return (status, outBuffer.count - Int(stream.avail_out), stream.msg.map { String(cString: $0) })
            }
        }
        guard status == Z_STREAM_END, produced == size else {
            throw DataError(file: file, "\(name) is damaged (\(message ?? "deflate data does not give its stated size"))")
        }
        return output
    }
}
