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
        ModelShape(cell: .lstm),
        ModelShape(inputSize: 3, sequenceLength: 5, hidden: 7, layers: 2, classes: 4, cell: .gru, head: .lastStep),
        ModelShape(inputSize: 20, sequenceLength: 3, hidden: 40, layers: 2, classes: 5, cell: .lstm, head: .lastStep),
    ]
    static let sampleCounts = [1, 4, 16]

    /// Whether `shape` reads its B as a weight of `depth` rows and `columns`
    /// columns in column panels: within ``ProductShape/packedCount(depth:columns:)``
    /// floats, and into the last panel's last row (the padding of a partial
    /// last panel past its columns is never read).
    static func readsPanels(_ shape: ProductShape, depth: Int, columns: Int) -> Bool {
        let packed = ProductShape.packedCount(depth: depth, columns: columns)
        let lastPanelColumns = (columns - 1) % ProductShape.panelWidth + 1
        return shape.bRowStride == ProductShape.panelWidth && shape.bPanelStride == depth * ProductShape.panelWidth
            && shape.bCount == packed - ProductShape.panelWidth + lastPanelColumns
    }

    /// The products' FLOPs are `flopsPerSample` per sample less what the
    /// pass does without a product: three `hidden x gateRows` steps in each
    /// layer (the first forward step, the last BPTT step, step 0 of the
    /// recurrent weight gradient) and the linear layer's forward dot products.
    @Test(arguments: models)
    func flopsAreTheModelsLessTheDocumentedRest(model: ModelShape) {
        let steps = Double(model.layers) * 3 * Double(model.hidden * model.gateRows)
        let withoutProducts = 2 * (steps + Double(model.headFeatures * model.classes))
        for samples in Self.sampleCounts {
            let products = PassProduct.all(model, samples: samples)
            let total = products.reduce(0) { $0 + $1.flops }
            #expect(total == Double(samples) * (model.flopsPerSample - withoutProducts), "\(model), m = \(samples)")
        }
    }

    /// Each product's extents, at the offsets `Shard.swift` runs it at, are
    /// exactly the buffers of the model it reads and writes (sequences
    /// `samples x T x features` of `hidden` outputs or `gateRows` gates,
    /// weights packed in column panels, or the linear layer's as stored).
    @Test(arguments: models)
    func productsSpanTheirBuffers(model: ModelShape) {
        let t = model.sequenceLength, hidden = model.hidden, classes = model.classes, gates = model.gateRows
        let sequence = model.flatFeatures, gateSequence = t * gates, features = model.headFeatures
        let rnn = model.cell == .rnnTanh || model.cell == .rnnReLU
        for m in Self.sampleCounts {
            let context = "\(model), m = \(m)"
            for layer in 0..<model.layers {
                let input = model.layerInputSize(layer)
                let projection = ProductShape.inputProjection(model, layer: layer, samples: m)
                #expect(projection.aCount == m * t * input, "\(context)")
                #expect(Self.readsPanels(projection, depth: input, columns: gates), "\(context)")
                #expect(projection.cCount == m * gateSequence, "\(context)")
                #expect(projection.hasBias && !projection.accumulate, "\(context)")

                let weightGradient = ProductShape.inputWeightGradient(model, layer: layer, samples: m)
                let transposed = model.transposesInputWeightGradient(layer: layer)
                #expect(weightGradient.rows == (transposed ? input : gates), "\(context)")
                #expect(weightGradient.aCount == m * t * (transposed ? input : gates), "\(context)")
                #expect(weightGradient.bCount == m * t * (transposed ? gates : input), "\(context)")
                #expect(weightGradient.cCount == input * gates, "\(context)")

                if layer > 0 {
                    let below = ProductShape.gradientToLayerBelow(model, layer: layer, samples: m)
                    #expect(below.aCount == m * gateSequence, "\(context)")
                    #expect(Self.readsPanels(below, depth: gates, columns: input), "\(context)")
                    #expect(below.cCount == m * t * input, "\(context)")
                }
            }

            // Steps t - 1 -> t forward (A at step t - 1, C at t) and t + 1 -> t
            // backward: the last one ends where the sequences end.
            if t > 1 {
                let step = ProductShape.recurrentStep(model, samples: m)
                #expect((t - 1) * gates + step.cCount == m * gateSequence, "\(context)")
                #expect((t - 2) * hidden + step.aCount == m * sequence - hidden, "\(context)")
                #expect(Self.readsPanels(step, depth: hidden, columns: gates), "\(context)")
                let back = ProductShape.recurrentStepGradient(model, samples: m)
                #expect((t - 1) * hidden + back.cCount == m * sequence, "\(context)")
                #expect((t - 2) * gates + back.aCount == m * gateSequence - gates, "\(context)")
                #expect(Self.readsPanels(back, depth: gates, columns: hidden), "\(context)")
                switch model.cell {
                case .rnnTanh:
                    #expect(step.accumulate && step.epilogue == .tanh, "\(context)")
                    #expect(back.epilogue == .tanhGradient(hRowStride: sequence), "\(context)")
                    #expect(back.hCount == back.cCount, "\(context)")
                case .rnnReLU:
                    #expect(step.accumulate && step.epilogue == .relu, "\(context)")
                case .lstm:
                    #expect(step.accumulate && !step.hasBias && step.epilogue == .none, "\(context)")
                case .gru:
                    #expect(!step.accumulate && step.hasBias && step.epilogue == .none, "\(context)")
                }
                if !rnn { #expect(back.accumulate && back.epilogue == .none, "\(context)") }
            }

            // Gate gradients from step 1, h up to step T - 2.
            let recurrent = ProductShape.recurrentWeightGradient(model, samples: m)
            if t > 1 {
                #expect(gates + recurrent.aCount == m * gateSequence, "\(context)")
                #expect(recurrent.bCount == m * sequence - hidden, "\(context)")
            }
            #expect(recurrent.cCount == gates * hidden, "\(context)")

            let linearInput = ProductShape.linearInputGradient(model, samples: m)
            #expect(linearInput.aCount == m * classes, "\(context)")
            #expect(linearInput.bCount == classes * features, "\(context)")
            #expect(linearInput.cCount == m * features, "\(context)")

            let linearWeight = ProductShape.linearWeightGradient(model, samples: m)
            #expect(linearWeight.aCount == m * classes, "\(context)")
            #expect(linearWeight.bCount == m * features, "\(context)")
            #expect(linearWeight.cCount == classes * features, "\(context)")
            // A block of columns, as the engine splits them between workers.
            let block = ProductShape.linearWeightGradient(model, samples: m, columns: 4)
            #expect(block.columns == 4 && block.cRowStride == features, "\(context)")
        }
    }
}
