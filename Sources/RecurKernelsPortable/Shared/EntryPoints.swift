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
    sigmoid: { vectorSigmoid($0) },
    lstmCellRows: {
        lstmCellRows(
            gates: $0, gateRowStride: $1, previousCell: $2, cell: $3, output: $4, stateRowStride: $5, rows: $6, hidden: $7)
    },
    lstmCellGradientRows: {
        lstmCellGradientRows(
            outputGradient: $0, gates: $1, gateRowStride: $2, previousCell: $3, cell: $4, stateRowStride: $5,
            cellGradient: $6, gateGradients: $7, rows: $8, hidden: $9)
    },
    gruCellRows: {
        gruCellRows(
            gates: $0, recurrent: $1, gateRowStride: $2, previous: $3, output: $4, stateRowStride: $5, rows: $6,
            hidden: $7)
    },
    gruCellGradientRows: {
        gruCellGradientRows(
            outputGradient: $0, gates: $1, recurrent: $2, gateRowStride: $3, previous: $4, previousGradient: $5,
            stateRowStride: $6, inputGateGradients: $7, recurrentGateGradients: $8, rows: $9, hidden: $10)
    },
    softmaxCrossEntropy: {
        softmaxCrossEntropy(logits: $0, labels: $1, samples: $2, classes: $3, gradientScale: $4, gradient: $5)
    },
    dot: { dot($0, $1, count: $2) },
    dots: { dots($0, $1, rowStride: $2, rows: $3, count: $4, into: $5) },
    columnSums: { columnSums($0, rows: $1, rowStride: $2, count: $3, into: $4) },
    peakProbe: { PeakProbe.run(iterations: $0, seed: $1) })
