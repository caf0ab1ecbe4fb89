/// The geometry of one `MatrixProduct` call, without buffers: sizes,
/// strides, the accumulate and bias flags, and the epilogue's kind.
struct ProductLayout: CustomStringConvertible {
    enum Epilogue { case none, tanh, tanhGradient(rowStride: Int) }

    var rows: Int
    var columns: Int
    var depth: Int
    var segments = 1
    var aRowStride: Int
    var aDepthStride: Int
    var aSegmentStride = 0
    var bRowStride: Int
    var bSegmentStride = 0
    var cRowStride: Int
    var accumulate = false
    var bias = false
    var epilogue = Epilogue.none

    /// `C = A·B` with every matrix dense and row-major.
    static func plain(rows: Int, columns: Int, depth: Int) -> ProductLayout {
        ProductLayout(
            rows: rows, columns: columns, depth: depth,
            aRowStride: depth, aDepthStride: 1, bRowStride: columns, cRowStride: columns)
    }

    /// `A(i, k)` at `a[i * aRowStride + k * aDepthStride + s * aSegmentStride]`.
    func aIndex(row i: Int, depth k: Int, segment s: Int) -> Int {
        s * aSegmentStride + i * aRowStride + k * aDepthStride
    }

    /// `B(k, j)` at `b[k * bRowStride + j + s * bSegmentStride]`.
    func bIndex(depth k: Int, column j: Int, segment s: Int) -> Int {
        s * bSegmentStride + k * bRowStride + j
    }

    /// Floats of A the product may read: one past the largest index.
    var aCount: Int {
        rows == 0 || depth == 0 ? 0 : aIndex(row: rows - 1, depth: depth - 1, segment: segments - 1) + 1
    }

    /// Floats of B the product uses (the kernel may read up to a vector
    /// minus one float past the last, which the caller must keep readable).
    var bCount: Int {
        depth == 0 ? 0 : bIndex(depth: depth - 1, column: columns - 1, segment: segments - 1) + 1
    }

    /// Floats from C's first element to one past its last.
    var cCount: Int { (rows - 1) * cRowStride + columns }

    /// Floats of the `h` operand of a `tanhGradient` epilogue, else 0.
    var hCount: Int {
        if case .tanhGradient(let rowStride) = epilogue { return (rows - 1) * rowStride + columns }
        return 0
    }

    var description: String {
        var text = "\(rows)x\(columns) depth \(depth)"
        if segments != 1 { text += " x\(segments) segments (A +\(aSegmentStride), B +\(bSegmentStride))" }
        text += " A strides \(aRowStride)/\(aDepthStride), B row \(bRowStride), C row \(cRowStride)"
        if accumulate { text += ", accumulate" }
        if bias { text += ", bias" }
        switch epilogue {
        case .none: break
        case .tanh: text += ", tanh"
        case .tanhGradient(let rowStride): text += ", tanh gradient (h row \(rowStride))"
        }
        return text
    }
}

/// One call's operands: a layout and the buffers it runs on.
struct ProductCall {
    enum Epilogue { case none, tanh, tanhGradient(UnsafePointer<Float>, rowStride: Int) }

    var layout: ProductLayout
    var a: UnsafePointer<Float>
    var b: UnsafePointer<Float>
    var c: UnsafeMutablePointer<Float>
    var bias: UnsafePointer<Float>?
    var epilogue: Epilogue
}
