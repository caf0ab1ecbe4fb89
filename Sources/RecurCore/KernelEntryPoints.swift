/// The sizes, strides and options of one call of the kernels' matrix
/// product, without its operands: `C (=|+=) bias + A·B` with
/// `A(i, k) = a[i * aRowStride + k * aDepthStride + s * aSegmentStride]` over
/// `segments` blocks of `depth` steps, and `B(k, j) = b[(j / 64) *
/// bPanelStride + k * bRowStride + j % 64 + s * bSegmentStride]` (columns in
/// panels of ``panelWidth``; a plain row-major B has `bPanelStride == 64`),
/// `C` contiguous along columns. Each kernel build's
/// `MatrixProduct` is one of these plus its operands
/// (``ProductOperandPointers``); the model's products are described once, in
/// `ModelProducts.swift`, for the kernels' forward and backward pass and for
/// the benchmarks that measure them.
@_spi(Kernels) public struct ProductShape: Hashable, Sendable, CustomStringConvertible {
    /// What happens to each output element once its sum is complete.
    public enum Epilogue: Hashable, Sendable {
        case none
        /// `tanh(sum)`: a forward step of the tanh RNN.
        case tanh
        /// `sum · (1 - h²)`, with `h` laid out like C but rows `hRowStride`
        /// apart: a backward step of the tanh RNN.
        case tanhGradient(hRowStride: Int)
        /// `max(sum, 0)`: a forward step of the ReLU RNN.
        case relu
        /// `sum` where `h > 0`, else 0 (PyTorch's `threshold_backward` on
        /// the ReLU's output), `h` as for ``tanhGradient(hRowStride:)``: a
        /// backward step of the ReLU RNN.
        case reluGradient(hRowStride: Int)
        /// `C + sum`: the finished sum added to what C held, one rounding,
        /// where ``ProductShape/accumulate`` starts the chain from C instead.
        /// A shard's weight gradient added this way to the sum of the shards
        /// before it gives the bits of summing the shards' own products in
        /// order (``ShardPass/GradientOutput/chained(startsChain:)``).
        case add

        /// The row stride of the `h` operand the epilogue reads, nil when it reads none.
        public var hRowStride: Int? {
            switch self {
            case .tanhGradient(let stride), .reluGradient(let stride): stride
            case .none, .tanh, .relu, .add: nil
            }
        }
    }

    public var rows: Int
    public var columns: Int
    public var depth: Int
    public var segments: Int
    public var aRowStride: Int
    public var aDepthStride: Int
    public var aSegmentStride: Int
    public var bRowStride: Int
    /// Floats from one panel of ``panelWidth`` columns of B to the next:
    /// ``panelWidth`` for a row-major B, `depth * panelWidth` (or more) for
    /// a B packed in column panels, where each panel's rows follow each other
    /// and a tile of columns streams through one contiguous run of memory.
    public var bPanelStride: Int
    public var bSegmentStride: Int
    public var cRowStride: Int
    public var accumulate: Bool
    public var hasBias: Bool
    public var epilogue: Epilogue

    public init(
        rows: Int, columns: Int, depth: Int, segments: Int = 1,
        aRowStride: Int, aDepthStride: Int, aSegmentStride: Int = 0,
        bRowStride: Int, bPanelStride: Int = ProductShape.panelWidth, bSegmentStride: Int = 0, cRowStride: Int,
        accumulate: Bool = false, hasBias: Bool = false, epilogue: Epilogue = .none
    ) {
        self.rows = rows
        self.columns = columns
        self.depth = depth
        self.segments = segments
        self.aRowStride = aRowStride
        self.aDepthStride = aDepthStride
        self.aSegmentStride = aSegmentStride
        self.bRowStride = bRowStride
        self.bPanelStride = bPanelStride
        self.bSegmentStride = bSegmentStride
        self.cRowStride = cRowStride
        self.accumulate = accumulate
        self.hasBias = hasBias
        self.epilogue = epilogue
    }

    /// Columns of B per panel. Every kernel build's tile of columns divides
    /// it (64 for AVX-512's 4 vectors, 16 for one vector), so a tile never
    /// straddles two panels.
    public static let panelWidth = 64

    /// A weight laid out for a product's B in column panels: `columns`
    /// columns of `depth` rows, panel after panel, each panel's rows
    /// ``panelWidth`` floats apart (the last panel padded to full width).
    /// `packedIndex` is where B(k, j) goes; `packedCount` the floats it takes.
    public static func packedIndex(depth k: Int, column j: Int, depth: Int) -> Int {
        (j / panelWidth) * depth * panelWidth + k * panelWidth + j % panelWidth
    }

