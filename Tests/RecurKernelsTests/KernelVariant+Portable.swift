@_spi(Kernels) @testable import RecurKernelsPortable

extension KernelVariant {
    /// The `RecurKernelsPortable` build.
    static let portable = KernelVariant(
        name: "portable",
        probeChains: RecurKernelsPortable.probeChains,
        backend: RecurKernelsPortable.Backend(),
        matrixProduct: { call in
            let layout = call.layout
            let epilogue: RecurKernelsPortable.MatrixProduct.Epilogue
            switch call.epilogue {
            case .none: epilogue = .none
            case .tanh: epilogue = .tanh
            case .tanhGradient(let h, let rowStride): epilogue = .tanhGradient(h, rowStride: rowStride)
            }
            RecurKernelsPortable.MatrixProduct(
                rows: layout.rows, columns: layout.columns, depth: layout.depth, segments: layout.segments,
                a: call.a, aRowStride: layout.aRowStride, aDepthStride: layout.aDepthStride,
                aSegmentStride: layout.aSegmentStride,
                b: call.b, bRowStride: layout.bRowStride, bSegmentStride: layout.bSegmentStride,
                c: call.c, cRowStride: layout.cRowStride,
                accumulate: layout.accumulate, bias: call.bias, epilogue: epilogue
            ).run()
        },
        tanh: { RecurKernelsPortable.vectorTanh($0) },
        tanhRows: { RecurKernelsPortable.tanhRows($0, rows: $1, rowStride: $2, count: $3) },
        tanhGradientRows: { RecurKernelsPortable.tanhGradientRows($0, h: $1, rows: $2, rowStride: $3, count: $4) },
        softmaxCrossEntropy: {
            RecurKernelsPortable.softmaxCrossEntropy(
                logits: $0, labels: $1, samples: $2, classes: $3, gradientScale: $4, gradient: $5)
        },
        dot: { RecurKernelsPortable.dot($0, $1, count: $2) },
        columnSums: { RecurKernelsPortable.columnSums($0, rows: $1, rowStride: $2, count: $3, into: $4) },
        peakProbe: { RecurKernelsPortable.PeakProbe.run(iterations: $0, seed: $1) })
}
