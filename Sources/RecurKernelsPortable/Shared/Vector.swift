import CRecurCPU

/// The SIMD vector every kernel works in: 16 floats, one AVX-512 register,
/// two AVX2 registers, four NEON/SSE registers.
typealias Vec = SIMD16<Float>

extension UnsafePointer where Pointee == Float {
    /// The 16 floats at `self + offset`, any alignment.
    @inline(__always) func vec(_ offset: Int) -> Vec { recur_load16(self + offset) }
}

extension UnsafeMutablePointer where Pointee == Float {
    /// The 16 floats at `self + offset`, any alignment.
    @inline(__always) func vec(_ offset: Int) -> Vec { recur_load16(self + offset) }

    /// Stores 16 floats at `self + offset`, any alignment.
    @inline(__always) func store(_ value: Vec, _ offset: Int) { recur_store16(self + offset, value) }
}