    /// Floats of a B of `depth` rows and `columns` columns in column panels.
    public static func packedCount(depth: Int, columns: Int) -> Int {
        (columns + panelWidth - 1) / panelWidth * depth * panelWidth
    }

    /// This shape with its B read from column panels (``packedIndex(depth:column:depth:)``).
    public func packedB() -> ProductShape {
        precondition(segments == 1, "a B of several segments is not a packed weight")
        var shape = self
        shape.bRowStride = Self.panelWidth
        shape.bPanelStride = depth * Self.panelWidth
        return shape
    }

    /// `C = A·B` with every matrix dense and row-major.
    public static func plain(rows: Int, columns: Int, depth: Int) -> ProductShape {
        ProductShape(
            rows: rows, columns: columns, depth: depth,
            aRowStride: depth, aDepthStride: 1, bRowStride: columns, cRowStride: columns)
    }

    /// Floating-point operations of one call, counting a multiply-add as two.
    public var flops: Double { 2 * Double(rows) * Double(columns) * Double(depth) * Double(segments) }

    /// Where `A(i, k)` of segment `s` is.
    public func aIndex(row i: Int, depth k: Int, segment s: Int) -> Int {
        s * aSegmentStride + i * aRowStride + k * aDepthStride
    }

    /// Where `B(k, j)` of segment `s` is.
    public func bIndex(depth k: Int, column j: Int, segment s: Int) -> Int {
        s * bSegmentStride + (j / Self.panelWidth) * bPanelStride + k * bRowStride + j % Self.panelWidth
    }

    /// Floats of A the product may read: one past the largest index.
    public var aCount: Int {
        rows == 0 || depth == 0 ? 0 : aIndex(row: rows - 1, depth: depth - 1, segment: segments - 1) + 1
    }

    /// Floats of B the product uses (the kernel may read up to a vector
    /// minus one float past the last, which the caller must keep readable).
    public var bCount: Int {
        depth == 0 || columns == 0 ? 0 : bIndex(depth: depth - 1, column: columns - 1, segment: segments - 1) + 1
    }

    /// Floats from C's first element to one past its last.
    public var cCount: Int { (rows - 1) * cRowStride + columns }

    /// Floats of the `h` operand of a gradient epilogue, else 0.
    public var hCount: Int {
        guard let rowStride = epilogue.hRowStride else { return 0 }
        return (rows - 1) * rowStride + columns
    }

    public var description: String {
        var text = "\(rows)x\(columns) depth \(depth)"
        if segments != 1 { text += " x\(segments) segments (A +\(aSegmentStride), B +\(bSegmentStride))" }
        text += " A strides \(aRowStride)/\(aDepthStride), B row \(bRowStride)"
        if bPanelStride != Self.panelWidth { text += " panel \(bPanelStride)" }
        text += ", C row \(cRowStride)"
        if accumulate { text += ", accumulate" }
        if hasBias { text += ", bias" }
        switch epilogue {
        case .none: break
        case .tanh: text += ", tanh"
        case .tanhGradient(let rowStride): text += ", tanh gradient (h row \(rowStride))"
        case .relu: text += ", relu"
        case .reluGradient(let rowStride): text += ", relu gradient (h row \(rowStride))"
        case .add: text += ", added to C"
        }
        return text
    }
}

/// The buffers one ``ProductShape`` runs on; `bias` and `h` only where the
/// shape has a bias or a gradient epilogue.
@_spi(Kernels) public struct ProductOperandPointers: @unchecked Sendable {
    public var a: UnsafePointer<Float>
    public var b: UnsafePointer<Float>
    public var c: UnsafeMutablePointer<Float>
    public var bias: UnsafePointer<Float>?
    public var h: UnsafePointer<Float>?

    public init(
        a: UnsafePointer<Float>, b: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>,
        bias: UnsafePointer<Float>? = nil, h: UnsafePointer<Float>? = nil
    ) {
        self.a = a
        self.b = b
        self.c = c
        self.bias = bias
        self.h = h
    }
}

