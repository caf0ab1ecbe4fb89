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

/// Matrix-product tiles: with 128-bit registers a vector of 16 floats takes
/// four; 4 rows fill 16 of arm64's 32 registers, 2 rows 8 of x86-64's 16.
#if arch(arm64)
let tileRows = 4
#else
let tileRows = 2
#endif
let tileVectors = 1

/// Independent FMA chains of the peak probe: 24 (arm64) or 12 (x86-64)
/// 128-bit registers.
#if arch(arm64)
let probeChains = 6
#else
let probeChains = 3
#endif

/// The most of B a column chunk of a matrix product keeps in cache while its
/// row panels sweep over it.
let bChunkBytes = 256 << 10
