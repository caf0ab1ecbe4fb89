import RecurCore
import RecurModel
import RecurTestSupport
import Testing

/// A batch run as one shard against the same batch run as several shards
/// whose gradients (each scaled by 1/batch) are summed: the engine's
/// data-parallel step.
@Suite struct ShardingTests {
    static let shape = ModelShape(inputSize: 3, sequenceLength: 5, hidden: 19, layers: 2, classes: 4)
    static let batch = 7
    static let shards = [0..<3, 3..<4, 4..<7]

    /// Summed loss, gradients and logits of `range` of the batch as one shard.
    static func run(_ model: Model, _ inputs: [Float], _ labels: [Int32], _ range: Range<Int>) -> (loss: Float, gradients: [Float], logits: [Float]) {
        let layout = model.layout
        var gradients = [Float](repeating: 0, count: layout.count)
        var logits = [Float](repeating: 0, count: range.count * shape.classes)
        let loss = inputs.withUnsafeBufferPointer { x in
            labels.withUnsafeBufferPointer { y in
                gradients.withUnsafeMutableBufferPointer { g in
                    logits.withUnsafeMutableBufferPointer { z in
                        model.run(
                            inputs: x.baseAddress! + range.lowerBound * shape.sampleInputCount,
                            labels: y.baseAddress! + range.lowerBound, samples: range.count,
                            gradientScale: 1 / Float(batch), gradients: g.baseAddress!, logits: z.baseAddress!)
                    }
                }
            }
        }
        return (loss, gradients, logits)
    }

    @Test(arguments: TestModels.backendNames)
    func shardsSumToTheWholeBatch(backend: String) throws {
        let model = try #require(TestModels.model(Self.shape, seed: 5, backend: backend))
        let (batchInputs, labels) = TestModels.batch(Self.shape, samples: Self.batch, seed: 6)
        let inputs = batchInputs + [Float](repeating: 0, count: ParameterLayout.alignment)

        var loss: Float = 0
        var gradients = [Float](repeating: 0, count: model.layout.count)
        var logits: [Float] = []
        for range in Self.shards {
            let shard = Self.run(model, inputs, labels, range)
            loss += shard.loss
            for i in gradients.indices { gradients[i] += shard.gradients[i] }
            logits += shard.logits
        }
        // The whole batch last, so the workspace grows after smaller shards.
        let whole = Self.run(model, inputs, labels, 0..<Self.batch)

        // Each logit is its own chain of operations: the same bits either way.
        #expect(logits.map(\.bitPattern) == whole.logits.map(\.bitPattern))
        #expect(abs(loss - whole.loss) <= 1e-6 * abs(whole.loss))
        for slot in model.layout.slots {
            let error = relativeError(Array(gradients[slot.range]), Array(whole.gradients[slot.range]))
            #expect(error <= 1e-5, "\(backend) \(slot.name): relative error \(error)")
        }
        let mean = model.lossAndGradients(inputs: batchInputs, labels: labels)
        #expect(mean.loss == whole.loss / Float(Self.batch))
        #expect(Array(mean.gradients.buffer) == whole.gradients)
    }

