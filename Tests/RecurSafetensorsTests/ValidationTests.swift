import RecurSafetensors
import Testing

/// Every kind of malformed file is rejected with its own error.
@Suite struct ValidationTests {
    /// A header with one tensor `a` described by `entry`.
    private func single(_ entry: String, buffer: [UInt8]) -> [UInt8] {
        rawFile(header: #"{"a":"# + entry + "}", buffer: buffer)
    }

    @Test func lengthProblems() {
        #expect(rejection([1, 2, 3]) == .fileTooShort(byteCount: 3))
        #expect(rejection([]) == .fileTooShort(byteCount: 0))
        #expect(rejection(rawFile(headerLength: 1000, rest: Array("{}".utf8))) == .headerLengthBeyondFile(headerLength: 1000, fileSize: 10))
        #expect(rejection(rawFile(headerLength: 3, rest: Array("{}".utf8))) == .headerLengthBeyondFile(headerLength: 3, fileSize: 10))
        #expect(rejection(rawFile(headerLength: 200_000_000, rest: [])) == .headerTooLarge(headerLength: 200_000_000))
        #expect(rejection(rawFile(headerLength: .max, rest: [])) == .headerTooLarge(headerLength: .max))
    }

    @Test func headerProblems() {
        #expect(rejection(rawFile(headerLength: 2, rest: [0xFF, 0xFE])) == .headerNotUTF8)
        #expect(rejection(rawFile(header: "[1, 2]")) == .headerNotObject)
        #expect(rejection(rawFile(header: #""text""#)) == .headerNotObject)
        #expect(rejection(rawFile(header: #"{"__metadata__":{"k":1}}"#)) == .metadataNotString(key: "k"))
        #expect(rejection(rawFile(header: #"{"__metadata__":["k"]}"#)) == .metadataNotObject)
    }

    @Test(arguments: [
        "", "{", #"{"a":"#, #"{"a" 1}"#, "{1:2}", #"{"a":1,}"#, "[1 2]", #"{"a":true}"#, #"{"a":null}"#,
        #"{"a":1.5}"#, #"{"a":1e3}"#, #"{"a":01}"#, #"{"a":-}"#, #"{"a":99999999999999999999}"#,
        #"{"a":"\x"}"#, #"{"a":"\u12"}"#, #"{"a":"\ud800"}"#, #"{"a":"\udc00"}"#, "{\"a\":\"\u{1}\"}",
        #"{"a":"unterminated}"#, "{} {}", #"{"a":1,"a":2}"#,
        #"{"__metadata__":{"k":"#  + String(repeating: "[", count: 40) + String(repeating: "]", count: 40) + "}}",
    ])
    func invalidJSON(_ header: String) {
        let reason = rejection(rawFile(header: header))
        guard case .headerNotJSON = reason else {
            Issue.record("\(header.prefix(40)): \(String(describing: reason))")
            return
        }
    }

    @Test func deepNestingIsRejectedWithoutRecursingDeeply() {
        let reason = rejection(rawFile(header: String(repeating: "[", count: 100_000)))
        #expect(reason == .headerNotJSON(message: "nesting deeper than 32", offset: 32))
    }

    @Test func jsonErrorsGiveTheOffset() {
        let error = SafetensorsError(source: "x.safetensors", reason: rejection(rawFile(header: #"{"a":1,"a":2}"#))!)
        #expect(error.description == #"x.safetensors: header is not valid JSON: duplicate key "a" at byte 7 of the header"#)
    }

    @Test func entryProblems() {
        let four: [UInt8] = [0, 0, 0, 0]
        #expect(rejection(single("5", buffer: [])) == .malformedEntry(tensor: "a", problem: "entry is an integer, not an object"))
        #expect(rejection(single(#"{"shape":[1],"data_offsets":[0,4]}"#, buffer: four)) == .malformedEntry(tensor: "a", problem: "missing field 'dtype'"))
        #expect(rejection(single(#"{"dtype":"F32","data_offsets":[0,4]}"#, buffer: four)) == .malformedEntry(tensor: "a", problem: "missing field 'shape'"))
        #expect(rejection(single(#"{"dtype":"F32","shape":[1]}"#, buffer: four)) == .malformedEntry(tensor: "a", problem: "missing field 'data_offsets'"))
        #expect(rejection(single(#"{"dtype":"F32","shape":[1],"data_offsets":[0,4],"extra":1}"#, buffer: four)) == .malformedEntry(tensor: "a", problem: "unexpected field 'extra'"))
        #expect(rejection(single(#"{"dtype":32,"shape":[1],"data_offsets":[0,4]}"#, buffer: four)) == .malformedEntry(tensor: "a", problem: "dtype is an integer, not a string"))
        #expect(rejection(single(#"{"dtype":"F32","shape":["1"],"data_offsets":[0,4]}"#, buffer: four)) == .malformedEntry(tensor: "a", problem: "shape is not an array of integers"))
        #expect(rejection(single(#"{"dtype":"F32","shape":[1],"data_offsets":[0,4,8]}"#, buffer: four)) == .malformedEntry(tensor: "a", problem: "data_offsets is not an array of two non-negative integers"))
        #expect(rejection(single(#"{"dtype":"F32","shape":[1],"data_offsets":[-4,0]}"#, buffer: four)) == .malformedEntry(tensor: "a", problem: "data_offsets is not an array of two non-negative integers"))
    }

    @Test func typeAndShapeProblems() {
        #expect(rejection(single(#"{"dtype":"F8_E4M3","shape":[1],"data_offsets":[0,1]}"#, buffer: [0])) == .unknownDType(tensor: "a", dtype: "F8_E4M3"))
        #expect(rejection(single(#"{"dtype":"F32","shape":[-1],"data_offsets":[0,0]}"#, buffer: [])) == .invalidShape(tensor: "a", shape: [-1]))
        #expect(rejection(single(#"{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,0]}"#, buffer: [])) == .invalidShape(tensor: "a", shape: [1 << 32, 1 << 32]))
        #expect(rejection(single(#"{"dtype":"F64","shape":[9223372036854775807],"data_offsets":[0,0]}"#, buffer: [])) == .invalidShape(tensor: "a", shape: [.max]))
    }

    @Test func offsetProblems() {
        let eight = [UInt8](repeating: 0, count: 8)
        #expect(rejection(single(#"{"dtype":"F32","shape":[3],"data_offsets":[0,8]}"#, buffer: eight)) == .dataSizeMismatch(tensor: "a", dtype: .F32, shape: [3], begin: 0, end: 8))
        #expect(rejection(single(#"{"dtype":"F32","shape":[2],"data_offsets":[8,0]}"#, buffer: eight)) == .dataSizeMismatch(tensor: "a", dtype: .F32, shape: [2], begin: 8, end: 0))
        #expect(rejection(single(#"{"dtype":"F32","shape":[2],"data_offsets":[4,12]}"#, buffer: eight)) == .offsetsOutOfBuffer(tensor: "a", end: 12, bufferSize: 8))
        #expect(rejection(single(#"{"dtype":"I64","shape":[1],"data_offsets":[9223372036854775800,9223372036854775807]}"#, buffer: eight)) == .dataSizeMismatch(tensor: "a", dtype: .I64, shape: [1], begin: 9223372036854775800, end: 9223372036854775807))
    }

    @Test func coverageProblems() {
        let twelve = [UInt8](repeating: 0, count: 12)
        let overlapping = #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#
        #expect(rejection(rawFile(header: overlapping, buffer: twelve)) == .overlappingTensors("a", "b"))
        let duplicate = #"{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,12]},"b":{"dtype":"F32","shape":[3],"data_offsets":[0,12]}}"#
        #expect(rejection(rawFile(header: duplicate, buffer: twelve)) == .overlappingTensors("a", "b"))
        let gap = #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}"#
        #expect(rejection(rawFile(header: gap, buffer: twelve)) == .uncoveredBytes(begin: 4, end: 8))
        let trailing = #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#
        #expect(rejection(rawFile(header: trailing, buffer: twelve)) == .uncoveredBytes(begin: 4, end: 12))
        #expect(rejection(rawFile(header: "{}", buffer: [1])) == .uncoveredBytes(begin: 0, end: 1))
        let emptyInside = #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"z":{"dtype":"F32","shape":[0],"data_offsets":[4,4]}}"#
        #expect(rejection(rawFile(header: emptyInside, buffer: Array(twelve.prefix(8)))) == .overlappingTensors("a", "z"))
        let emptyBetween = #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"z":{"dtype":"F32","shape":[0],"data_offsets":[4,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#
        #expect(rejection(rawFile(header: emptyBetween, buffer: Array(twelve.prefix(8)))) == nil)
    }

    @Test func messagesNameTheFile() {
        let error = SafetensorsError(source: "/runs/ckpt.safetensors", reason: .dataSizeMismatch(tensor: "fc.bias", dtype: .F32, shape: [10], begin: 0, end: 36))
        #expect(error.description == "/runs/ckpt.safetensors: tensor 'fc.bias' has data_offsets [0, 36] but F32 [10] needs 40 bytes")
        #expect(SafetensorsError(source: "f", reason: .fileTooShort(byteCount: 3)).description == "f: file has 3 bytes, fewer than the 8-byte header length")
    }
}
