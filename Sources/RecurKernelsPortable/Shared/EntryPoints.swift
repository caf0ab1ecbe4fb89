@_spi(Kernels) import RecurCore

/// This build's kernels for tests and benchmarks (``KernelEntryPoints``).
@_spi(Kernels) public let entryPoints = KernelEntryPoints(
    name: backendName, probeChains: probeChains, backend: Backend(),
    matrixProduct: { shape, operands in MatrixProduct(shape, operands).run() },
    tanh: { vectorTanh($0) },
    tanhRows: { tanhRows($0, rows: $1, rowStride: $2, count: $3) },
    tanhGradientRows: { tanhGradientRows($0, h: $1, rows: $2, rowStride: $3, count: $4) },
    reluRows: { reluRows($0, rows: $1, rowStride: $2, count: $3) },
    reluGradientRows: { reluGradientRows($0, h: $1, rows: $2, rowStride: $3, count: $4) },
    softmaxCrossEntropy: {
        softmaxCrossEntropy(logits: $0, labels: $1, samples: $2, classes: $3, gradientScale: $4, gradient: $5)
    },
    dot: { dot($0, $1, count: $2) },
    columnSums: { columnSums($0, rows: $1, rowStride: $2, count: $3, into: $4) },
    peakProbe: { PeakProbe.run(iterations: $0, seed: $1) })
