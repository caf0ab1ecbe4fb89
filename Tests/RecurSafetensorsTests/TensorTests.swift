import RecurSafetensors
import Testing

@Suite struct TensorTests {
    @Test func dtypeSizes() {
        let sizes = Dictionary(uniqueKeysWithValues: DType.allCases.map { ($0.rawValue, $0.byteSize) })
        #expect(sizes == ["F64": 8, "F32": 4, "F16": 2, "BF16": 2, "I64": 8, "I32": 4, "I16": 2, "I8": 1, "U8": 1, "BOOL": 1])
    }

    @Test func floatsAreLittleEndianAndRoundTrip() throws {
        let tensor = try Tensor(floats: [1, -2], shape: [2, 1])
        #expect(tensor.dtype == .F32)
        #expect(tensor.shape == [2, 1])
        #expect(tensor.bytes == [0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x00, 0xC0])
        #expect(try tensor.floats() == [1, -2])
        #expect(tensor.elementCount == 2)
    }

    @Test func int64sAreLittleEndianAndRoundTrip() throws {
        let tensor = try Tensor(int64s: [1, -1])
        #expect(tensor.shape == [2])
        #expect(tensor.bytes == [1, 0, 0, 0, 0, 0, 0, 0] + Array(repeating: 0xFF, count: 8))
        #expect(try tensor.int64s() == [1, -1])
    }

    @Test func scalarAndEmptyShapes() throws {
        #expect(try Tensor(floats: [7], shape: []).floats() == [7])
        #expect(try Tensor(int64s: [], shape: [3, 0]).int64s() == [])
    }

    @Test func mismatchesThrow() throws {
        #expect(throws: TensorError.byteCountMismatch(dtype: .F32, shape: [2, 2], byteCount: 12)) {
            try Tensor(floats: [1, 2, 3], shape: [2, 2])
        }
        #expect(throws: TensorError.invalidShape([-1])) { try Tensor(dtype: .U8, shape: [-1], bytes: []) }
        #expect(throws: TensorError.invalidShape([1 << 32, 1 << 32])) {
            try Tensor(dtype: .U8, shape: [1 << 32, 1 << 32], bytes: [])
        }
        #expect(throws: TensorError.dtypeMismatch(requested: .F32, actual: .I64)) { try Tensor(int64s: [1]).floats() }
        #expect(throws: TensorError.dtypeMismatch(requested: .I64, actual: .F32)) { try Tensor(floats: [1]).int64s() }
        #expect("\(TensorError.byteCountMismatch(dtype: .F32, shape: [2, 2], byteCount: 12))" == "a F32 tensor of shape [2, 2] needs 16 bytes, got 12")
    }

    @Test func fileBuildingRejectsReservedAndDuplicateNames() throws {
        let tensor = try Tensor(floats: [1])
        #expect(throws: TensorError.reservedName("__metadata__")) {
            try SafetensorsFile(tensors: ["__metadata__": tensor])
        }
        #expect(throws: TensorError.duplicateName("a")) {
            try SafetensorsFile(orderedTensors: [("a", tensor), ("a", tensor)])
        }
    }

    @Test func fileEditingKeepsOrder() throws {
        var file = try SafetensorsFile(tensors: ["b": Tensor(floats: [1]), "a": Tensor(floats: [2])])
        #expect(file.names == ["a", "b"])
        try file.set(Tensor(floats: [3]), named: "c")
        try file.set(Tensor(floats: [4]), named: "a")
        #expect(file.names == ["a", "b", "c"])
        #expect(try file["a"]?.floats() == [4])
        #expect(try file.removeTensor(named: "b")?.floats() == [1])
        #expect(file.removeTensor(named: "b") == nil)
        #expect(file.names == ["a", "c"])
        #expect(Set(file.tensors.keys) == ["a", "c"])
    }

    @Test func typedAccessorsNameTheFileAndTensor() throws {
        let file = try SafetensorsFile(bytes: SafetensorsFile(tensors: ["x": Tensor(floats: [1, 2])]).serialized(), source: "ckpt.safetensors")
        #expect(try file.floats(named: "x", shape: [2]) == [1, 2])
        #expect(throws: SafetensorsError(source: "ckpt.safetensors", reason: .missingTensor("y"))) {
            try file.floats(named: "y")
        }
        let wrongShape = SafetensorsError(source: "ckpt.safetensors", reason: .unexpectedTensor("x", .shapeMismatch(expected: [1, 2], actual: [2])))
        #expect(throws: wrongShape) { try file.floats(named: "x", shape: [1, 2]) }
        #expect(wrongShape.description == "ckpt.safetensors: tensor 'x': shape is [2], expected [1, 2]")
        #expect(throws: SafetensorsError(source: "ckpt.safetensors", reason: .unexpectedTensor("x", .dtypeMismatch(requested: .I64, actual: .F32)))) {
            try file.int64s(named: "x")
        }
    }
}
