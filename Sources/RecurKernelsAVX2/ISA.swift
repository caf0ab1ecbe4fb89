// Build settings of this copy of the kernels: x86-64-v3 (AVX2, FMA).
import RecurCore

@inline(__always)
func fma(_ a: Vec, _ b: Vec, _ c: Vec) -> Vec { c.addingProduct(a, b) }

let backendName = "avx2"

/// Matrix-product tiles: 6 rows by 1 vector of 16 floats (two ymm) is 12 of
/// the 16 ymm registers as accumulators, 2 for B and one for the broadcast,
/// so each pair of B loads feeds 12 FMAs (the 6 x 16 tile of BLIS and
/// oneDNN for AVX2). On a Zen 3 VM it ran the whole training step at 54% of
/// the FMA peak where the 2 x 32 tile before it ran at 41% (kernel
/// benchmarks, one run each, idle machine).
let tileRows = 6
let tileVectors = 1

/// Independent FMA chains of the peak probe: 12 ymm registers.
let probeChains = 6

/// The most of B a column chunk of a matrix product keeps in cache while its
/// row panels sweep over it.
let bChunkBytes = 256 << 10
