@_spi(Kernels) import RecurCore

/// This build's kernels for tests and benchmarks (``KernelEntryPoints``).
@_spi(Kernels) public let entryPoints = KernelEntryPoints(
    name: backendName, probeChains: probeChains, backend: Backend(),
    matrixProduct: { shape, operands in MatrixProduct(shape, operands).run() },
    tanh: { vectorTanh($0) },
    tanhRows: { tanhRows($0, rows: $1, rowStride: $2, count: $3) },
    tanhGradientRows: { tanhGradientRows($0, h: $1, rows: $2, rowStride: $3, count: $4) },
    softmaxCrossEntropy: {
        softmaxCrossEntropy(logits: $0, labels: $1, samples: $2, classes: $3, gradientScale: $4, gradient: $5)
    },
    dot: { dot($0, $1, count: $2) },
    columnSums: { columnSums($0, rows: $1, rowStride: $2, count: $3, into: $4) },
    peakProbe: { PeakProbe.run(iterations: $0, seed: $1) })

extension MatrixProduct {
    /// The product `shape` over `operands` (whose `bias` and `h` must be set
    /// where the shape has a bias or a `tanhGradient` epilogue).
    @_spi(Kernels) public init(_ shape: ProductShape, _ operands: ProductOperandPointers) {
        let epilogue: Epilogue
        switch shape.epilogue {
        case .none: epilogue = .none
        case .tanh: epilogue = .tanh
        case .tanhGradient(let hRowStride): epilogue = .tanhGradient(operands.h!, rowStride: hRowStride)
        }
        self.init(
            rows: shape.rows, columns: shape.columns, depth: shape.depth, segments: shape.segments,
            a: operands.a, aRowStride: shape.aRowStride, aDepthStride: shape.aDepthStride,
            aSegmentStride: shape.aSegmentStride,
            b: operands.b, bRowStride: shape.bRowStride, bSegmentStride: shape.bSegmentStride,
            c: operands.c, cRowStride: shape.cRowStride,
            accumulate: shape.accumulate, bias: shape.hasBias ? operands.bias! : nil, epilogue: epilogue)
    }
}
