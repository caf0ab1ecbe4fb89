@_spi(Kernels) import RecurCore
import RecurKernels
import Testing

/// `MatrixProduct` against a double-precision reference on every supported
/// build, over odd shapes and every mode the model uses.
@Suite struct MatrixProductTests {
    static let rowCounts = [1, 3, 4, 5, 7, 13]
    static let columnCounts = [1, 5, 16, 17, 28, 63, 64, 65, 130]
    static let depths = [0, 1, 3, 28, 37]

    /// Every shape of the grid, each turned into a layout by `make`.
    static func grid(_ make: @Sendable (ProductShape) -> ProductShape) -> [ProductShape] {
        rowCounts.flatMap { rows in
            columnCounts.flatMap { columns in
                depths.map { depth in make(.plain(rows: rows, columns: columns, depth: depth)) }
            }
        }
    }

    /// The layout families: each mode of the kernel on its own, and all of
    /// them at once.
    static let families: [ProductFamily] = [
        ProductFamily("plain") { $0 },
        ProductFamily("transposed A") { layout in
            var layout = layout
            layout.aRowStride = 1
            layout.aDepthStride = layout.rows
            return layout
        },
        ProductFamily("segments") { layout in
            var layout = layout
            layout.segments = 3
            layout.aSegmentStride = layout.rows * layout.depth + 2
            layout.bSegmentStride = layout.depth * layout.columns + 5
            return layout
        },
        ProductFamily("segments, transposed A") { layout in
            var layout = layout
            layout.segments = 2
            layout.aRowStride = 1
            layout.aDepthStride = layout.rows + 2
            layout.aSegmentStride = layout.depth * (layout.rows + 2) + 1
            layout.bSegmentStride = layout.depth * layout.columns + 3
            return layout
        },
        ProductFamily("row strides wider than rows") { layout in
            var layout = layout
            layout.aRowStride = layout.depth + 3
            layout.bRowStride = layout.columns + 5
            layout.cRowStride = layout.columns + 7
            return layout
        },
        ProductFamily("B in column panels") { layout in
            layout.packedB()
        },
        ProductFamily("B in column panels with gaps, accumulate, bias") { layout in
            var layout = layout
            layout.bRowStride = ProductShape.panelWidth + 16
            layout.bPanelStride = layout.depth * layout.bRowStride + 48
            layout.accumulate = true
            layout.hasBias = true
            return layout
        },
        ProductFamily("accumulate") { layout in
            var layout = layout
            layout.accumulate = true
            return layout
        },
        ProductFamily("bias") { layout in
            var layout = layout
            layout.hasBias = true
            return layout
        },
        ProductFamily("tanh") { layout in
            var layout = layout
            layout.epilogue = .tanh
            return layout
        },
        ProductFamily("accumulate, tanh gradient") { layout in
            var layout = layout
            layout.accumulate = true
            layout.cRowStride = layout.columns + 2
            layout.epilogue = .tanhGradient(hRowStride: layout.columns + 9)
            return layout
        },
        ProductFamily("relu") { layout in
            var layout = layout
            layout.hasBias = true
            layout.epilogue = .relu
            return layout
        },
        ProductFamily("accumulate, relu gradient") { layout in
            var layout = layout
            layout.accumulate = true
            layout.cRowStride = layout.columns + 2
            layout.epilogue = .reluGradient(hRowStride: layout.columns + 9)
            return layout
        },
        ProductFamily("added to C, transposed A, segments") { layout in
            var layout = layout
            layout.segments = 2
            layout.aRowStride = 1
            layout.aDepthStride = layout.rows
            layout.aSegmentStride = layout.depth * layout.rows + 3
            layout.bSegmentStride = layout.depth * layout.columns + 1
            layout.cRowStride = layout.columns + 3
            layout.epilogue = .add
            return layout
        },
        ProductFamily("everything") { layout in
            var layout = layout
            layout.segments = 2
            layout.aRowStride = 1
            layout.aDepthStride = layout.rows + 1
            layout.aSegmentStride = layout.depth * (layout.rows + 1) + 4
            layout.bRowStride = layout.columns + 3
            layout.bSegmentStride = layout.depth * (layout.columns + 3) + 2
            layout.cRowStride = layout.columns + 1
            layout.accumulate = true
            layout.hasBias = true
            layout.epilogue = .tanh
            return layout
        },
    ]

