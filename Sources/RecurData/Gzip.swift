import CZlib

/// gzip decompression with zlib.
enum Gzip {
    /// Whether `bytes` start with the gzip magic bytes 1f 8b.
    static func isCompressed(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b
    }

    /// The decompressed content of the gzip data `bytes` (one member or
    /// several concatenated ones, as `gzip -d` accepts).
    /// - Parameters:
    ///   - file: the file the bytes came from, for error messages.
    ///   - limit: the largest decompressed size accepted.
    /// - Throws: `IDXError` for damaged data (bad header, bad deflate data,
    ///   CRC or length mismatch), a stream that ends early, or output beyond `limit`.
    /// - Complexity: O(decompressed size).
    static func inflate(_ bytes: [UInt8], file: String, limit: Int = FileBytes.sizeLimit) throws(IDXError) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: min(initialCapacity(for: bytes), limit))
        var produced = 0
        var stream = z_stream()
        // 16 + MAX_WBITS: expect a gzip header and trailer rather than a zlib one.
        guard inflateInit2_(&stream, 16 + MAX_WBITS, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw IDXError(file: file, problem: .corruptGzip(detail: "zlib could not start"))
        }
        defer { inflateEnd(&stream) }

        var consumed = 0
        while true {
            if produced == output.count {
                guard output.count < limit else { throw IDXError(file: file, problem: .tooLarge(limit: limit)) }
                output.append(contentsOf: repeatElement(0, count: min(max(output.count, 1 << 16), limit - output.count)))
            }
            let (status, usedInput, madeOutput) = bytes.withUnsafeBufferPointer { inBuffer in
                output.withUnsafeMutableBufferPointer { outBuffer in
                    // zlib never writes through next_in (it is non-const only because ZLIB_CONST is unset).
                    stream.next_in = inBuffer.baseAddress.map { UnsafeMutablePointer(mutating: $0 + consumed) }
                    stream.avail_in = UInt32(clamping: inBuffer.count - consumed)
                    stream.next_out = outBuffer.baseAddress.map { $0 + produced }
                    stream.avail_out = UInt32(clamping: outBuffer.count - produced)
                    let inBefore = stream.avail_in, outBefore = stream.avail_out
                    let status = CZlib.inflate(&stream, Z_NO_FLUSH)
                    return (status, Int(inBefore - stream.avail_in), Int(outBefore - stream.avail_out))
                }
            }
            consumed += usedInput
            produced += madeOutput

            switch status {
            case Z_STREAM_END:
                // Another gzip member may follow; anything else is damage.
                guard consumed < bytes.count else {
                    output.removeSubrange(produced...)
                    return output
                }
                guard inflateReset(&stream) == Z_OK else {
                    throw IDXError(file: file, problem: .corruptGzip(detail: "zlib could not restart"))
                }
            case Z_OK:
                continue
            case Z_BUF_ERROR:
                // No progress possible: either the output is full (grow it) or the input ran out.
                guard produced == output.count else { throw IDXError(file: file, problem: .truncatedGzip) }
            case Z_DATA_ERROR, Z_NEED_DICT, Z_STREAM_ERROR:
                let detail = stream.msg.map { String(cString: $0) } ?? "invalid data"
                throw IDXError(file: file, problem: .corruptGzip(detail: detail))
            case Z_MEM_ERROR:
                throw IDXError(file: file, problem: .corruptGzip(detail: "zlib ran out of memory"))
            default:
                throw IDXError(file: file, problem: .corruptGzip(detail: "zlib status \(status)"))
            }
        }
    }

    /// A first output size: the trailer's ISIZE field (the decompressed size
    /// modulo 2^32, of the last member) when plausible, else 4x the input.
    private static func initialCapacity(for bytes: [UInt8]) -> Int {
        let guess = bytes.count * 4
        guard bytes.count >= 18 else { return max(guess, 64) }
        let n = bytes.count
        let size = Int(bytes[n - 4]) | Int(bytes[n - 3]) << 8 | Int(bytes[n - 2]) << 16 | Int(bytes[n - 1]) << 24
        // Deflate cannot expand data more than about 1032:1; a larger claim is not the real size.
        return size > 0 && size <= bytes.count * 1032 ? size + 1 : max(guess, 64)
    }
}
