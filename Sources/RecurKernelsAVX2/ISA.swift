// Build settings of this copy of the kernels: x86-64-v3 (AVX2, FMA).
import RecurCore

@inline(__always)
func fma(_ a: Vec, _ b: Vec, _ c: Vec) -> Vec { c.addingProduct(a, b) }

let backendName = "avx2"

/// Matrix-product tiles: 2 rows by 2 vectors of 16 floats is 8 of the 16
/// ymm registers as accumulators, 4 more for B and one for the broadcast
/// (3 rows spill on Zen 4 and run a third slower).
let tileRows = 2
let tileVectors = 2

/// Independent FMA chains of the peak probe: 12 ymm registers.
let probeChains = 6

/// The most of B a column chunk of a matrix product keeps in cache while its
/// row panels sweep over it.
let bChunkBytes = 256 << 10