/// One build of the kernels (AVX-512, AVX2 or portable) seen through
/// closures over its functions. Every build compiles the same sources into a
/// module of its own, with the same names; each module defines its
/// `entryPoints` once, so tests and benchmarks run the same code against
/// every build without wiring each one by hand.
@_spi(Kernels) public struct KernelEntryPoints: Sendable, CustomStringConvertible {
    /// "avx512", "avx2" or "portable", as ``ComputeBackend/name``.
    public let name: String
    /// FMA chains the build's peak probe runs.
    public let probeChains: Int
    /// The build's backend.
    public let backend: any ComputeBackend
    /// Runs the build's `MatrixProduct` for a shape on its operands.
    public let matrixProduct: @Sendable (ProductShape, ProductOperandPointers) -> Void
    /// `vectorTanh`.
    public let tanh: @Sendable (SIMD16<Float>) -> SIMD16<Float>
    /// `tanhRows(_:rows:rowStride:count:)`.
    public let tanhRows: @Sendable (UnsafeMutablePointer<Float>, _ rows: Int, _ rowStride: Int, _ count: Int) -> Void
    /// `tanhGradientRows(_:h:rows:rowStride:count:)`.
    public let tanhGradientRows: @Sendable (
        UnsafeMutablePointer<Float>, _ h: UnsafePointer<Float>, _ rows: Int, _ rowStride: Int, _ count: Int
    ) -> Void
    /// `reluRows(_:rows:rowStride:count:)`.
    public let reluRows: @Sendable (UnsafeMutablePointer<Float>, _ rows: Int, _ rowStride: Int, _ count: Int) -> Void
    /// `reluGradientRows(_:h:rows:rowStride:count:)`.
    public let reluGradientRows: @Sendable (
        UnsafeMutablePointer<Float>, _ h: UnsafePointer<Float>, _ rows: Int, _ rowStride: Int, _ count: Int
    ) -> Void
    /// `vectorSigmoid`.
    public let sigmoid: @Sendable (SIMD16<Float>) -> SIMD16<Float>
    /// `lstmCellRows(gates:gateRowStride:previousCell:cell:output:stateRowStride:rows:hidden:)`.
    public let lstmCellRows: @Sendable (
        _ gates: UnsafeMutablePointer<Float>, _ gateRowStride: Int, _ previousCell: UnsafePointer<Float>?,
        _ cell: UnsafeMutablePointer<Float>, _ output: UnsafeMutablePointer<Float>, _ stateRowStride: Int,
        _ rows: Int, _ hidden: Int
    ) -> Void
    /// `lstmCellGradientRows(outputGradient:gates:gateRowStride:previousCell:cell:stateRowStride:cellGradient:gateGradients:rows:hidden:)`.
    public let lstmCellGradientRows: @Sendable (
        _ outputGradient: UnsafePointer<Float>, _ gates: UnsafePointer<Float>, _ gateRowStride: Int,
        _ previousCell: UnsafePointer<Float>?, _ cell: UnsafePointer<Float>, _ stateRowStride: Int,
        _ cellGradient: UnsafeMutablePointer<Float>, _ gateGradients: UnsafeMutablePointer<Float>,
        _ rows: Int, _ hidden: Int
    ) -> Void
    /// `gruCellRows(gates:recurrent:gateRowStride:previous:output:stateRowStride:rows:hidden:)`.
    public let gruCellRows: @Sendable (
        _ gates: UnsafeMutablePointer<Float>, _ recurrent: UnsafePointer<Float>, _ gateRowStride: Int,
        _ previous: UnsafePointer<Float>?, _ output: UnsafeMutablePointer<Float>, _ stateRowStride: Int,
        _ rows: Int, _ hidden: Int
    ) -> Void
    /// `gruCellGradientRows(outputGradient:gates:recurrent:gateRowStride:previous:previousGradient:stateRowStride:inputGateGradients:recurrentGateGradients:rows:hidden:)`.
    public let gruCellGradientRows: @Sendable (
        _ outputGradient: UnsafePointer<Float>, _ gates: UnsafePointer<Float>, _ recurrent: UnsafePointer<Float>,
        _ gateRowStride: Int, _ previous: UnsafePointer<Float>?, _ previousGradient: UnsafeMutablePointer<Float>?,
        _ stateRowStride: Int, _ inputGateGradients: UnsafeMutablePointer<Float>,
        _ recurrentGateGradients: UnsafeMutablePointer<Float>, _ rows: Int, _ hidden: Int
    ) -> Void
    /// `softmaxCrossEntropy(logits:labels:samples:classes:gradientScale:gradient:)`.
    public let softmaxCrossEntropy: @Sendable (
        _ logits: UnsafePointer<Float>, _ labels: UnsafePointer<Int32>, _ samples: Int, _ classes: Int,
        _ gradientScale: Float, _ gradient: UnsafeMutablePointer<Float>?
    ) -> Float
    /// `dot(_:_:count:)`.
    public let dot: @Sendable (UnsafePointer<Float>, UnsafePointer<Float>, _ count: Int) -> Float
    /// `dots(_:_:rowStride:rows:count:into:)`.
    public let dots: @Sendable (
        UnsafePointer<Float>, UnsafePointer<Float>, _ rowStride: Int, _ rows: Int, _ count: Int,
        _ into: UnsafeMutablePointer<Float>
    ) -> Void
    /// `columnSums(_:rows:rowStride:count:into:)`.
    public let columnSums: @Sendable (
        UnsafePointer<Float>, _ rows: Int, _ rowStride: Int, _ count: Int, _ into: UnsafeMutablePointer<Float>
    ) -> Void
    /// `PeakProbe.run(iterations:seed:)`: the FLOPs done and a checksum to keep.
    public let peakProbe: @Sendable (_ iterations: Int, _ seed: Float) -> (flops: Double, checksum: Float)

