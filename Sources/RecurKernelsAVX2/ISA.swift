// Build settings of this copy of the kernels: x86-64-v3 (AVX2, FMA).
import RecurCore

@inline(__always)
func fma(_ a: Vec, _ b: Vec, _ c: Vec) -> Vec { c.addingProduct(a, b) }

let backendName = "avx2"
