/// The element type of an array in a data file (a safetensors dtype or a
/// NumPy `descr`), and its conversion to the floats and integers a
/// ``Dataset`` holds.
enum ArrayElement: Equatable, Sendable {
    case float(bits: Int)
    case bfloat16
    case signed(bits: Int)
    case unsigned(bits: Int)
    case bool

    /// Bytes per element.
    var byteSize: Int {
        switch self {
        case .float(let bits), .signed(let bits), .unsigned(let bits): bits / 8
        case .bfloat16: 2
        case .bool: 1
        }
    }

    var isInteger: Bool {
        switch self {
        case .signed, .unsigned, .bool: true
        case .float, .bfloat16: false
        }
    }

    /// Whether inputs of this type can be used: every type but the 16-bit
    /// floats, whose few bits of mantissa would be a silent loss.
    var isUsableForInputs: Bool {
        switch self {
        case .float(let bits): bits >= 32
        case .bfloat16: false
        case .signed, .unsigned, .bool: true
        }
    }

    /// The safetensors dtype spelling (F32, I64, ...).
    var safetensorsName: String {
        switch self {
        case .float(let bits): "F\(bits)"
        case .bfloat16: "BF16"
        case .signed(let bits): "I\(bits)"
        case .unsigned(let bits): "U\(bits)"
        case .bool: "BOOL"
        }
    }

    /// The NumPy name (float32, int64, ...).
    var numpyName: String {
        switch self {
        case .float(let bits): "float\(bits)"
        case .bfloat16: "bfloat16"
        case .signed(let bits): "int\(bits)"
        case .unsigned(let bits): "uint\(bits)"
        case .bool: "bool"
        }
    }

    /// Element `index` of `bytes` as a float (rounded to float32 for wider types).
    @inline(__always)
    func float(_ bytes: UnsafeRawBufferPointer, _ index: Int, bigEndian: Bool) -> Float {
        switch self {
        case .float(bits: 64): Float(Double(bitPattern: load(bytes, index, UInt64.self, bigEndian)))
        case .float(bits: 32): Float(bitPattern: load(bytes, index, UInt32.self, bigEndian))
        case .float, .bfloat16: .nan  // 16-bit floats are refused before any value is read
        case .signed(bits: 64): Float(Int64(bitPattern: load(bytes, index, UInt64.self, bigEndian)))
        case .signed(bits: 32): Float(Int32(bitPattern: load(bytes, index, UInt32.self, bigEndian)))
        case .signed(bits: 16): Float(Int16(bitPattern: load(bytes, index, UInt16.self, bigEndian)))
        case .signed: Float(Int8(bitPattern: bytes[index]))
        case .unsigned(bits: 64): Float(load(bytes, index, UInt64.self, bigEndian))
        case .unsigned(bits: 32): Float(load(bytes, index, UInt32.self, bigEndian))
        case .unsigned(bits: 16): Float(load(bytes, index, UInt16.self, bigEndian))
        case .unsigned, .bool: Float(bytes[index])
        }
    }

    /// Element `index` of an integer array, or nil when it does not fit 64 signed bits.
    @inline(__always)
    func integer(_ bytes: UnsafeRawBufferPointer, _ index: Int, bigEndian: Bool) -> Int64? {
        switch self {
        case .signed(bits: 64): Int64(bitPattern: load(bytes, index, UInt64.self, bigEndian))
        case .signed(bits: 32): Int64(Int32(bitPattern: load(bytes, index, UInt32.self, bigEndian)))
        case .signed(bits: 16): Int64(Int16(bitPattern: load(bytes, index, UInt16.self, bigEndian)))
        case .signed: Int64(Int8(bitPattern: bytes[index]))
        case .unsigned(bits: 64): Int64(exactly: load(bytes, index, UInt64.self, bigEndian))
        case .unsigned(bits: 32): Int64(load(bytes, index, UInt32.self, bigEndian))
        case .unsigned(bits: 16): Int64(load(bytes, index, UInt16.self, bigEndian))
        case .unsigned, .bool: Int64(bytes[index])
        case .float, .bfloat16: nil
        }
    }

    @inline(__always)
    private func load<T: FixedWidthInteger>(_ bytes: UnsafeRawBufferPointer, _ index: Int, _: T.Type, _ bigEndian: Bool) -> T {
        let raw = bytes.loadUnaligned(fromByteOffset: index * MemoryLayout<T>.size, as: T.self)
        return bigEndian ? T(bigEndian: raw) : T(littleEndian: raw)
    }
}

/// An array read from a data file: its name (for errors), element type,
/// shape and raw bytes.
struct DataArray {
    var name: String
    var element: ArrayElement
    var shape: [Int]
    var bytes: [UInt8]
    var bigEndian = false

    var count: Int { shape.reduce(1, *) }
}
