import CZlib

/// What every rank of a run must agree on, as named 64-bit hashes (options,
/// data, kernel build, starting point): compared across ranks at start
/// (``ProcessGroup/requireSame(_:)``), so a rank given other options or
/// other data is refused with the name of what differs instead of
/// silently training something else.
public struct RunFingerprint: Sendable {
    public private(set) var names: [String] = []
    public private(set) var values: [UInt64] = []

    public init() {}

    public mutating func add(_ name: String, _ text: String) {
        add(name, bytes: Array(text.utf8))
    }

    public mutating func add(_ name: String, bytes: [UInt8]) {
        bytes.withUnsafeBytes { add(name, raw: $0) }
    }

    public mutating func add<Element>(_ name: String, elements: [Element]) {
        elements.withUnsafeBytes { add(name, raw: $0) }
    }

    /// CRC-32 (zlib) of the bytes in the low half, their count in the high half.
    public mutating func add(_ name: String, raw: UnsafeRawBufferPointer) {
        var digest = Digest()
        digest.update(raw)
        add(name, digest)
    }

    public mutating func add(_ name: String, _ digest: Digest) {
        names.append(name)
        values.append(digest.value)
    }

    /// A CRC-32 of bytes given piece by piece, and their count.
    public struct Digest: Sendable {
        private var crc: UInt = 0
        private var count = 0

        public init() {}

        public mutating func update(_ raw: UnsafeRawBufferPointer) {
            var offset = 0
            while offset < raw.count {
                let length = min(raw.count - offset, 1 << 30)
                crc = crc32(crc, raw.baseAddress!.assumingMemoryBound(to: UInt8.self) + offset, UInt32(length))
                offset += length
            }
            count += raw.count
        }

        public var value: UInt64 { UInt64(crc & 0xFFFF_FFFF) | UInt64(truncatingIfNeeded: count) << 32 }
    }
}
