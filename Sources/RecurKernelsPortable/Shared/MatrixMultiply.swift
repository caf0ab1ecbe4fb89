@_spi(Kernels) import RecurCore
import CRecurCPU

/// One matrix product `C (=|+=) bias + A·B` on raw row-major buffers: a
/// ``ProductShape`` (sizes, strides, segments, accumulation, bias, epilogue;
/// RecurCore, the one description of a product's geometry) run on its
/// operands. The shape's strides are general enough for every product of the
/// model:
///
/// - `A(i, k) = a[i * aRowStride + k * aDepthStride]`: a plain matrix
///   (`aDepthStride == 1`) or a transposed one (`aRowStride == 1`), so weight
///   gradients `dZᵀ·H` need no transposition;
/// - `B(k, j) = b[(j / 64) * bPanelStride + k * bRowStride + j % 64]`,
///   contiguous along `j` (vectorised): row-major, or in column panels, where
///   a tile's columns of every row follow each other in memory (the weights;
///   ``ProductShape/packedB()``);
/// - the depth `k` runs over `segments` blocks of `depth` steps; block `s`
///   starts at `a + s * aSegmentStride` and `b + s * bSegmentStride`. The
///   recurrent weight gradient sums `dz[t]ᵀ h[t-1]` over every sample's
///   time steps 1..<T this way, in one product.
///
/// Each output element is one chain of fused multiply-adds over `k` in
/// increasing order (after `bias`, then `C` when accumulating), so the bits
/// depend only on the operands and shapes, never on threads or alignment.
///
/// B rows are read in whole vectors: up to `Vec.scalarCount - 1` floats past
/// column `n` of the last row must be readable (callers pad their buffers).
///
/// Public only to the `Kernels` SPI, for benchmarks and tests of the kernels.
@_spi(Kernels) public struct MatrixProduct {
    /// The product's geometry.
    public let shape: ProductShape
    /// The buffers it runs on; `bias` set exactly when the shape has a bias,
    /// `h` exactly when its epilogue is a gradient.
    public let operands: ProductOperandPointers

    /// The product `shape` over `operands`, whose `bias` and `h` must be set
    /// where the shape has a bias or a gradient epilogue (and are
    /// ignored where it has not).
    public init(_ shape: ProductShape, _ operands: ProductOperandPointers) {
        var operands = operands
        if shape.hasBias {
            precondition(operands.bias != nil, "a product with a bias needs its bias operand")
        } else {
            operands.bias = nil
        }
        if shape.epilogue.hRowStride != nil {
            precondition(operands.h != nil, "a gradient epilogue needs its h operand")
        } else {
            operands.h = nil
        }
        self.shape = shape
        self.operands = operands
    }

    /// The product `shape` over `a`, `b` and `c`, with `bias` and `h` where
    /// the shape has a bias or a gradient epilogue.
    public init(
        _ shape: ProductShape, a: UnsafePointer<Float>, b: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>,
        bias: UnsafePointer<Float>? = nil, h: UnsafePointer<Float>? = nil
    ) {
        self.init(shape, ProductOperandPointers(a: a, b: b, c: c, bias: bias, h: h))
    }
}

extension MatrixProduct {
    /// Computes the product tile by tile: ``tileRows`` rows by
    /// ``tileVectors`` vectors of columns in registers, then the remaining
    /// columns in one tile as many vectors wide as they need, the last vector
    /// partial. Tile sizes are set per instruction set (`ISA.swift`): as many
    /// accumulators as the registers hold, because every row of a tile reuses
    /// each vector of B it loads.
    ///
    /// Tiles are visited a row panel at a time, left to right, within column
    /// chunks whose part of B fits ``bChunkBytes``: a row panel then writes a
    /// few rows of C as sequential streams (many rows written a few vectors at
    /// a time defeat the prefetchers: a 10 x 7168 product ran at 62% of the
    /// peak column-tile by column-tile, 80% by row panels), and reads its
    /// chunk of B from cache.
    /// - Complexity: O(rows x columns x depth x segments).
    public func run() {
        let w = Vec.scalarCount
        let tileWidth = tileVectors * w
        let columns = shape.columns
        let bRowBytes = max(1, shape.depth * shape.segments) * MemoryLayout<Float>.stride
        let chunk = max(1, bChunkBytes / bRowBytes / tileWidth) * tileWidth
        var start = 0
        while start < columns {
            let end = min(columns, start + chunk)
            let wideEnd = start + (end - start) / tileWidth * tileWidth
            forEachRowTile { i, r in
                var j = start
                while j < wideEnd {
                    fullTile(rows: r, i: i, j: j)
                    j += tileWidth
                }
                if j < end {
                    let valid = end - j
                    edgeTile(rows: r, vectors: (valid + w - 1) / w, i: i, j: j, valid: valid)
                }
            }
            start = end
        }
    }

