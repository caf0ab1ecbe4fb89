import Benchmark
@_spi(Kernels) import RecurCore

/// The kernel benchmarks, on the build of the kernels `Backends.best` picks
/// for this CPU and with the seed model's shapes (hidden 256, 28 steps of 28
/// inputs) for each cell: the FMA peak probe, every matrix product of a
/// shard at 1, 4, 16 and 64 samples, and one worker's whole training step.
/// The tanh RNN's names carry no prefix; the LSTM's and GRU's start with
/// "LSTM " and "GRU " (`--filter 'LSTM.*'`).
let benchmarks: @Sendable () -> Void = {
    registerThroughputBenchmark("FMA peak probe", scalingFactor: .one) { build in
        PeakProbeFixture(build: build, iterations: 50_000)
    }

    for cell in [RecurrentCell.rnnTanh, .lstm, .gru] {
        let model = ModelShape(cell: cell)
        let prefix = cell == .rnnTanh ? "" : "\(cell == .lstm ? "LSTM" : "GRU") "
        for product in ModelProduct.all(model, sampleCounts: [1, 4, 16, 64]) {
            registerThroughputBenchmark(
                prefix + product.name, scalingFactor: .forCall(flops: product.shape.flops)
            ) { build in
                ProductFixture(product.shape, build: build)
            }
        }
        for samples in [4, 16] {
            registerThroughputBenchmark(prefix + "Training step m=\(samples)", scalingFactor: .one) { _ in
                TrainingStepFixture(shape: model, samples: samples)
            }
        }
    }
}
