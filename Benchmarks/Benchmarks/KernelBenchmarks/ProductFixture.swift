@_spi(Kernels) import RecurCore

/// One product of the model on the selected build of the kernels, with its
/// operands.
final class ProductFixture: ThroughputFixture {
    let flops: Double
    private let operands: ProductOperands
    private let product: () -> Void

    init(_ shape: ProductShape, build: KernelBuild) {
        flops = shape.flops
        operands = ProductOperands(shape)
        product = build.product(shape, over: operands)
    }

    func run() { product() }
}