    /// One pass over consecutive shards (what the engine runs) gives each
    /// shard the bits of a pass of its own: its loss, logits and gradients.
    /// With the outputs kept for the caller, the linear layer's weight
    /// gradient is left alone and the kept rows are the batch's.
    @Test(arguments: TestModels.backendNames, [false, true])
    func onePassOverShardsMatchesAPassPerShard(backend: String, keepsOutputs: Bool) throws {
        let model = try #require(TestModels.model(Self.shape, seed: 12, backend: backend))
        let shape = Self.shape, layout = model.layout, batch = Self.batch, shardSize = 3
        let (batchInputs, labels) = TestModels.batch(shape, samples: batch, seed: 13)
        let inputs = batchInputs + [Float](repeating: 0, count: ParameterLayout.alignment)
        let shards = stride(from: 0, to: batch, by: shardSize).map { $0..<min($0 + shardSize, batch) }
        let separate = shards.map { Self.run(model, inputs, labels, $0) }

        let packed = FloatBuffer(count: model.packedLayout.count)
        for layer in 0..<shape.layers {
            model.backend.packWeights(
                layout: layout, packedLayout: model.packedLayout, parameters: model.parameters.pointer,
                packed: packed.pointer, layer: layer, units: 0..<shape.hidden)
        }
        // The workspace is followed by sentinels that the pass must not touch.
        let sentinel: Float = -12345
        let workspaceCount = ShardPass.workspaceCount(shape: shape, samples: batch, keepsOutputs: keepsOutputs)
        let workspace = FloatBuffer(count: workspaceCount + 64)
        (workspace.pointer + workspaceCount).update(repeating: sentinel, count: 64)
        let gradients = shards.map { _ in FloatBuffer(count: layout.count) }
        for buffer in gradients { buffer.buffer.update(repeating: sentinel) }
        let gradientPointers = gradients.map(\.pointer)
        let keptTop = FloatBuffer(count: batch * shape.flatFeatures + ParameterLayout.alignment)
        let keptLogitGradient = FloatBuffer(count: batch * shape.classes)
        var losses = [Float](repeating: .nan, count: shards.count)
        var logits = [Float](repeating: .nan, count: batch * shape.classes)
        let total = inputs.withUnsafeBufferPointer { x in
            labels.withUnsafeBufferPointer { y in
                gradientPointers.withUnsafeBufferPointer { g in
                    losses.withUnsafeMutableBufferPointer { l in
                        logits.withUnsafeMutableBufferPointer { z in
                            let pass = ShardPass(
                                shape: shape, layout: layout, packedLayout: model.packedLayout,
                                parameters: model.parameters.pointer, packed: packed.pointer,
                                inputs: x.baseAddress!, labels: y.baseAddress!, samples: batch, shardSize: shardSize,
                                gradientScale: 1 / Float(batch), workspace: workspace.pointer,
                                gradients: g.baseAddress!, losses: l.baseAddress!, logits: z.baseAddress!,
                                kept: keepsOutputs
                                    ? KeptOutputs(top: keptTop.pointer, logitGradient: keptLogitGradient.pointer) : nil)
                            let total = model.backend.forward(pass)
                            model.backend.backward(pass)
                            return total
                        }
                    }
                }
            }
        }

        #expect(workspace[workspaceCount..<(workspaceCount + 64)].allSatisfy { $0 == sentinel }, "workspace overrun")
        #expect(losses == separate.map(\.loss))
        #expect(total == separate.map(\.loss).reduce(0, +))
        #expect(logits.map(\.bitPattern) == separate.flatMap(\.logits).map(\.bitPattern))
        for (shard, expected) in separate.enumerated() {
            for slot in layout.slots {
                let got = gradients[shard][slot.range]
                if keepsOutputs && slot == layout.outputWeight {
                    #expect(got.allSatisfy { $0 == sentinel }, "\(backend) shard \(shard): linear weight written")
                } else {
                    #expect(got.map(\.bitPattern) == expected.gradients[slot.range].map(\.bitPattern),
                            "\(backend) shard \(shard) \(slot.name)")
                }
            }
        }
        if keepsOutputs {
            // The kept rows give the linear weight gradient of the whole batch.
            let whole = model.lossAndGradients(inputs: batchInputs, labels: labels).gradients
            let product = FloatBuffer(count: layout.count)
            model.backend.outputWeightGradient(
                shape: shape, layout: layout,
                kept: KeptOutputs(top: keptTop.pointer, logitGradient: keptLogitGradient.pointer),
                samples: batch, columns: 0..<shape.flatFeatures, gradients: product.pointer)
            let linear = layout.outputWeight.range
            #expect(product[linear].map(\.bitPattern) == whole[linear].map(\.bitPattern), "\(backend)")
        }
    }

    /// Passes that chain their shards into one buffer (what the engine's
    /// worker 0 runs) leave there the bits of summing per-shard buffers in
    /// shard order: the first pass's first shard overwrites what the buffer
    /// held, every later shard adds, across passes too. For every cell, both
    /// input-weight-gradient paths (layer 0 transposed, layer 1 not) and with
    /// and without the kept outputs (the linear layer's weight added too).
    @Test(arguments: TestModels.backendNames, RecurrentCell.allCases)
    func chainedPassesGiveTheSumOfPerShardGradients(backend: String, cell: RecurrentCell) throws {
        let shape = ModelShape(inputSize: 5, sequenceLength: 4, hidden: 20, layers: 2, classes: 3, cell: cell)
        let model = try #require(TestModels.model(shape, seed: 21, backend: backend))
        let layout = model.layout, batch = Self.batch, shardSize = 2
        let (batchInputs, labelArray) = TestModels.batch(shape, samples: batch, seed: 22)
        let inputs = FloatBuffer(count: batchInputs.count + ParameterLayout.alignment)
        inputs.pointer.update(from: batchInputs, count: batchInputs.count)
        let labels = UnsafeMutablePointer<Int32>.allocate(capacity: batch)
        defer { labels.deallocate() }
        labels.update(from: labelArray, count: batch)
        let packed = FloatBuffer(count: model.packedLayout.count)
        for layer in 0..<shape.layers {
            model.backend.packWeights(
                layout: layout, packedLayout: model.packedLayout, parameters: model.parameters.pointer,
                packed: packed.pointer, layer: layer, units: 0..<shape.hidden)
        }
        let workspace = FloatBuffer(count: ShardPass.workspaceCount(shape: shape, samples: batch, keepsOutputs: false))
        let keptTop = FloatBuffer(count: batch * shape.flatFeatures + ParameterLayout.alignment)
        let keptLogitGradient = FloatBuffer(count: batch * shape.classes)
        let shardCount = (batch + shardSize - 1) / shardSize
        // Shards `shards` of the batch as one pass into `buffers` (one pointer per shard).
        func runPass(_ shards: Range<Int>, _ buffers: [UnsafeMutablePointer<Float>], _ output: ShardPass.GradientOutput, keeps: Bool) {
            let samples = (shards.lowerBound * shardSize)..<min(batch, shards.upperBound * shardSize)
            buffers.withUnsafeBufferPointer { g in
                var pass = ShardPass(
                    shape: shape, layout: layout, packedLayout: model.packedLayout,
                    parameters: model.parameters.pointer, packed: packed.pointer,
                    inputs: inputs.pointer + samples.lowerBound * shape.sampleInputCount, labels: labels + samples.lowerBound,
                    samples: samples.count, shardSize: shardSize, gradientScale: 1 / Float(batch),
                    workspace: workspace.pointer, gradients: g.baseAddress!, logits: nil,
                    kept: keeps ? KeptOutputs(top: keptTop.pointer, logitGradient: keptLogitGradient.pointer)
                        .rows(samples, shape: shape) : nil)
                pass.gradientOutput = output
                _ = model.backend.forward(pass)
                model.backend.backward(pass)
            }
        }
        for keeps in [false, true] {
            let separate = (0..<shardCount).map { _ in FloatBuffer(count: layout.count) }
            runPass(0..<shardCount, separate.map(\.pointer), .perShard, keeps: keeps)
            let expected = FloatBuffer(count: layout.count)
            separate.map(\.pointer).withUnsafeBufferPointer { sources in
                model.backend.sum(sources.baseAddress!, count: shardCount, into: expected.pointer, range: 0..<layout.count)
            }
            let chained = FloatBuffer(count: layout.count)
            chained.pointer.update(repeating: .nan, count: layout.count)
            let all = [UnsafeMutablePointer<Float>](repeating: chained.pointer, count: shardCount)
            runPass(0..<2, all, .chained(startsChain: true), keeps: keeps)
            runPass(2..<shardCount, all, .chained(startsChain: false), keeps: keeps)
            for slot in layout.slots where !(keeps && slot == layout.outputWeight) {
                #expect(
                    chained[slot.range].map(\.bitPattern) == expected[slot.range].map(\.bitPattern),
                    "\(backend) \(cell) kept \(keeps) \(slot.name)")
            }
        }
    }

    /// Gradients are overwritten, never accumulated, and the layout's padding
    /// is left as it was.
    @Test(arguments: TestModels.backendNames)
    func gradientsAreOverwrittenAndPaddingKept(backend: String) throws {
        let model = try #require(TestModels.model(Self.shape, seed: 8, backend: backend))
        let (batchInputs, labels) = TestModels.batch(Self.shape, samples: 4, seed: 9)
        let inputs = batchInputs + [Float](repeating: 0, count: ParameterLayout.alignment)
        let clean = model.lossAndGradients(inputs: batchInputs, labels: labels).gradients
        let sentinel: Float = -12345
        var gradients = [Float](repeating: sentinel, count: model.layout.count)
        inputs.withUnsafeBufferPointer { x in
            labels.withUnsafeBufferPointer { y in
                gradients.withUnsafeMutableBufferPointer { g in
                    _ = model.run(
                        inputs: x.baseAddress!, labels: y.baseAddress!, samples: 4, gradientScale: 1 / 4,
                        gradients: g.baseAddress!, logits: nil)
                }
            }
        }
        var inside = Set<Int>()
        for slot in model.layout.slots {
            inside.formUnion(slot.range)
            #expect(Array(gradients[slot.range]) == clean[slot.range], "\(backend) \(slot.name)")
        }
        let padding = gradients.indices.filter { !inside.contains($0) }
        #expect(!padding.isEmpty)
        #expect(padding.allSatisfy { gradients[$0] == sentinel }, "\(backend): padding written")
    }
}