    @inline(__always)
    private func forEachRowTile(_ body: (Int, Int) -> Void) {
        let rows = shape.rows
        var i = 0
        while i + tileRows <= rows {
            body(i, tileRows)
            i += tileRows
        }
        if i < rows { body(i, rows - i) }
    }

    /// Dispatches a full tile (``tileVectors`` whole vectors wide) to the
    /// kernel specialised for its row count, so unused accumulators, branches
    /// and the partial-vector code compile away.
    @inline(__always)
    private func fullTile(rows r: Int, i: Int, j: Int) {
        let valid = tileVectors * Vec.scalarCount
        switch (r, tileVectors) {
        case (6, 4): kernel(Tile<Six, Four>.self, WholeVectors.self, i: i, j: j, valid: valid)
        case (5, 4): kernel(Tile<Five, Four>.self, WholeVectors.self, i: i, j: j, valid: valid)
        case (4, 4): kernel(Tile<Four, Four>.self, WholeVectors.self, i: i, j: j, valid: valid)
        case (3, 4): kernel(Tile<Three, Four>.self, WholeVectors.self, i: i, j: j, valid: valid)
        case (2, 4): kernel(Tile<Two, Four>.self, WholeVectors.self, i: i, j: j, valid: valid)
        case (1, 4): kernel(Tile<One, Four>.self, WholeVectors.self, i: i, j: j, valid: valid)
        case (6, 2): kernel(Tile<Six, Two>.self, WholeVectors.self, i: i, j: j, valid: valid)
        case (5, 2): kernel(Tile<Five, Two>.self, WholeVectors.self, i: i, j: j, valid: valid)
        case (4, 2): kernel(Tile<Four, Two>.self, WholeVectors.self, i: i, j: j, valid: valid)
        case (3, 2): kernel(Tile<Three, Two>.self, WholeVectors.self, i: i, j: j, valid: valid)
        case (2, 2): kernel(Tile<Two, Two>.self, WholeVectors.self, i: i, j: j, valid: valid)
        case (1, 2): kernel(Tile<One, Two>.self, WholeVectors.self, i: i, j: j, valid: valid)
        case (6, 1): kernel(Tile<Six, One>.self, WholeVectors.self, i: i, j: j, valid: valid)
        case (5, 1): kernel(Tile<Five, One>.self, WholeVectors.self, i: i, j: j, valid: valid)
        case (4, 1): kernel(Tile<Four, One>.self, WholeVectors.self, i: i, j: j, valid: valid)
        case (3, 1): kernel(Tile<Three, One>.self, WholeVectors.self, i: i, j: j, valid: valid)
        case (2, 1): kernel(Tile<Two, One>.self, WholeVectors.self, i: i, j: j, valid: valid)
        case (1, 1): kernel(Tile<One, One>.self, WholeVectors.self, i: i, j: j, valid: valid)
        default: preconditionFailure("no \(r)x\(tileVectors) tile kernel")
        }
    }

