import RecurSafetensors
import RecurTestSupport
import Testing

@Suite struct SerializationTests {
    @Test func roundTripInMemory() throws {
        let original = try sampleFile()
        let bytes = original.serialized()
        let parsed = try SafetensorsFile(bytes: bytes)
        #expect(parsed.names == original.names)
        #expect(parsed.tensors == original.tensors)
        #expect(parsed.metadata == original.metadata)
        #expect(parsed.serialized() == bytes)
        #expect(try parsed.floats(named: "weights")[3] == .infinity)
        #expect(try parsed.floats(named: "weights")[4].sign == .minus)
    }

    @Test func roundTripThroughDisk() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("sample.safetensors")
        let original = try sampleFile()
        try original.write(to: path)
        let read = try SafetensorsFile.read(path: path)
        #expect(read.source == path)
        #expect(read.names == original.names)
        #expect(read.tensors == original.tensors)
        #expect(read.metadata == original.metadata)
        #expect(try AtomicFile.readAll(path: path) == original.serialized())
    }

    @Test func bytesAreExactlyAsSpecified() throws {
        let file = try SafetensorsFile(
            tensors: ["b": Tensor(floats: [1]), "a": Tensor(int64s: [2])], metadata: ["z": "1", "a": "2"])
        let header = #"{"__metadata__":{"a":"2","z":"1"},"a":{"dtype":"I64","shape":[1],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}"#
        let padded = header + String(repeating: " ", count: (8 - header.utf8.count % 8) % 8)
        #expect(file.serialized() == rawFile(header: padded, buffer: [2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x80, 0x3F]))
    }

    @Test func emptyFileHasEmptyObjectHeader() throws {
        #expect(SafetensorsFile().serialized() == rawFile(header: "{}      "))
        #expect(try SafetensorsFile(bytes: rawFile(header: "{}")).names.isEmpty)
    }

    @Test func serializationIsDeterministic() throws {
        let tensors = try (0..<20).map { index in
            ("t\(index)", try Tensor(floats: (0..<index).map(Float.init), shape: [index]))
        }
        let metadata = Dictionary(uniqueKeysWithValues: (0..<20).map { ("key\($0)", "value\($0)") })
        let forward = try SafetensorsFile(tensors: Dictionary(uniqueKeysWithValues: tensors), metadata: metadata)
        var backward = SafetensorsFile()
        for (name, tensor) in tensors.reversed() { try backward.set(tensor, named: name) }
        for (key, value) in metadata.sorted(by: { $0.key > $1.key }) { backward.metadata[key] = value }
        let sorted = try SafetensorsFile(orderedTensors: tensors.sorted { $0.0 < $1.0 }, metadata: metadata)
        #expect(forward.serialized() == sorted.serialized())
        #expect(forward.serialized() == forward.serialized())
        // Tensor order is part of the contents, metadata order is not.
        #expect(backward.names == tensors.reversed().map(\.0))
        let reordered = try SafetensorsFile(orderedTensors: tensors.reversed(), metadata: metadata)
        #expect(backward.serialized() == reordered.serialized())
    }

    @Test func headerIsPaddedToEightBytes() throws {
        for length in 0..<16 {
            let file = try SafetensorsFile(tensors: [String(repeating: "n", count: length + 1): Tensor(floats: [1])])
            let bytes = file.serialized()
            let headerLength = bytes[0..<8].reversed().reduce(0) { $0 << 8 | Int($1) }
            #expect(headerLength % 8 == 0)
            #expect(bytes.count == 8 + headerLength + 4)
        }
    }

    @Test func fileOrderIsDataOrder() throws {
        // Header keys in one order, data in another: names follow the data.
        let header = #"{"b":{"dtype":"U8","shape":[1],"data_offsets":[1,2]},"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}}"#
        let file = try SafetensorsFile(bytes: rawFile(header: header, buffer: [10, 20]))
        #expect(file.names == ["a", "b"])
        #expect(file["b"]?.bytes == [20])
    }

    @Test func escapesAndUnicodeInHeader() throws {
        let header = #"{"__metadata__":{"k":"a\"b\\c\/\u00e9\ud83d\ude00\n\t\b\f\r"} , "x\u0001" : {"shape":[],"data_offsets":[0,1],"dtype":"I8"}}"#
        let file = try SafetensorsFile(bytes: rawFile(header: header, buffer: [7]))
        #expect(file.metadata["k"] == "a\"b\\c/é😀\n\t\u{8}\u{c}\r")
        #expect(file.names == ["x\u{1}"])
        let reparsed = try SafetensorsFile(bytes: file.serialized())
        #expect(reparsed.metadata == file.metadata)
        #expect(reparsed.tensors == file.tensors)
    }
}
