import CZlib
import Foundation
@testable import RecurData

/// Builders for small IDX files and a scratch directory to put them in.
enum TestFiles {
    /// An IDX image file: magic 0x00000803, `count x rows x columns`, then `pixels`
    /// (by default pixel `k` of the file is `k % 256`).
    static func images(count: Int, rows: Int = 28, columns: Int = 28, pixels: [UInt8]? = nil) -> [UInt8] {
        let data = pixels ?? (0..<(count * rows * columns)).map { UInt8(truncatingIfNeeded: $0) }
        return [0, 0, 8, 3] + bigEndian(count) + bigEndian(rows) + bigEndian(columns) + data
    }

    /// An IDX label file: magic 0x00000801, the count, then `labels`.
    static func labels(_ labels: [UInt8]) -> [UInt8] {
        [0, 0, 8, 1] + bigEndian(labels.count) + labels
    }

    static func bigEndian(_ value: Int) -> [UInt8] {
        let v = UInt32(truncatingIfNeeded: value)
        return [UInt8(v >> 24), UInt8(truncatingIfNeeded: v >> 16), UInt8(truncatingIfNeeded: v >> 8), UInt8(truncatingIfNeeded: v)]
    }

    /// `bytes` compressed as one gzip member by zlib's deflate.
    static func gzip(_ bytes: [UInt8]) -> [UInt8] {
        var stream = z_stream()
        let windowBits = 16 + MAX_WBITS  // gzip wrapper
        guard deflateInit2_(&stream, Z_BEST_SPEED, Z_DEFLATED, windowBits, 8, Z_DEFAULT_STRATEGY,
                            zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            fatalError("deflateInit2 failed")
        }
        defer { deflateEnd(&stream) }
        var input = bytes
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, UInt(bytes.count))))
        let written = input.withUnsafeMutableBufferPointer { inBuffer in
            output.withUnsafeMutableBufferPointer { outBuffer in
                stream.next_in = inBuffer.baseAddress
                stream.avail_in = UInt32(inBuffer.count)
                stream.next_out = outBuffer.baseAddress
                stream.avail_out = UInt32(outBuffer.count)
                guard deflate(&stream, Z_FINISH) == Z_STREAM_END else { fatalError("deflate did not finish") }
                return outBuffer.count - Int(stream.avail_out)
            }
        }
        return Array(output.prefix(written))
    }

    /// The package root, found from this file's path.
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
}

/// A fresh directory under the system's temporary directory, removed on deinit.
final class ScratchDirectory {
    let path: String

    init() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("recur-data-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        path = url.path
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// Writes `bytes` to `name` inside the directory (creating subfolders) and returns the file's path.
    @discardableResult
    func write(_ bytes: [UInt8], to name: String) throws -> String {
        let file = (path as NSString).appendingPathComponent(name)
        try FileManager.default.createDirectory(
            atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(bytes).write(to: URL(fileURLWithPath: file))
        return file
    }

    /// Writes the test split (`t10k-*`) with the given file contents, raw or gzip-compressed.
    func writeTestSplit(images: [UInt8], labels: [UInt8], compressed: Bool) throws {
        try write(compressed ? TestFiles.gzip(images) : images, to: "t10k-images-idx3-ubyte" + (compressed ? ".gz" : ""))
        try write(compressed ? TestFiles.gzip(labels) : labels, to: "t10k-labels-idx1-ubyte" + (compressed ? ".gz" : ""))
    }
}
