// Build settings of the portable kernels: the compiler's defaults for the target.
import RecurCore

/// Fused multiply-add where the target has it without a library call: on
/// arm64 always; on x86-64 without a `-march` flag Swift would call libm's
/// `fmaf` per lane, so multiply and add separately there.
@inline(__always)
func fma(_ a: Vec, _ b: Vec, _ c: Vec) -> Vec {
    #if arch(arm64)
    return c.addingProduct(a, b)
    #else
    return c + a * b
    #endif
}

let backendName = "portable"
