// Build settings of this copy of the kernels: x86-64-v4 (AVX-512).
import RecurCore

@inline(__always)
func fma(_ a: Vec, _ b: Vec, _ c: Vec) -> Vec { c.addingProduct(a, b) }

let backendName = "avx512"
