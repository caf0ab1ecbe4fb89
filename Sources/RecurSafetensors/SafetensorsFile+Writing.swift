extension SafetensorsFile {
    /// The file's bytes, deterministically: the same tensors, order and
    /// metadata always give the same bytes.
    ///
    /// The header is compact JSON: `__metadata__` first (omitted when empty)
    /// with its keys sorted byte-wise, then one entry per tensor in ``names``
    /// order with its fields in the order `dtype`, `shape`, `data_offsets`;
    /// it is padded with spaces to a multiple of 8 bytes so the data starts
    /// 8-byte aligned. Tensor data follows in ``names`` order, back to back.
    /// - Complexity: O(total bytes).
    public func serialized() -> [UInt8] {
        var header: [UInt8] = []
        var separator: [UInt8] = []
        header.append(UInt8(ascii: "{"))
        if !metadata.isEmpty {
            header.appendJSONString(Self.metadataKey)
            header.append(contentsOf: ":{".utf8)
            let keys = metadata.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            for (index, key) in keys.enumerated() {
                if index > 0 { header.append(UInt8(ascii: ",")) }
                header.appendJSONString(key)
                header.append(UInt8(ascii: ":"))
                header.appendJSONString(metadata[key] ?? "")
            }
            header.append(UInt8(ascii: "}"))
            separator = [UInt8(ascii: ",")]
        }
        let ordered = names.compactMap { name in tensors[name].map { (name: name, tensor: $0) } }
        var offset = 0
        for (name, tensor) in ordered {
            header.append(contentsOf: separator)
            separator = [UInt8(ascii: ",")]
            header.appendJSONString(name)
            header.append(contentsOf: ":{\"dtype\":".utf8)
            header.appendJSONString(tensor.dtype.rawValue)
            header.append(contentsOf: ",\"shape\":[".utf8)
            header.append(contentsOf: tensor.shape.map(String.init).joined(separator: ",").utf8)
            header.append(contentsOf: "],\"data_offsets\":[\(offset),\(offset + tensor.bytes.count)]}".utf8)
            offset += tensor.bytes.count
        }
        header.append(UInt8(ascii: "}"))
        header.append(contentsOf: repeatElement(UInt8(ascii: " "), count: (8 - header.count % 8) % 8))

        var bytes: [UInt8] = []
        bytes.reserveCapacity(8 + header.count + offset)
        withUnsafeBytes(of: UInt64(header.count).littleEndian) { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: header)
        for (_, tensor) in ordered {
            bytes.append(contentsOf: tensor.bytes)
        }
        return bytes
    }

    /// Writes ``serialized()`` to `path` atomically (see ``AtomicFile/write(_:to:)``).
    /// - Throws: ``FileError`` when the file cannot be written; any earlier file at `path` is then untouched.
    public func write(to path: String) throws(FileError) {
        try AtomicFile.write(serialized(), to: path)
    }
}

extension [UInt8] {
    /// Appends `string` as a JSON string literal: quotes, backslashes and
    /// control characters escaped, everything else as raw UTF-8.
    fileprivate mutating func appendJSONString(_ string: String) {
        append(UInt8(ascii: "\""))
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "\""): append(contentsOf: "\\\"".utf8)
            case UInt8(ascii: "\\"): append(contentsOf: "\\\\".utf8)
            case 0x0A: append(contentsOf: "\\n".utf8)
            case 0x0D: append(contentsOf: "\\r".utf8)
            case 0x09: append(contentsOf: "\\t".utf8)
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                append(contentsOf: "\\u00".utf8)
                append(hex[Int(byte >> 4)])
                append(hex[Int(byte & 0xF)])
            default: append(byte)
            }
        }
        append(UInt8(ascii: "\""))
    }
}
