/// The sizes, strides and options of one call of the kernels' matrix
/// product, without its operands: `C (=|+=) bias + A·B` with
/// `A(i, k) = a[i * aRowStride + k * aDepthStride]` over `segments` blocks of
/// `depth` steps, and `B`, `C` contiguous along columns (see `MatrixProduct`).
struct ProductShape: Sendable {
    /// What happens to each output element once its sum is complete.
    enum Epilogue: Sendable {
        case none
        /// `tanh(sum)`: a forward step of the RNN.
        case tanh
        /// `sum · (1 - h²)`, with `h` laid out like C: a backward step.
        case tanhGradient
    }

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
    var hasBias = false
    var epilogue = Epilogue.none

    /// Floating-point operations of one call, counting a multiply-add as two.
    var flops: Double { 2 * Double(rows) * Double(columns) * Double(depth) * Double(segments) }

    /// Floats of A the product reads, from the first to the last.
    var aCount: Int {
        (rows - 1) * aRowStride + (depth - 1) * aDepthStride + (segments - 1) * aSegmentStride + 1
    }

    /// Floats of B the product reads, from the first to the last.
    var bCount: Int { (segments - 1) * bSegmentStride + (depth - 1) * bRowStride + columns }

    /// Floats of C (and of `h` for ``Epilogue/tanhGradient``) the product writes.
    var cCount: Int { (rows - 1) * cRowStride + columns }
}