    /// Dispatches the tile of the last columns, `vectors` wide with its last
    /// vector partial, to its specialised kernel.
    @inline(__always)
    private func edgeTile(rows r: Int, vectors v: Int, i: Int, j: Int, valid: Int) {
        switch (r, v) {
        case (6, 4): kernel(Tile<Six, Four>.self, PartialVector.self, i: i, j: j, valid: valid)
        case (5, 4): kernel(Tile<Five, Four>.self, PartialVector.self, i: i, j: j, valid: valid)
        case (4, 4): kernel(Tile<Four, Four>.self, PartialVector.self, i: i, j: j, valid: valid)
        case (3, 4): kernel(Tile<Three, Four>.self, PartialVector.self, i: i, j: j, valid: valid)
        case (2, 4): kernel(Tile<Two, Four>.self, PartialVector.self, i: i, j: j, valid: valid)
        case (1, 4): kernel(Tile<One, Four>.self, PartialVector.self, i: i, j: j, valid: valid)
        case (6, 3): kernel(Tile<Six, Three>.self, PartialVector.self, i: i, j: j, valid: valid)
        case (5, 3): kernel(Tile<Five, Three>.self, PartialVector.self, i: i, j: j, valid: valid)
        case (4, 3): kernel(Tile<Four, Three>.self, PartialVector.self, i: i, j: j, valid: valid)
        case (3, 3): kernel(Tile<Three, Three>.self, PartialVector.self, i: i, j: j, valid: valid)
        case (2, 3): kernel(Tile<Two, Three>.self, PartialVector.self, i: i, j: j, valid: valid)
        case (1, 3): kernel(Tile<One, Three>.self, PartialVector.self, i: i, j: j, valid: valid)
        case (6, 2): kernel(Tile<Six, Two>.self, PartialVector.self, i: i, j: j, valid: valid)
        case (5, 2): kernel(Tile<Five, Two>.self, PartialVector.self, i: i, j: j, valid: valid)
        case (4, 2): kernel(Tile<Four, Two>.self, PartialVector.self, i: i, j: j, valid: valid)
        case (3, 2): kernel(Tile<Three, Two>.self, PartialVector.self, i: i, j: j, valid: valid)
        case (2, 2): kernel(Tile<Two, Two>.self, PartialVector.self, i: i, j: j, valid: valid)
        case (1, 2): kernel(Tile<One, Two>.self, PartialVector.self, i: i, j: j, valid: valid)
        case (6, 1): kernel(Tile<Six, One>.self, PartialVector.self, i: i, j: j, valid: valid)
        case (5, 1): kernel(Tile<Five, One>.self, PartialVector.self, i: i, j: j, valid: valid)
        case (4, 1): kernel(Tile<Four, One>.self, PartialVector.self, i: i, j: j, valid: valid)
        case (3, 1): kernel(Tile<Three, One>.self, PartialVector.self, i: i, j: j, valid: valid)
        case (2, 1): kernel(Tile<Two, One>.self, PartialVector.self, i: i, j: j, valid: valid)
        case (1, 1): kernel(Tile<One, One>.self, PartialVector.self, i: i, j: j, valid: valid)
        default: preconditionFailure("no \(r)x\(v) tile kernel")
        }
    }

