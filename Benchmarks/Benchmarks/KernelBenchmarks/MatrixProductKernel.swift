@_spi(Kernels) import RecurKernelsAVX2
@_spi(Kernels) import RecurKernelsAVX512
@_spi(Kernels) import RecurKernelsPortable

/// The `MatrixProduct` of one build of the kernels. Every build compiles the
/// same source, so each has the same initialiser; this protocol lets one
/// generic function set up a product for whichever build runs.
protocol MatrixProductKernel: SendableMetatype {
    associatedtype Epilogue

    init(
        rows: Int, columns: Int, depth: Int, segments: Int,
        a: UnsafePointer<Float>, aRowStride: Int, aDepthStride: Int, aSegmentStride: Int,
        b: UnsafePointer<Float>, bRowStride: Int, bSegmentStride: Int,
        c: UnsafeMutablePointer<Float>, cRowStride: Int,
        accumulate: Bool, bias: UnsafePointer<Float>?, epilogue: Epilogue)

    func run()

    /// This build's epilogue for `kind`; `h` and `rowStride` describe the
    /// tanh outputs a ``ProductShape/Epilogue/tanhGradient`` reads.
    static func epilogue(_ kind: ProductShape.Epilogue, h: UnsafePointer<Float>, rowStride: Int) -> Epilogue
}

extension MatrixProductKernel {
    /// The product `shape` over `operands`, ready to run.
    init(_ shape: ProductShape, _ operands: ProductOperands) {
        self.init(
            rows: shape.rows, columns: shape.columns, depth: shape.depth, segments: shape.segments,
            a: operands.a.pointer, aRowStride: shape.aRowStride, aDepthStride: shape.aDepthStride,
            aSegmentStride: shape.aSegmentStride,
            b: operands.b.pointer, bRowStride: shape.bRowStride, bSegmentStride: shape.bSegmentStride,
            c: operands.c.pointer, cRowStride: shape.cRowStride,
            accumulate: shape.accumulate, bias: shape.hasBias ? UnsafePointer(operands.bias.pointer) : nil,
            epilogue: Self.epilogue(shape.epilogue, h: operands.h.pointer, rowStride: shape.cRowStride))
    }
}

extension RecurKernelsAVX512.MatrixProduct: MatrixProductKernel {
    static func epilogue(_ kind: ProductShape.Epilogue, h: UnsafePointer<Float>, rowStride: Int) -> Epilogue {
        switch kind {
        case .none: .none
        case .tanh: .tanh
        case .tanhGradient: .tanhGradient(h, rowStride: rowStride)
        }
    }
}

extension RecurKernelsAVX2.MatrixProduct: MatrixProductKernel {
    static func epilogue(_ kind: ProductShape.Epilogue, h: UnsafePointer<Float>, rowStride: Int) -> Epilogue {
        switch kind {
        case .none: .none
        case .tanh: .tanh
        case .tanhGradient: .tanhGradient(h, rowStride: rowStride)
        }
    }
}

extension RecurKernelsPortable.MatrixProduct: MatrixProductKernel {
    static func epilogue(_ kind: ProductShape.Epilogue, h: UnsafePointer<Float>, rowStride: Int) -> Epilogue {
        switch kind {
        case .none: .none
        case .tanh: .tanh
        case .tanhGradient: .tanhGradient(h, rowStride: rowStride)
        }
    }
}
