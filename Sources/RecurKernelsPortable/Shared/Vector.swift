/// The SIMD vector every kernel works in: 16 floats, one AVX-512 register,
/// two AVX2 registers, four NEON/SSE registers.
typealias Vec = SIMD16<Float>

extension UnsafePointer where Pointee == Float {
    @inline(__always) func vec(_ offset: Int) -> Vec {
        UnsafeRawPointer(self + offset).loadUnaligned(as: Vec.self)
    }
}

extension UnsafeMutablePointer where Pointee == Float {
    @inline(__always) func vec(_ offset: Int) -> Vec {
        UnsafeRawPointer(self + offset).loadUnaligned(as: Vec.self)
    }

    @inline(__always) func store(_ value: Vec, _ offset: Int) {
        UnsafeMutableRawPointer(self + offset).storeBytes(of: value, as: Vec.self)
    }
}
