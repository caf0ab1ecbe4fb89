/// One `.npy` array, as NumPy's `np.save` (and each member of `np.savez`)
/// writes it: the magic `\x93NUMPY`, a version, a header dict
/// (`{'descr': '<f4', 'fortran_order': False, 'shape': (40, 100, 6), }`),
/// then the elements in C order.
enum NPYArray {
    /// The array in `bytes`, or its strings for a `<U`/`|S` array (class names).
    enum Content {
        case numbers(DataArray)
        case strings([String])
    }

    /// Parses the `.npy` bytes of the array `name`; `file` names the archive in errors.
    static func parse(_ bytes: [UInt8], name: String, file: String) throws(DataError) -> Content {
        func fail(_ problem: String) -> DataError { DataError(file: file, place: .tensor(name), problem) }
        let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]
        guard bytes.count >= 10, Array(bytes[0..<6]) == magic else { throw fail("is not a .npy array (no \\x93NUMPY magic)") }
        let major = bytes[6]
        let headerLength: Int, headerStart: Int
        switch major {
        case 1:
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
            headerStart = 10
        case 2, 3:
            guard bytes.count >= 12 else { throw fail("truncated .npy header") }
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
            headerStart = 12
        default:
            throw fail(".npy format version \(major) is not supported")
        }
        guard headerLength <= bytes.count - headerStart else { throw fail("truncated .npy header") }
        let header = String(decoding: bytes[headerStart..<headerStart + headerLength], as: UTF8.self)
        guard let descr = quotedValue(of: "descr", in: header) else { throw fail("the .npy header has no descr") }
        guard let fortran = rawValue(of: "fortran_order", in: header) else { throw fail("the .npy header has no fortran_order") }
        guard let shapeText = rawValue(of: "shape", in: header), let shape = parseShape(shapeText) else {
            throw fail("the .npy header has no readable shape")
        }
        let data = Array(bytes[(headerStart + headerLength)...])
        let count = shape.reduce(1) { $0.multipliedReportingOverflow(by: $1).overflow ? Int.max : $0 * $1 }
        if fortran.hasPrefix("True") && shape.count > 1 && count > 1 {
            throw fail("is stored in Fortran order; save np.ascontiguousarray(x) instead")
        }
        guard let order = descr.first, "<>|=".contains(order) else { throw fail("has dtype '\(descr)', which is not supported") }
        let bigEndian = order == ">"
        let code = descr.dropFirst()
        // Strings: class names.
        if let kind = code.first, kind == "U" || kind == "S", let width = Int(code.dropFirst()), width >= 0 {
            let unit = kind == "U" ? 4 : 1
            guard count < Int.max / max(width * unit, 1), data.count >= count * width * unit else {
                throw fail("holds fewer bytes than its shape \(shape) needs")
            }
            var strings: [String] = []
            for index in 0..<count {
                let start = index * width * unit
                if kind == "S" {
                    strings.append(String(decoding: data[start..<start + width].prefix { $0 != 0 }, as: UTF8.self))
                } else {
                    var scalars = String.UnicodeScalarView()
                    for k in 0..<width {
                        let at = start + 4 * k
                        var value = UInt32(data[at]) | UInt32(data[at + 1]) << 8 | UInt32(data[at + 2]) << 16 | UInt32(data[at + 3]) << 24
                        if bigEndian { value = value.byteSwapped }
                        if value == 0 { break }
                        scalars.append(Unicode.Scalar(value) ?? "\u{FFFD}")
                    }
                    strings.append(String(scalars))
                }
            }
            return .strings(strings)
        }
        let element: ArrayElement
        switch code {
        case "f8": element = .float(bits: 64)
        case "f4": element = .float(bits: 32)
        case "f2": element = .float(bits: 16)
        case "i8": element = .signed(bits: 64)
        case "i4": element = .signed(bits: 32)
        case "i2": element = .signed(bits: 16)
        case "i1": element = .signed(bits: 8)
        case "u8": element = .unsigned(bits: 64)
        case "u4": element = .unsigned(bits: 32)
        case "u2": element = .unsigned(bits: 16)
        case "u1": element = .unsigned(bits: 8)
        case "b1": element = .bool
        default: throw fail("has dtype '\(descr)'; expected a float or integer type")
        }
        let array = DataArray(name: name, element: element, shape: shape, bytes: data, bigEndian: bigEndian && element.byteSize > 1)
        guard let needed = ArraySplit.byteCount(array), needed <= data.count else {
            throw fail("holds \(data.count) data bytes, fewer than its shape \(shape) of \(element.numpyName) needs")
        }
        guard needed == data.count else { throw fail("holds \(data.count - needed) bytes past the data its shape \(shape) describes") }
        return .numbers(array)
    }

    /// The text after `'key':` up to the next top-level comma or brace.
    private static func rawValue(of key: String, in header: String) -> Substring? {
        let needle = Array("'\(key)'".utf8), haystack = Array(header.utf8)
        guard needle.count <= haystack.count,
            let start = (0...(haystack.count - needle.count)).first(where: { Array(haystack[$0..<$0 + needle.count]) == needle })
        else { return nil }
        let after = String(decoding: haystack[(start + needle.count)...], as: UTF8.self)
        var rest = after[...].drop { $0 == " " }
        guard rest.first == ":" else { return nil }
        rest = rest.dropFirst().drop { $0 == " " }
        return rest
    }

    /// The quoted string value of `key`.
    private static func quotedValue(of key: String, in header: String) -> String? {
        guard let rest = rawValue(of: key, in: header), let quote = rest.first, quote == "'" || quote == "\"" else { return nil }
        let body = rest.dropFirst()
        guard let close = body.firstIndex(of: quote) else { return nil }
        return String(body[..<close])
    }

    /// `(40, 100, 6)`, `(40,)` or `()`.
    private static func parseShape(_ text: Substring) -> [Int]? {
        guard text.first == "(", let close = text.firstIndex(of: ")") else { return nil }
        let inside = text[text.index(after: text.startIndex)..<close]
        var shape: [Int] = []
        for part in inside.split(separator: ",") {
            let trimmed = part.trimmingCharacters()
            if trimmed.isEmpty { continue }
            guard let value = Int(trimmed), value >= 0 else { return nil }
            shape.append(value)
        }
        return shape
    }
}

extension Substring {
    fileprivate func trimmingCharacters() -> String {
        String(drop { $0 == " " || $0 == "L" }.reversed().drop { $0 == " " || $0 == "L" }.reversed())
    }
}