    /// The register-blocked inner loop: `rows` x `vectors` accumulators, one
    /// broadcast of A per row and one load of B per vector at each depth step.
    /// `valid` columns of the tile are real; B is read in whole vectors.
    private func kernel<Shape: TileShape, Edge: TileEdge>(_: Shape.Type, _: Edge.Type, i: Int, j: Int, valid: Int) {
        let r = Shape.rows, v = Shape.vectors
        @inline(__always) func load(_ p: UnsafePointer<Float>, _ lanes: Int) -> Vec {
            Edge.isPartial ? loadPartial(p, valid: lanes) : p.vec(0)
        }
        let w = Vec.scalarCount
        var c00 = Vec(), c01 = Vec(), c02 = Vec(), c03 = Vec()
        var c10 = Vec(), c11 = Vec(), c12 = Vec(), c13 = Vec()
        var c20 = Vec(), c21 = Vec(), c22 = Vec(), c23 = Vec()
        var c30 = Vec(), c31 = Vec(), c32 = Vec(), c33 = Vec()
        var c40 = Vec(), c41 = Vec(), c42 = Vec(), c43 = Vec()
        var c50 = Vec(), c51 = Vec(), c52 = Vec(), c53 = Vec()
        if let bias = operands.bias {
            let b0 = load(bias + j + 0 * w, valid - 0 * w)
            c00 = b0; c10 = b0; c20 = b0; c30 = b0; c40 = b0; c50 = b0
            if v > 1 {
                let b1 = load(bias + j + 1 * w, valid - 1 * w)
                c01 = b1; c11 = b1; c21 = b1; c31 = b1; c41 = b1; c51 = b1
            }
            if v > 2 {
                let b2 = load(bias + j + 2 * w, valid - 2 * w)
                c02 = b2; c12 = b2; c22 = b2; c32 = b2; c42 = b2; c52 = b2
            }
            if v > 3 {
                let b3 = load(bias + j + 3 * w, valid - 3 * w)
                c03 = b3; c13 = b3; c23 = b3; c33 = b3; c43 = b3; c53 = b3
            }
        }
        if shape.accumulate {
            let cRowStride = shape.cRowStride
            let p0 = UnsafePointer(operands.c + i * cRowStride + j)
            c00 += load(p0, valid)
            if v > 1 { c01 += load(p0 + 1 * w, valid - 1 * w) }
            if v > 2 { c02 += load(p0 + 2 * w, valid - 2 * w) }
            if v > 3 { c03 += load(p0 + 3 * w, valid - 3 * w) }
            if r > 1 {
                let p1 = p0 + 1 * cRowStride
                c10 += load(p1, valid)
                if v > 1 { c11 += load(p1 + 1 * w, valid - 1 * w) }
                if v > 2 { c12 += load(p1 + 2 * w, valid - 2 * w) }
                if v > 3 { c13 += load(p1 + 3 * w, valid - 3 * w) }
            }
            if r > 2 {
                let p2 = p0 + 2 * cRowStride
                c20 += load(p2, valid)
                if v > 1 { c21 += load(p2 + 1 * w, valid - 1 * w) }
                if v > 2 { c22 += load(p2 + 2 * w, valid - 2 * w) }
                if v > 3 { c23 += load(p2 + 3 * w, valid - 3 * w) }
            }
            if r > 3 {
                let p3 = p0 + 3 * cRowStride
                c30 += load(p3, valid)
                if v > 1 { c31 += load(p3 + 1 * w, valid - 1 * w) }
                if v > 2 { c32 += load(p3 + 2 * w, valid - 2 * w) }
                if v > 3 { c33 += load(p3 + 3 * w, valid - 3 * w) }
            }
            if r > 4 {
                let p4 = p0 + 4 * cRowStride
                c40 += load(p4, valid)
                if v > 1 { c41 += load(p4 + 1 * w, valid - 1 * w) }
                if v > 2 { c42 += load(p4 + 2 * w, valid - 2 * w) }
                if v > 3 { c43 += load(p4 + 3 * w, valid - 3 * w) }
            }
            if r > 5 {
                let p5 = p0 + 5 * cRowStride
                c50 += load(p5, valid)
                if v > 1 { c51 += load(p5 + 1 * w, valid - 1 * w) }
                if v > 2 { c52 += load(p5 + 2 * w, valid - 2 * w) }
                if v > 3 { c53 += load(p5 + 3 * w, valid - 3 * w) }
            }
        }
        if case .add = shape.epilogue {
            // The tile reads C only once its chain is done: have C's lines
            // in cache by then (a weight gradient's C is far from the core,
            // and its rows are too far apart for the prefetchers).
            for row in 0..<r {
                let p = UnsafePointer(operands.c + (i + row) * shape.cRowStride + j)
                var column = 0
                while column < valid {
                    recur_prefetch_for_write(p + column)
                    column += 16
                }
            }
        }
        let aRow = shape.aRowStride, aStep = shape.aDepthStride, bStep = shape.bRowStride
        for s in 0..<shape.segments {
            var ap = operands.a + s * shape.aSegmentStride + i * aRow
            // Tiles start at multiples of their width, which divides a panel's.
            var bp = operands.b + s * shape.bSegmentStride + (j / ProductShape.panelWidth) * shape.bPanelStride
                + j % ProductShape.panelWidth
            for _ in 0..<shape.depth {
                let b0 = bp.vec(0)
                let b1 = v > 1 ? bp.vec(1 * w) : Vec()
                let b2 = v > 2 ? bp.vec(2 * w) : Vec()
                let b3 = v > 3 ? bp.vec(3 * w) : Vec()
                let x0 = Vec(repeating: ap[0 * aRow])
                c00 = fma(x0, b0, c00)
                if v > 1 { c01 = fma(x0, b1, c01) }
                if v > 2 { c02 = fma(x0, b2, c02) }
                if v > 3 { c03 = fma(x0, b3, c03) }
                if r > 1 {
                    let x1 = Vec(repeating: ap[1 * aRow])
                    c10 = fma(x1, b0, c10)
                    if v > 1 { c11 = fma(x1, b1, c11) }
                    if v > 2 { c12 = fma(x1, b2, c12) }
                    if v > 3 { c13 = fma(x1, b3, c13) }
                }
                if r > 2 {
                    let x2 = Vec(repeating: ap[2 * aRow])
                    c20 = fma(x2, b0, c20)
                    if v > 1 { c21 = fma(x2, b1, c21) }
                    if v > 2 { c22 = fma(x2, b2, c22) }
                    if v > 3 { c23 = fma(x2, b3, c23) }
                }
                if r > 3 {
                    let x3 = Vec(repeating: ap[3 * aRow])
                    c30 = fma(x3, b0, c30)
                    if v > 1 { c31 = fma(x3, b1, c31) }
                    if v > 2 { c32 = fma(x3, b2, c32) }
                    if v > 3 { c33 = fma(x3, b3, c33) }
                }
                if r > 4 {
                    let x4 = Vec(repeating: ap[4 * aRow])
                    c40 = fma(x4, b0, c40)
                    if v > 1 { c41 = fma(x4, b1, c41) }
                    if v > 2 { c42 = fma(x4, b2, c42) }
                    if v > 3 { c43 = fma(x4, b3, c43) }
                }
                if r > 5 {
                    let x5 = Vec(repeating: ap[5 * aRow])
                    c50 = fma(x5, b0, c50)
                    if v > 1 { c51 = fma(x5, b1, c51) }
                    if v > 2 { c52 = fma(x5, b2, c52) }
                    if v > 3 { c53 = fma(x5, b3, c53) }
                }
                ap += aStep
                bp += bStep
            }
        }
        // One switch per tile, so a plain store needs no registers beyond the
        // accumulators (a switch per row made every tile spill them). The
        // cases are written out: one local function taking the mode
        // cut the 1-row tiles (m = 1) from 47% of the peak to 17%.
        switch shape.epilogue {
        case .none:
            storeRow(Edge.self, .none, nil, 0, i, j, valid, v, c00, c01, c02, c03)
            if r > 1 { storeRow(Edge.self, .none, nil, 0, i + 1, j, valid, v, c10, c11, c12, c13) }
            if r > 2 { storeRow(Edge.self, .none, nil, 0, i + 2, j, valid, v, c20, c21, c22, c23) }
            if r > 3 { storeRow(Edge.self, .none, nil, 0, i + 3, j, valid, v, c30, c31, c32, c33) }
            if r > 4 { storeRow(Edge.self, .none, nil, 0, i + 4, j, valid, v, c40, c41, c42, c43) }
            if r > 5 { storeRow(Edge.self, .none, nil, 0, i + 5, j, valid, v, c50, c51, c52, c53) }
        case .tanh:
            storeRow(Edge.self, .tanh, nil, 0, i, j, valid, v, c00, c01, c02, c03)
            if r > 1 { storeRow(Edge.self, .tanh, nil, 0, i + 1, j, valid, v, c10, c11, c12, c13) }
            if r > 2 { storeRow(Edge.self, .tanh, nil, 0, i + 2, j, valid, v, c20, c21, c22, c23) }
            if r > 3 { storeRow(Edge.self, .tanh, nil, 0, i + 3, j, valid, v, c30, c31, c32, c33) }
            if r > 4 { storeRow(Edge.self, .tanh, nil, 0, i + 4, j, valid, v, c40, c41, c42, c43) }
            if r > 5 { storeRow(Edge.self, .tanh, nil, 0, i + 5, j, valid, v, c50, c51, c52, c53) }
        case .tanhGradient(let hRowStride):
            // Set whenever the epilogue is a gradient (`init`).
            let h: UnsafePointer<Float>? = operands.h.unsafelyUnwrapped
            storeRow(Edge.self, .tanhGradient, h, hRowStride, i, j, valid, v, c00, c01, c02, c03)
            if r > 1 { storeRow(Edge.self, .tanhGradient, h, hRowStride, i + 1, j, valid, v, c10, c11, c12, c13) }
            if r > 2 { storeRow(Edge.self, .tanhGradient, h, hRowStride, i + 2, j, valid, v, c20, c21, c22, c23) }
            if r > 3 { storeRow(Edge.self, .tanhGradient, h, hRowStride, i + 3, j, valid, v, c30, c31, c32, c33) }
            if r > 4 { storeRow(Edge.self, .tanhGradient, h, hRowStride, i + 4, j, valid, v, c40, c41, c42, c43) }
            if r > 5 { storeRow(Edge.self, .tanhGradient, h, hRowStride, i + 5, j, valid, v, c50, c51, c52, c53) }
        case .relu:
            storeRow(Edge.self, .relu, nil, 0, i, j, valid, v, c00, c01, c02, c03)
            if r > 1 { storeRow(Edge.self, .relu, nil, 0, i + 1, j, valid, v, c10, c11, c12, c13) }
            if r > 2 { storeRow(Edge.self, .relu, nil, 0, i + 2, j, valid, v, c20, c21, c22, c23) }
            if r > 3 { storeRow(Edge.self, .relu, nil, 0, i + 3, j, valid, v, c30, c31, c32, c33) }
            if r > 4 { storeRow(Edge.self, .relu, nil, 0, i + 4, j, valid, v, c40, c41, c42, c43) }
            if r > 5 { storeRow(Edge.self, .relu, nil, 0, i + 5, j, valid, v, c50, c51, c52, c53) }
        case .reluGradient(let hRowStride):
            // Set whenever the epilogue is a gradient (`init`).
            let h: UnsafePointer<Float>? = operands.h.unsafelyUnwrapped
            storeRow(Edge.self, .reluGradient, h, hRowStride, i, j, valid, v, c00, c01, c02, c03)
            if r > 1 { storeRow(Edge.self, .reluGradient, h, hRowStride, i + 1, j, valid, v, c10, c11, c12, c13) }
            if r > 2 { storeRow(Edge.self, .reluGradient, h, hRowStride, i + 2, j, valid, v, c20, c21, c22, c23) }
            if r > 3 { storeRow(Edge.self, .reluGradient, h, hRowStride, i + 3, j, valid, v, c30, c31, c32, c33) }
            if r > 4 { storeRow(Edge.self, .reluGradient, h, hRowStride, i + 4, j, valid, v, c40, c41, c42, c43) }
            if r > 5 { storeRow(Edge.self, .reluGradient, h, hRowStride, i + 5, j, valid, v, c50, c51, c52, c53) }
        case .add:
            storeRow(Edge.self, .add, nil, 0, i, j, valid, v, c00, c01, c02, c03)
            if r > 1 { storeRow(Edge.self, .add, nil, 0, i + 1, j, valid, v, c10, c11, c12, c13) }
            if r > 2 { storeRow(Edge.self, .add, nil, 0, i + 2, j, valid, v, c20, c21, c22, c23) }
            if r > 3 { storeRow(Edge.self, .add, nil, 0, i + 3, j, valid, v, c30, c31, c32, c33) }
            if r > 4 { storeRow(Edge.self, .add, nil, 0, i + 4, j, valid, v, c40, c41, c42, c43) }
            if r > 5 { storeRow(Edge.self, .add, nil, 0, i + 5, j, valid, v, c50, c51, c52, c53) }
        }
    }

