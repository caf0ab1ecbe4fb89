// Build settings of this copy of the kernels: x86-64-v4 (AVX-512).
import RecurCore

@inline(__always)
func fma(_ a: Vec, _ b: Vec, _ c: Vec) -> Vec { c.addingProduct(a, b) }

let backendName = "avx512"

/// Matrix-product tiles: 6 rows by 4 vectors (64 columns) is 24 of the 32
/// zmm registers as accumulators, leaving room for the 4 vectors of B and a
/// broadcast; each B vector loaded feeds 6 FMAs.
let tileRows = 6
let tileVectors = 4

/// Independent FMA chains of the peak probe: 16 of the 32 zmm registers, twice
/// the 8 that two FMA pipes with 4-cycle latency need (as the C reference
/// probe, Benchmarks/peak-probe/fma_probe.c).
let probeChains = 16

/// The most of B a column chunk of a matrix product keeps in cache while its
/// row panels sweep over it: a quarter of Zen 4's 1 MiB L2, an eighth of
/// Sapphire Rapids' 2 MiB.
let bChunkBytes = 256 << 10
