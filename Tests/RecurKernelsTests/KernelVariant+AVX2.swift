@_spi(Kernels) @testable import RecurKernelsAVX2

extension KernelVariant {
    /// The `RecurKernelsAVX2` build.
    static let avx2 = KernelVariant(
        name: "avx2",
        probeChains: RecurKernelsAVX2.probeChains,
        backend: RecurKernelsAVX2.Backend(),
        matrixProduct: { call in
            let layout = call.layout
            let epilogue: RecurKernelsAVX2.MatrixProduct.Epilogue
            switch call.epilogue {
            case .none: epilogue = .none
            case .tanh: epilogue = .tanh
            case .tanhGradient(let h, let rowStride): epilogue = .tanhGradient(h, rowStride: rowStride)
            }
            RecurKernelsAVX2.MatrixProduct(
                rows: layout.rows, columns: layout.columns, depth: layout.depth, segments: layout.segments,
                a: call.a, aRowStride: layout.aRowStride, aDepthStride: layout.aDepthStride,
                aSegmentStride: layout.aSegmentStride,
                b: call.b, bRowStride: layout.bRowStride, bSegmentStride: layout.bSegmentStride,
                c: call.c, cRowStride: layout.cRowStride,
                accumulate: layout.accumulate, bias: call.bias, epilogue: epilogue
            ).run()
        },
        tanh: { RecurKernelsAVX2.vectorTanh($0) },
        tanhRows: { RecurKernelsAVX2.tanhRows($0, rows: $1, rowStride: $2, count: $3) },
        tanhGradientRows: { RecurKernelsAVX2.tanhGradientRows($0, h: $1, rows: $2, rowStride: $3, count: $4) },
        softmaxCrossEntropy: {
            RecurKernelsAVX2.softmaxCrossEntropy(
                logits: $0, labels: $1, samples: $2, classes: $3, gradientScale: $4, gradient: $5)
        },
        dot: { RecurKernelsAVX2.dot($0, $1, count: $2) },
        columnSums: { RecurKernelsAVX2.columnSums($0, rows: $1, rowStride: $2, count: $3, into: $4) },
        peakProbe: { RecurKernelsAVX2.PeakProbe.run(iterations: $0, seed: $1) })
}
