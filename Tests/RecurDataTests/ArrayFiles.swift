import CZlib
import RecurSafetensors

/// Builders of safetensors and `.npz` data files for the tests.
enum ArrayFiles {
    /// A safetensors file of `tensors` (name, dtype, shape, little-endian bytes) and `metadata`.
    static func safetensors(_ tensors: [(String, Tensor)], metadata: [String: String] = [:]) throws -> [UInt8] {
        try SafetensorsFile(orderedTensors: tensors.map { (name: $0.0, tensor: $0.1) }, metadata: metadata).serialized()
    }

    static func floats(_ values: [Float], _ shape: [Int]) throws -> Tensor { try Tensor(floats: values, shape: shape) }
    static func int64s(_ values: [Int64], _ shape: [Int]) throws -> Tensor { try Tensor(int64s: values, shape: shape) }

    /// `.npy` bytes: version 1.0, `descr`, C order, `shape`, then `data`.
    static func npy(descr: String, shape: [Int], data: [UInt8], fortran: Bool = false) -> [UInt8] {
        let shapeText = shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
        var header = "{'descr': '\(descr)', 'fortran_order': \(fortran ? "True" : "False"), 'shape': \(shapeText), }"
        while (10 + header.utf8.count + 1) % 64 != 0 { header += " " }
        header += "\n"
        let length = header.utf8.count
        return [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(length & 0xFF), UInt8(length >> 8)] + Array(header.utf8) + data
    }

    static func bytes(_ values: [Float]) -> [UInt8] { values.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) } }
    static func bytes(_ values: [Double]) -> [UInt8] { values.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) } }
    static func bytes(_ values: [Int64]) -> [UInt8] { values.flatMap { withUnsafeBytes(of: $0.littleEndian, Array.init) } }
    static func bytes(_ values: [Int32]) -> [UInt8] { values.flatMap { withUnsafeBytes(of: $0.littleEndian, Array.init) } }

    /// A zip archive of `members` (name, bytes), each stored or deflated.
    static func zip(_ members: [(String, [UInt8])], deflated: Bool) -> [UInt8] {
        var out: [UInt8] = []
        var directory: [UInt8] = []
        func u16(_ v: Int) -> [UInt8] { [UInt8(v & 0xFF), UInt8((v >> 8) & 0xFF)] }
        func u32(_ v: Int) -> [UInt8] { u16(v & 0xFFFF) + u16((v >> 16) & 0xFFFF) }
        for (name, content) in members {
            let crc = content.withUnsafeBufferPointer { Int(crc32(0, $0.baseAddress, UInt32($0.count))) }
            let stored = deflated ? deflate(content) : content
            let method = deflated ? 8 : 0
            let offset = out.count
            let nameBytes = Array(name.utf8)
            out += u32(0x0403_4b50) + u16(20) + u16(0) + u16(method) + u16(0) + u16(0) + u32(crc) + u32(stored.count)
                + u32(content.count) + u16(nameBytes.count) + u16(0) + nameBytes + stored
            directory += u32(0x0201_4b50) + u16(20) + u16(20) + u16(0) + u16(method) + u16(0) + u16(0) + u32(crc)
                + u32(stored.count) + u32(content.count) + u16(nameBytes.count) + u16(0) + u16(0) + u16(0) + u16(0)
                + u32(0) + u32(offset) + nameBytes
        }
        let directoryOffset = out.count
        out += directory
        out += u32(0x0605_4b50) + u16(0) + u16(0) + u16(members.count) + u16(members.count) + u32(directory.count)
            + u32(directoryOffset) + u16(0)
        return out
    }

    /// Raw deflate data of `bytes`.
    static func deflate(_ bytes: [UInt8]) -> [UInt8] {
        var stream = z_stream()
        guard deflateInit2_(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY,
                            zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else { fatalError("deflateInit2 failed") }
        defer { deflateEnd(&stream) }
        var input = bytes
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, UInt(bytes.count))) + 16)
        let written = input.withUnsafeMutableBufferPointer { inBuffer in
            output.withUnsafeMutableBufferPointer { outBuffer in
                stream.next_in = inBuffer.baseAddress
                stream.avail_in = UInt32(inBuffer.count)
                stream.next_out = outBuffer.baseAddress
                stream.avail_out = UInt32(outBuffer.count)
                guard CZlib.deflate(&stream, Z_FINISH) == Z_STREAM_END else { fatalError("deflate did not finish") }
                return outBuffer.count - Int(stream.avail_out)
            }
        }
        return Array(output.prefix(written))
    }
}