    @Test(arguments: KernelVariant.supported, families)
    func matchesReference(variant: KernelVariant, family: ProductFamily) {
        var problems: [String] = []
        for (index, layout) in Self.grid(family.make).enumerated() {
            let operands = ProductOperands(layout, seed: UInt64(index))
            let result = operands.run(variant)
            problems += operands.problems(in: result, tanhError: TanhTests.absoluteBound).map { "\(layout): \($0)" }
        }
        if !problems.isEmpty {
            Issue.record("\(variant), \(family): \(problems.count) problems, first: \(problems.prefix(4))")
        }
    }

    /// The `.add` epilogue gives exactly `C + (the product alone)`, one
    /// rounding: what lets a shard add its weight gradients to a running sum
    /// with the bits of summing the shards' own products in order.
    @Test(arguments: KernelVariant.supported)
    func addedProductIsTheRoundedSumOfCAndTheProduct(variant: KernelVariant) {
        var differing: [String] = []
        for (index, layout) in Self.grid({ $0 }).enumerated() where layout.depth > 0 {
            var added = layout
            added.epilogue = .add
            let operands = ProductOperands(added, seed: UInt64(index))
            let alone = ProductOperands(layout, seed: UInt64(index)).run(variant)
            let result = operands.run(variant)
            for i in 0..<layout.rows {
                for j in 0..<layout.columns {
                    let at = ProductOperands.margin + i * layout.cRowStride + j
                    let expected = operands.initialC[at] + alone[at]
                    if result[at].bitPattern != expected.bitPattern {
                        differing.append("\(layout) C[\(i)][\(j)]: \(result[at]), C + product = \(expected)")
                    }
                }
            }
        }
        if !differing.isEmpty {
            Issue.record("\(variant): \(differing.count) elements differ, first: \(differing.prefix(4))")
        }
    }

    /// The model's own products (`ModelProducts.swift`, what the forward
    /// pass, BPTT and the kernel benchmarks run) on a small model whose
    /// hidden size leaves a partial vector, layer 0's input weight gradient
    /// transposed and layer 1's not.
    @Test(arguments: KernelVariant.supported)
    func modelProductsMatchReference(variant: KernelVariant) {
        let model = ModelShape(inputSize: 5, sequenceLength: 4, hidden: 20, layers: 2, classes: 3)
        var problems: [String] = []
        for samples in [1, 3] {
            for (index, product) in PassProduct.all(model, samples: samples).enumerated() {
                let operands = ProductOperands(product.shape, seed: UInt64(100 * samples + index))
                let result = operands.run(variant)
                problems += operands.problems(in: result, tanhError: TanhTests.absoluteBound).map {
                    "\(product.name), m = \(samples): \($0)"
                }
            }
        }
        if !problems.isEmpty {
            Issue.record("\(variant): \(problems.count) problems, first: \(problems.prefix(4))")
        }
    }

    /// The AVX-512 and AVX2 builds run the same fused multiply-adds in the
    /// same order, so their results agree to the bit.
    @Test(
        .enabled(if: KernelVariant.named("avx512") != nil && KernelVariant.named("avx2") != nil),
        arguments: families)
    func avx512AndAVX2AreBitIdentical(family: ProductFamily) throws {
        let avx512 = try #require(KernelVariant.named("avx512"))
        let avx2 = try #require(KernelVariant.named("avx2"))
        var differing: [String] = []
        for (index, layout) in Self.grid(family.make).enumerated() {
            let operands = ProductOperands(layout, seed: UInt64(index))
            let wide = operands.run(avx512), narrow = operands.run(avx2)
            if !zip(wide, narrow).allSatisfy({ $0.bitPattern == $1.bitPattern }) { differing.append("\(layout)") }
        }
        if !differing.isEmpty {
            Issue.record("\(family): \(differing.count) layouts differ, first: \(differing.prefix(4))")
        }
    }
}

/// A named way to turn a plain layout into one that exercises a mode.
struct ProductFamily: Sendable, CustomStringConvertible {
    let description: String
    let make: @Sendable (ProductShape) -> ProductShape

    init(_ name: String, make: @escaping @Sendable (ProductShape) -> ProductShape) {
        description = name
        self.make = make
    }
}
