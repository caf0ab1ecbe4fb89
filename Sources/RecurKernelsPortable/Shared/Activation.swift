#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Vectorised hyperbolic tangent: a [13/6] rational approximation
/// `x·P(x²)/Q(x²)` with the input clamped to `[-7.9053, 7.9053]` (where
/// tanh is within 2.4e-7 of ±1), and `tanh(x) = x` for `|x| < 0.0004`, where
/// the rational form would lose relative accuracy. Coefficients as Eigen's
/// `ptanh_float`. NaN propagates.
///
/// Accuracy against glibc's `tanhf` (measured in `RecurKernelsTests` on a
/// 1e-4 grid over [-10, 10] and on every 37th float in ±[2⁻¹², 10]): with
/// FMA (the AVX-512 and AVX2 builds) absolute error at most 2.4e-7 and
/// relative error at most 3.8e-7; the portable x86 build, without FMA, at
/// most 4.2e-7 in both. Beyond the clamp the FMA builds return ±0.99999976.
@inline(__always)
func vectorTanh(_ input: Vec) -> Vec {
    let limit = Vec(repeating: 7.90531110763549805)
    // Comparisons and blends rather than `clamped`/`pointwiseMax`, which the
    // standard library does not inline into this module's vector code.
    let x = input.replacing(with: limit, where: input .> limit).replacing(with: -limit, where: input .< -limit)
    let x2 = x * x
    var p = fma(x2, Vec(repeating: -2.76076847742355e-16), Vec(repeating: 2.00018790482477e-13))
    p = fma(x2, p, Vec(repeating: -8.60467152213735e-11))
    p = fma(x2, p, Vec(repeating: 5.12229709037114e-08))
    p = fma(x2, p, Vec(repeating: 1.48572235717979e-05))
    p = fma(x2, p, Vec(repeating: 6.37261928875436e-04))
    p = fma(x2, p, Vec(repeating: 4.89352455891786e-03))
    p = x * p
    var q = fma(x2, Vec(repeating: 1.19825839466702e-06), Vec(repeating: 1.18534705686654e-04))
    q = fma(x2, q, Vec(repeating: 2.26843463243900e-03))
    q = fma(x2, q, Vec(repeating: 4.89352518554385e-03))
    let tiny = (input .< Vec(repeating: 0.0004)) .& (input .> Vec(repeating: -0.0004))
    return (p / q).replacing(with: input, where: tiny)
}

/// `rows` rows of `count` floats, `rowStride` apart: `x = tanh(x)` in place.
func tanhRows(_ p: UnsafeMutablePointer<Float>, rows: Int, rowStride: Int, count: Int) {
    for r in 0..<rows {
        let row = p + r * rowStride
        var j = 0
        while j < count {
            let valid = min(Vec.scalarCount, count - j)
            storePartial(vectorTanh(loadPartial(UnsafePointer(row + j), valid: valid)), row + j, valid: valid)
            j += Vec.scalarCount
        }
    }
}

/// `x = x · (1 - h²)` in place, `h` laid out like `x`: the gradient through tanh.
func tanhGradientRows(
    _ p: UnsafeMutablePointer<Float>, h: UnsafePointer<Float>, rows: Int, rowStride: Int, count: Int
) {
    let one = Vec(repeating: 1)
    for r in 0..<rows {
        let row = p + r * rowStride, hRow = h + r * rowStride
        var j = 0
        while j < count {
            let valid = min(Vec.scalarCount, count - j)
            let hv = loadPartial(hRow + j, valid: valid)
            let x = loadPartial(UnsafePointer(row + j), valid: valid)
            storePartial(x * (one - hv * hv), row + j, valid: valid)
            j += Vec.scalarCount
        }
    }
}

/// `rows` rows of `count` floats, `rowStride` apart: `x = max(x, 0)` in place
/// (NaN stays NaN, as `torch.relu`).
func reluRows(_ p: UnsafeMutablePointer<Float>, rows: Int, rowStride: Int, count: Int) {
    let zero = Vec()
    for r in 0..<rows {
        let row = p + r * rowStride
        var j = 0
        while j < count {
            let valid = min(Vec.scalarCount, count - j)
            let x = loadPartial(UnsafePointer(row + j), valid: valid)
            storePartial(x.replacing(with: zero, where: x .< zero), row + j, valid: valid)
            j += Vec.scalarCount
        }
    }
}

/// `x = h > 0 ? x : 0` in place, `h` (the ReLU's output) laid out like `x`:
/// the gradient through the ReLU, as PyTorch's `threshold_backward`.
func reluGradientRows(
    _ p: UnsafeMutablePointer<Float>, h: UnsafePointer<Float>, rows: Int, rowStride: Int, count: Int
) {
    let zero = Vec()
    for r in 0..<rows {
        let row = p + r * rowStride, hRow = h + r * rowStride
        var j = 0
        while j < count {
            let valid = min(Vec.scalarCount, count - j)
            let x = loadPartial(UnsafePointer(row + j), valid: valid)
            storePartial(x.replacing(with: zero, where: loadPartial(hRow + j, valid: valid) .<= zero), row + j, valid: valid)
            j += Vec.scalarCount
        }
    }
}

/// Mean-reduced softmax cross-entropy over `samples` rows of `classes` logits.
/// Writes `∂loss/∂logits = (softmax - onehot) · gradientScale` into
/// `gradient` when it is not nil, and returns the sum of the per-sample
/// losses `logsumexp(z) - z[label]` (max-shifted, so no overflow).
func softmaxCrossEntropy(
    logits: UnsafePointer<Float>, labels: UnsafePointer<Int32>, samples: Int, classes: Int,
    gradientScale: Float, gradient: UnsafeMutablePointer<Float>?
) -> Float {
    var total: Float = 0
    for i in 0..<samples {
        let z = logits + i * classes
        var maximum = z[0]
        for c in 1..<classes { maximum = max(maximum, z[c]) }
        var sum: Float = 0
        for c in 0..<classes { sum += expf(z[c] - maximum) }
        let label = Int(labels[i])
        total += logf(sum) + maximum - z[label]
        if let gradient {
            let g = gradient + i * classes
            for c in 0..<classes {
                let p = expf(z[c] - maximum) / sum
                g[c] = (p - (c == label ? 1 : 0)) * gradientScale
            }
        }
    }
    return total
}
