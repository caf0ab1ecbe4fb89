@_spi(Kernels) import RecurCore

/// A named product of the model at one shard size: what one product
/// benchmark measures.
struct ModelProduct: Sendable {
    var name: String
    var shape: ProductShape

    /// Every matrix product of a shard of `model`'s forward and backward pass,
    /// at each of `sampleCounts` samples, grouped by product. The shapes are
    /// RecurCore's descriptions of the model's products (`ModelProducts.swift`),
    /// the ones the kernels' forward pass and BPTT build their products from.
    static func all(_ model: ModelShape, sampleCounts: [Int]) -> [ModelProduct] {
        let kinds: [(String, (Int) -> ProductShape)] = [
            ("Input projection L0", { .inputProjection(model, layer: 0, samples: $0) }),
            ("Input projection L1", { .inputProjection(model, layer: 1, samples: $0) }),
            ("Recurrent step", { .recurrentStep(model, samples: $0) }),
            ("BPTT recurrent step", { .recurrentStepGradient(model, samples: $0) }),
            ("Recurrent weight gradient", { .recurrentWeightGradient(model, samples: $0) }),
            ("Input weight gradient L0", { .inputWeightGradient(model, layer: 0, samples: $0) }),
            ("Input weight gradient L1", { .inputWeightGradient(model, layer: 1, samples: $0) }),
            ("Gradient to layer below", { .gradientToLayerBelow(model, layer: 1, samples: $0) }),
            ("Linear weight gradient (batch)", { .linearWeightGradient(model, samples: $0) }),
            ("Linear input gradient", { .linearInputGradient(model, samples: $0) }),
        ]
        return kinds.flatMap { name, shape in
            sampleCounts.map { ModelProduct(name: "\(name) m=\($0)", shape: shape($0)) }
        }
    }
}