    /// The epilogue of one row, as a constant at each (inlined) call site.
    private enum StoreMode { case none, tanh, tanhGradient, relu, reluGradient, add }

    /// Applies the epilogue to one row of a tile and stores its `valid` columns.
    @inline(__always)
    private func storeRow<Edge: TileEdge>(
        _: Edge.Type, _ mode: StoreMode, _ h: UnsafePointer<Float>?, _ hRowStride: Int,
        _ i: Int, _ j: Int, _ valid: Int, _ v: Int, _ x0: Vec, _ x1: Vec, _ x2: Vec, _ x3: Vec
    ) {
        let w = Vec.scalarCount
        @inline(__always) func load(_ p: UnsafePointer<Float>, _ lanes: Int) -> Vec {
            Edge.isPartial ? loadPartial(p, valid: lanes) : p.vec(0)
        }
        @inline(__always) func store(_ x: Vec, _ p: UnsafeMutablePointer<Float>, _ lanes: Int) {
            if Edge.isPartial { storePartial(x, p, valid: lanes) } else { p.store(x, 0) }
        }
        let row = operands.c + i * shape.cRowStride + j
        switch mode {
        case .none:
            store(x0, row, valid)
            if v > 1 { store(x1, row + w, valid - w) }
            if v > 2 { store(x2, row + 2 * w, valid - 2 * w) }
            if v > 3 { store(x3, row + 3 * w, valid - 3 * w) }
        case .tanh:
            store(vectorTanh(x0), row, valid)
            if v > 1 { store(vectorTanh(x1), row + w, valid - w) }
            if v > 2 { store(vectorTanh(x2), row + 2 * w, valid - 2 * w) }
            if v > 3 { store(vectorTanh(x3), row + 3 * w, valid - 3 * w) }
        case .tanhGradient:
            let hp = h! + i * hRowStride + j
            let one = Vec(repeating: 1)
            let h0 = load(hp, valid)
            store(x0 * (one - h0 * h0), row, valid)
            if v > 1 {
                let h1 = load(hp + w, valid - w)
                store(x1 * (one - h1 * h1), row + w, valid - w)
            }
            if v > 2 {
                let h2 = load(hp + 2 * w, valid - 2 * w)
                store(x2 * (one - h2 * h2), row + 2 * w, valid - 2 * w)
            }
            if v > 3 {
                let h3 = load(hp + 3 * w, valid - 3 * w)
                store(x3 * (one - h3 * h3), row + 3 * w, valid - 3 * w)
            }
        case .relu:
            let zero = Vec()
            store(x0.replacing(with: zero, where: x0 .< zero), row, valid)
            if v > 1 { store(x1.replacing(with: zero, where: x1 .< zero), row + w, valid - w) }
            if v > 2 { store(x2.replacing(with: zero, where: x2 .< zero), row + 2 * w, valid - 2 * w) }
            if v > 3 { store(x3.replacing(with: zero, where: x3 .< zero), row + 3 * w, valid - 3 * w) }
        case .reluGradient:
            let hp = h! + i * hRowStride + j
            let zero = Vec()
            store(x0.replacing(with: zero, where: load(hp, valid) .<= zero), row, valid)
            if v > 1 { store(x1.replacing(with: zero, where: load(hp + w, valid - w) .<= zero), row + w, valid - w) }
            if v > 2 {
                store(x2.replacing(with: zero, where: load(hp + 2 * w, valid - 2 * w) .<= zero), row + 2 * w, valid - 2 * w)
            }
            if v > 3 {
                store(x3.replacing(with: zero, where: load(hp + 3 * w, valid - 3 * w) .<= zero), row + 3 * w, valid - 3 * w)
            }
        case .add:
            store(load(row, valid) + x0, row, valid)
            if v > 1 { store(load(row + w, valid - w) + x1, row + w, valid - w) }
            if v > 2 { store(load(row + 2 * w, valid - 2 * w) + x2, row + 2 * w, valid - 2 * w) }
            if v > 3 { store(load(row + 3 * w, valid - 3 * w) + x3, row + 3 * w, valid - 3 * w) }
        }
    }
}

