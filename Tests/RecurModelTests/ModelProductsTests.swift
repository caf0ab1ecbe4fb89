@_spi(Kernels) import RecurCore
import Testing

/// The model's products (`ModelProducts.swift`), which the kernels' forward
/// and backward pass build every `MatrixProduct` from and the kernel
/// benchmarks measure: together they do the model's FLOPs, and each reads
/// and writes exactly the buffers it is run on.
@Suite struct ModelProductsTests {
    static let models = [
        ModelShape.mnist,
        ModelShape(inputSize: 3, sequenceLength: 5, hidden: 7, layers: 1, classes: 4),
        ModelShape(inputSize: 3, sequenceLength: 5, hidden: 7, layers: 2, classes: 4),
        ModelShape(inputSize: 20, sequenceLength: 3, hidden: 40, layers: 3, classes: 5),
        ModelShape(inputSize: 28, sequenceLength: 1, hidden: 16, layers: 2, classes: 10),
    ]
    static let sampleCounts = [1, 4, 16]

    /// The products' FLOPs are `flopsPerSample` per sample less what the
    /// pass does without a product: three `hidden²` steps in each layer
    /// (the first forward step, the last BPTT step, step 0 of the recurrent
    /// weight gradient) and the linear layer's forward dot products.
    @Test(arguments: models)
    func flopsAreTheModelsLessTheDocumentedRest(model: ModelShape) {
        let h = Double(model.hidden)
        let withoutProducts = 2 * (Double(model.layers) * 3 * h * h + Double(model.flatFeatures * model.classes))
        for samples in Self.sampleCounts {
            let products = PassProduct.all(model, samples: samples)
            let total = products.reduce(0) { $0 + $1.flops }
            #expect(total == Double(samples) * (model.flopsPerSample - withoutProducts), "\(model), m = \(samples)")
        }
    }

    /// Each product's extents, at the offsets `Shard.swift` runs it at, are
    /// exactly the buffers of the model it reads and writes (sequences
    /// `samples x T x features`, weights as stored or packed).
    @Test(arguments: models)
    func productsSpanTheirBuffers(model: ModelShape) {
        let t = model.sequenceLength, hidden = model.hidden, classes = model.classes
        let sequence = model.flatFeatures
        for m in Self.sampleCounts {
            let context = "\(model), m = \(m)"
            for layer in 0..<model.layers {
                let input = model.layerInputSize(layer)
                let projection = ProductShape.inputProjection(model, layer: layer, samples: m)
                #expect(projection.aCount == m * t * input, "\(context)")
                #expect(projection.bCount == input * hidden, "\(context)")
                #expect(projection.cCount == m * sequence, "\(context)")
                #expect(projection.hasBias && !projection.accumulate, "\(context)")

                let weightGradient = ProductShape.inputWeightGradient(model, layer: layer, samples: m)
                let transposed = model.transposesInputWeightGradient(layer: layer, samples: m)
                #expect(weightGradient.rows == (transposed ? input : hidden), "\(context)")
                #expect(weightGradient.aCount == m * t * (transposed ? input : hidden), "\(context)")
                #expect(weightGradient.bCount == m * t * (transposed ? hidden : input), "\(context)")
                #expect(weightGradient.cCount == input * hidden, "\(context)")

                if layer > 0 {
                    let below = ProductShape.gradientToLayerBelow(model, layer: layer, samples: m)
                    #expect(below.aCount == m * sequence, "\(context)")
                    #expect(below.bCount == hidden * input, "\(context)")
                    #expect(below.cCount == m * t * input, "\(context)")
                }
            }

            // Steps t - 1 -> t forward (A at step t - 1, C at t) and t + 1 -> t
            // backward: the last one ends where the sequences end.
            if t > 1 {
                let step = ProductShape.recurrentStep(model, samples: m)
                #expect(step.accumulate && step.epilogue == .tanh, "\(context)")
                #expect((t - 1) * hidden + step.cCount == m * sequence, "\(context)")
                #expect((t - 2) * hidden + step.aCount == m * sequence - hidden, "\(context)")
                #expect(step.bCount == hidden * hidden, "\(context)")
                let back = ProductShape.recurrentStepGradient(model, samples: m)
                #expect(back.epilogue == .tanhGradient(hRowStride: sequence), "\(context)")
                #expect(back.hCount == back.cCount && back.aCount == step.aCount, "\(context)")
            }

            // ∂z from step 1, h up to step T - 2.
            let recurrent = ProductShape.recurrentWeightGradient(model, samples: m)
            if t > 1 {
                #expect(hidden + recurrent.aCount == m * sequence, "\(context)")
                #expect(recurrent.bCount == m * sequence - hidden, "\(context)")
            }
            #expect(recurrent.cCount == hidden * hidden, "\(context)")

            let linearInput = ProductShape.linearInputGradient(model, samples: m)
            #expect(linearInput.aCount == m * classes, "\(context)")
            #expect(linearInput.bCount == classes * sequence, "\(context)")
            #expect(linearInput.cCount == m * sequence, "\(context)")

            let linearWeight = ProductShape.linearWeightGradient(model, samples: m)
            #expect(linearWeight.aCount == m * classes, "\(context)")
            #expect(linearWeight.bCount == m * sequence, "\(context)")
            #expect(linearWeight.cCount == classes * sequence, "\(context)")
            // A block of columns, as the engine splits them between workers.
            let block = ProductShape.linearWeightGradient(model, samples: m, columns: 16)
            #expect(block.columns == 16 && block.cRowStride == sequence, "\(context)")
        }
    }
}
