import RecurCore
import RecurKernels
import RecurModel
import Testing

/// The AVX-512 and AVX2 builds run the same operations in the same order
/// (fused multiply-adds included), so the whole model's loss, logits and
/// gradients agree to the bit.
@Suite struct BackendAgreementTests {
    @Test(
        .enabled(if: Backends.named("avx512") != nil && Backends.named("avx2") != nil),
        arguments: TestModels.shapes)
    func avx512AndAVX2AreBitIdentical(shape: ModelShape) throws {
        let (inputs, labels) = TestModels.batch(shape, samples: 5, seed: 12)
        let results = try ["avx512", "avx2"].map { name in
            try #require(TestModels.model(shape, seed: 13, backend: name)).lossAndGradients(inputs: inputs, labels: labels)
        }
        #expect(results[0].loss.bitPattern == results[1].loss.bitPattern)
        #expect(results[0].logits.map(\.bitPattern) == results[1].logits.map(\.bitPattern))
        #expect(Array(results[0].gradients.buffer).map(\.bitPattern) == Array(results[1].gradients.buffer).map(\.bitPattern))
    }
}
