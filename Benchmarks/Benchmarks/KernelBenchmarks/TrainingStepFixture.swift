@_spi(Kernels) import RecurCore
import RecurKernels
import RecurModel

/// One worker's training step, forward and backward, on a shard of seeded
/// random images through the model with `Backends.best`.
final class TrainingStepFixture: ThroughputFixture {
    let flops: Double
    private let model: Model
    private let samples: Int
    private let inputs: FloatBuffer
    private let labels: UnsafeMutablePointer<Int32>
    private let gradients: FloatBuffer

    /// Allocates everything and runs one step, so the model's workspace
    /// exists before the measurement.
    init(shape: ModelShape, samples: Int, seed: UInt64 = 1) {
        self.samples = samples
        flops = shape.flopsPerSample * Double(samples)
        model = Model(parameters: Parameters(shape: shape, seed: seed), backend: Backends.best)
        var random = RecurRandom(seed: seed, stream: 2)
        let inputCount = samples * shape.sampleInputCount
        inputs = FloatBuffer(count: inputCount + ParameterLayout.alignment)
        for i in 0..<inputCount { inputs.pointer[i] = random.uniform(0, 1) }
        labels = .allocate(capacity: samples)
        for i in 0..<samples { labels[i] = Int32(truncatingIfNeeded: random.next() % UInt64(shape.classes)) }
        gradients = FloatBuffer(count: model.layout.count)
        run()
    }

    deinit { labels.deallocate() }

    func run() {
        model.run(
            inputs: inputs.pointer, labels: labels, samples: samples,
            gradientScale: 1 / Float(samples), gradients: gradients.pointer, logits: nil)
    }
}
