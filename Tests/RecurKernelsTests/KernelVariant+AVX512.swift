@_spi(Kernels) @testable import RecurKernelsAVX512

extension KernelVariant {
    /// The `RecurKernelsAVX512` build.
    static let avx512 = KernelVariant(
        name: "avx512",
        probeChains: RecurKernelsAVX512.probeChains,
        backend: RecurKernelsAVX512.Backend(),
        matrixProduct: { call in
            let layout = call.layout
            let epilogue: RecurKernelsAVX512.MatrixProduct.Epilogue
            switch call.epilogue {
            case .none: epilogue = .none
            case .tanh: epilogue = .tanh
            case .tanhGradient(let h, let rowStride): epilogue = .tanhGradient(h, rowStride: rowStride)
            }
            RecurKernelsAVX512.MatrixProduct(
                rows: layout.rows, columns: layout.columns, depth: layout.depth, segments: layout.segments,
                a: call.a, aRowStride: layout.aRowStride, aDepthStride: layout.aDepthStride,
                aSegmentStride: layout.aSegmentStride,
                b: call.b, bRowStride: layout.bRowStride, bSegmentStride: layout.bSegmentStride,
                c: call.c, cRowStride: layout.cRowStride,
                accumulate: layout.accumulate, bias: call.bias, epilogue: epilogue
            ).run()
        },
        tanh: { RecurKernelsAVX512.vectorTanh($0) },
        tanhRows: { RecurKernelsAVX512.tanhRows($0, rows: $1, rowStride: $2, count: $3) },
        tanhGradientRows: { RecurKernelsAVX512.tanhGradientRows($0, h: $1, rows: $2, rowStride: $3, count: $4) },
        softmaxCrossEntropy: {
            RecurKernelsAVX512.softmaxCrossEntropy(
                logits: $0, labels: $1, samples: $2, classes: $3, gradientScale: $4, gradient: $5)
        },
        dot: { RecurKernelsAVX512.dot($0, $1, count: $2) },
        columnSums: { RecurKernelsAVX512.columnSums($0, rows: $1, rowStride: $2, count: $3, into: $4) },
        peakProbe: { RecurKernelsAVX512.PeakProbe.run(iterations: $0, seed: $1) })
}
