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

/// `out[r] = dot(x, y + r * rowStride, count: count)` for `r` in
/// `0..<rows`, four rows at a time: each loaded vector of `x` feeds four
/// rows' chains, where separate dots load it once per row. Every row's
/// chains, their combination and its tail are ``dot(_:_:count:)``'s, so the
/// bits are the same.
/// - Complexity: O(rows x count).
func dots(
    _ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, rowStride: Int, rows: Int, count: Int,
    into out: UnsafeMutablePointer<Float>
) {
    let w = Vec.scalarCount
    var r = 0
    while r + 4 <= rows {
        let y0 = y + r * rowStride, y1 = y0 + rowStride, y2 = y1 + rowStride, y3 = y2 + rowStride
        var a0 = Vec(), a1 = Vec(), a2 = Vec(), a3 = Vec()
        var b0 = Vec(), b1 = Vec(), b2 = Vec(), b3 = Vec()
        var c0 = Vec(), c1 = Vec(), c2 = Vec(), c3 = Vec()
        var d0 = Vec(), d1 = Vec(), d2 = Vec(), d3 = Vec()
        var k = 0
        while k + 4 * w <= count {
            let x0 = x.vec(k), x1 = x.vec(k + w), x2 = x.vec(k + 2 * w), x3 = x.vec(k + 3 * w)
            a0 = fma(x0, y0.vec(k), a0); a1 = fma(x1, y0.vec(k + w), a1)
            a2 = fma(x2, y0.vec(k + 2 * w), a2); a3 = fma(x3, y0.vec(k + 3 * w), a3)
            b0 = fma(x0, y1.vec(k), b0); b1 = fma(x1, y1.vec(k + w), b1)
            b2 = fma(x2, y1.vec(k + 2 * w), b2); b3 = fma(x3, y1.vec(k + 3 * w), b3)
            c0 = fma(x0, y2.vec(k), c0); c1 = fma(x1, y2.vec(k + w), c1)
            c2 = fma(x2, y2.vec(k + 2 * w), c2); c3 = fma(x3, y2.vec(k + 3 * w), c3)
            d0 = fma(x0, y3.vec(k), d0); d1 = fma(x1, y3.vec(k + w), d1)
            d2 = fma(x2, y3.vec(k + 2 * w), d2); d3 = fma(x3, y3.vec(k + 3 * w), d3)
            k += 4 * w
        }
        while k + w <= count {
            let x0 = x.vec(k)
            a0 = fma(x0, y0.vec(k), a0); b0 = fma(x0, y1.vec(k), b0)
            c0 = fma(x0, y2.vec(k), c0); d0 = fma(x0, y3.vec(k), d0)
            k += w
        }
        var ta = ((a0 + a1) + (a2 + a3)).sum(), tb = ((b0 + b1) + (b2 + b3)).sum()
        var tc = ((c0 + c1) + (c2 + c3)).sum(), td = ((d0 + d1) + (d2 + d3)).sum()
        while k < count {
            ta += x[k] * y0[k]; tb += x[k] * y1[k]; tc += x[k] * y2[k]; td += x[k] * y3[k]
            k += 1
        }
        out[r] = ta; out[r + 1] = tb; out[r + 2] = tc; out[r + 3] = td
        r += 4
    }
    while r < rows {
        out[r] = dot(x, y + r * rowStride, count: count)
        r += 1
    }
}

/// `out[j] = Σ_r x[r * rowStride + j]` for `j` in `0..<count`, rows summed in
/// order; `adding`: `out[j] = out[j] + Σ_r ...`, the finished sum added.
func columnSums(
    _ x: UnsafePointer<Float>, rows: Int, rowStride: Int, count: Int, into out: UnsafeMutablePointer<Float>,
    adding: Bool = false
) {
    var j = 0
    while j < count {
        let valid = min(Vec.scalarCount, count - j)
        var total = Vec()
        for r in 0..<rows { total += loadPartial(x + r * rowStride + j, valid: valid) }
        if adding { total = loadPartial(out + j, valid: valid) + total }
        storePartial(total, out + j, valid: valid)
        j += Vec.scalarCount
    }
}
