import RecurSafetensors

/// The bytes of a safetensors file with the given header text and data buffer.
func rawFile(header: String, buffer: [UInt8] = []) -> [UInt8] {
    rawFile(headerLength: UInt64(header.utf8.count), rest: Array(header.utf8) + buffer)
}

/// An 8-byte little-endian header length followed by `rest`.
func rawFile(headerLength: UInt64, rest: [UInt8]) -> [UInt8] {
    withUnsafeBytes(of: headerLength.littleEndian) { Array($0) } + rest
}

/// Why `bytes` is rejected, or `nil` when they parse.
func rejection(_ bytes: [UInt8]) -> SafetensorsError.Reason? {
    do {
        _ = try SafetensorsFile(bytes: bytes, source: "test.safetensors")
        return nil
    } catch {
        return error.reason
    }
}

/// A small file with several dtypes, a scalar, an empty tensor and metadata.
func sampleFile() throws -> SafetensorsFile {
    try SafetensorsFile(
        orderedTensors: [
            ("weights", Tensor(floats: [1, -2.5, 3.25, .infinity, -0.0, 1e-30], shape: [2, 3])),
            ("labels", Tensor(int64s: [0, 9, -1, .max], shape: [4])),
            ("scalar", Tensor(floats: [42], shape: [])),
            ("empty", Tensor(floats: [], shape: [0, 3])),
            ("mask", Tensor(dtype: .BOOL, shape: [3], bytes: [1, 0, 1])),
            ("half", Tensor(dtype: .F16, shape: [2], bytes: [0x00, 0x3C, 0x00, 0xC0])),
            ("ünïcode \"name\"", Tensor(dtype: .U8, shape: [1], bytes: [255])),
        ],
        metadata: ["step": "12", "note": "quotes \" backslash \\ newline \n tab \t é 😀", "": "empty key"])
}
