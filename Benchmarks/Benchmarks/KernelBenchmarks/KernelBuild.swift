import RecurCore
import RecurKernels
@_spi(Kernels) import RecurKernelsAVX2
@_spi(Kernels) import RecurKernelsAVX512
@_spi(Kernels) import RecurKernelsPortable

/// One build of the kernels (AVX-512, AVX2 or portable), reached through its
/// `Kernels` SPI: the matrix product and the FMA peak probe.
struct KernelBuild: Sendable {
    /// The build's name, as `ComputeBackend.name` reports it.
    let name: String
    private let makeProduct: @Sendable (ProductShape, ProductOperands) -> () -> Void
    private let probe: @Sendable (Int) -> (flops: Double, checksum: Float)

    private init<Product: MatrixProductKernel>(
        name: String, product: Product.Type, probe: @escaping @Sendable (Int) -> (flops: Double, checksum: Float)
    ) {
        self.name = name
        makeProduct = { shape, operands in
            let product = Product(shape, operands)
            return { product.run() }
        }
        self.probe = probe
    }

    static let avx512 = KernelBuild(
        name: "avx512", product: RecurKernelsAVX512.MatrixProduct.self,
        probe: { RecurKernelsAVX512.PeakProbe.run(iterations: $0) })
    static let avx2 = KernelBuild(
        name: "avx2", product: RecurKernelsAVX2.MatrixProduct.self,
        probe: { RecurKernelsAVX2.PeakProbe.run(iterations: $0) })
    static let portable = KernelBuild(
        name: "portable", product: RecurKernelsPortable.MatrixProduct.self,
        probe: { RecurKernelsPortable.PeakProbe.run(iterations: $0) })

    /// The build `Backends.best` runs on this CPU, chosen once.
    static let best: Result<KernelBuild, KernelBuildError> = matching(Backends.best)

    /// The build behind `backend`.
    static func matching(_ backend: any ComputeBackend) -> Result<KernelBuild, KernelBuildError> {
        guard let build = [avx512, avx2, portable].first(where: { $0.name == backend.name }) else {
            return .failure(KernelBuildError(backendName: backend.name))
        }
        return .success(build)
    }

    /// A closure that runs the product `shape` over `operands` once. The
    /// operands must outlive it.
    func product(_ shape: ProductShape, over operands: ProductOperands) -> () -> Void {
        makeProduct(shape, operands)
    }

    /// Runs the FMA peak probe for `iterations` rounds; returns the
    /// floating-point operations done and a checksum to keep.
    func peakProbe(iterations: Int) -> (flops: Double, checksum: Float) {
        probe(iterations)
    }
}

/// `Backends.best` names a build these benchmarks do not know.
struct KernelBuildError: Error, CustomStringConvertible {
    var backendName: String

    var description: String {
        "KernelBenchmarks: backend '\(backendName)' has no matching kernel module (expected avx512, avx2 or portable)"
    }
}
