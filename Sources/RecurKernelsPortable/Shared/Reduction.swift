/// `Σ x[k] y[k]` for `k` in `0..<count`: four independent vector chains, then
/// a fixed pairwise combination and the scalar tail, so the result depends
/// only on the inputs.
func dot(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, count: Int) -> Float {
    let w = Vec.scalarCount
    var s0 = Vec(), s1 = Vec(), s2 = Vec(), s3 = Vec()
    var k = 0
    while k + 4 * w <= count {
        s0 = fma(x.vec(k), y.vec(k), s0)
        s1 = fma(x.vec(k + w), y.vec(k + w), s1)
        s2 = fma(x.vec(k + 2 * w), y.vec(k + 2 * w), s2)
        s3 = fma(x.vec(k + 3 * w), y.vec(k + 3 * w), s3)
        k += 4 * w
    }
    while k + w <= count {
        s0 = fma(x.vec(k), y.vec(k), s0)
        k += w
    }
    var total = ((s0 + s1) + (s2 + s3)).sum()
    while k < count {
        total += x[k] * y[k]
        k += 1
    }
    return total
}

/// `out[j] = Σ_r x[r * rowStride + j]` for `j` in `0..<count`, rows summed in order.
func columnSums(
    _ x: UnsafePointer<Float>, rows: Int, rowStride: Int, count: Int, into out: UnsafeMutablePointer<Float>
) {
    var j = 0
    while j < count {
        let valid = min(Vec.scalarCount, count - j)
        var total = Vec()
        for r in 0..<rows { total += loadPartial(x + r * rowStride + j, valid: valid) }
        storePartial(total, out + j, valid: valid)
        j += Vec.scalarCount
    }
}
