/// The element types a safetensors file can hold, spelled as in the file's header.
///
/// Only the types the project meets are listed; a header naming any other type
/// is rejected with ``SafetensorsError/Reason/unknownDType(tensor:dtype:)``.
public enum DType: String, CaseIterable, Sendable, Hashable {
    case F64, F32, F16, BF16
    case I64, I32, I16, I8
    case U8
    case BOOL

    /// Bytes per element.
    public var byteSize: Int {
        switch self {
        case .F64, .I64: 8
        case .F32, .I32: 4
        case .F16, .BF16, .I16: 2
        case .I8, .U8, .BOOL: 1
        }
    }
}