/// A tile's size as types, so each size gets its own specialised kernel with
/// constant loop bounds (generic specialisation is guaranteed where inlining
/// of a large function is not).
protocol TileShape { static var rows: Int { get }; static var vectors: Int { get } }
protocol TileCount { static var value: Int { get } }
enum One: TileCount { static var value: Int { 1 } }
enum Two: TileCount { static var value: Int { 2 } }
enum Three: TileCount { static var value: Int { 3 } }
enum Four: TileCount { static var value: Int { 4 } }
enum Five: TileCount { static var value: Int { 5 } }
enum Six: TileCount { static var value: Int { 6 } }
enum Tile<Rows: TileCount, Vectors: TileCount>: TileShape {
    static var rows: Int { Rows.value }
    static var vectors: Int { Vectors.value }
}

/// Whether a tile's last vector may be partial, as a type: full tiles load
/// and store whole vectors with no lane loop in their code at all.
protocol TileEdge { static var isPartial: Bool { get } }
enum WholeVectors: TileEdge { static var isPartial: Bool { false } }
enum PartialVector: TileEdge { static var isPartial: Bool { true } }

/// The first `valid` floats at `p` in a vector, zeros after; a whole-vector
/// load when `valid` covers it.
@inline(__always)
func loadPartial(_ p: UnsafePointer<Float>, valid: Int) -> Vec {
    valid >= Vec.scalarCount ? p.vec(0) : recur_load16_first(p, Int32(valid))
}

/// Stores the first `valid` lanes of `x` at `p`.
@inline(__always)
func storePartial(_ x: Vec, _ p: UnsafeMutablePointer<Float>, valid: Int) {
    if valid >= Vec.scalarCount {
        p.store(x, 0)
    } else {
        recur_store16_first(p, x, Int32(valid))
    }
}