    public init(
        name: String, probeChains: Int, backend: any ComputeBackend,
        matrixProduct: @escaping @Sendable (ProductShape, ProductOperandPointers) -> Void,
        tanh: @escaping @Sendable (SIMD16<Float>) -> SIMD16<Float>,
        tanhRows: @escaping @Sendable (UnsafeMutablePointer<Float>, Int, Int, Int) -> Void,
        tanhGradientRows: @escaping @Sendable (UnsafeMutablePointer<Float>, UnsafePointer<Float>, Int, Int, Int) -> Void,
        reluRows: @escaping @Sendable (UnsafeMutablePointer<Float>, Int, Int, Int) -> Void,
        reluGradientRows: @escaping @Sendable (UnsafeMutablePointer<Float>, UnsafePointer<Float>, Int, Int, Int) -> Void,
        sigmoid: @escaping @Sendable (SIMD16<Float>) -> SIMD16<Float>,
        lstmCellRows: @escaping @Sendable (
            UnsafeMutablePointer<Float>, Int, UnsafePointer<Float>?, UnsafeMutablePointer<Float>,
            UnsafeMutablePointer<Float>, Int, Int, Int
        ) -> Void,
        lstmCellGradientRows: @escaping @Sendable (
            UnsafePointer<Float>, UnsafePointer<Float>, Int, UnsafePointer<Float>?, UnsafePointer<Float>, Int,
            UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>, Int, Int
        ) -> Void,
        gruCellRows: @escaping @Sendable (
            UnsafeMutablePointer<Float>, UnsafePointer<Float>, Int, UnsafePointer<Float>?, UnsafeMutablePointer<Float>,
            Int, Int, Int
        ) -> Void,
        gruCellGradientRows: @escaping @Sendable (
            UnsafePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>, Int, UnsafePointer<Float>?,
            UnsafeMutablePointer<Float>?, Int, UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>, Int, Int
        ) -> Void,
        softmaxCrossEntropy: @escaping @Sendable (
            UnsafePointer<Float>, UnsafePointer<Int32>, Int, Int, Float, UnsafeMutablePointer<Float>?
        ) -> Float,
        dot: @escaping @Sendable (UnsafePointer<Float>, UnsafePointer<Float>, Int) -> Float,
        dots: @escaping @Sendable (UnsafePointer<Float>, UnsafePointer<Float>, Int, Int, Int, UnsafeMutablePointer<Float>) -> Void,
        columnSums: @escaping @Sendable (UnsafePointer<Float>, Int, Int, Int, UnsafeMutablePointer<Float>) -> Void,
        peakProbe: @escaping @Sendable (Int, Float) -> (flops: Double, checksum: Float)
    ) {
        self.name = name
        self.probeChains = probeChains
        self.backend = backend
        self.matrixProduct = matrixProduct
        self.tanh = tanh
        self.tanhRows = tanhRows
        self.tanhGradientRows = tanhGradientRows
        self.reluRows = reluRows
        self.reluGradientRows = reluGradientRows
        self.sigmoid = sigmoid
        self.lstmCellRows = lstmCellRows
        self.lstmCellGradientRows = lstmCellGradientRows
        self.gruCellRows = gruCellRows
        self.gruCellGradientRows = gruCellGradientRows
        self.softmaxCrossEntropy = softmaxCrossEntropy
        self.dot = dot
        self.dots = dots
        self.columnSums = columnSums
        self.peakProbe = peakProbe
    }

    public var description: String { name }
}
