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
