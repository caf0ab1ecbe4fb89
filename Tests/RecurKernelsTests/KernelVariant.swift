import RecurCore
import RecurKernels

/// One build of the kernels, seen through closures over its internal and
/// `Kernels`-SPI functions, so every test runs the same code against each
/// build. Each build's closures live in their own file
/// (`KernelVariant+AVX512.swift` ...), which imports only that module: the
/// three modules define the same internal names.
struct KernelVariant: Sendable, CustomStringConvertible {
    /// "avx512", "avx2" or "portable", as ``ComputeBackend/name``.
    let name: String
    /// The build's `probeChains`: FMA chains the peak probe runs.
    let probeChains: Int
    /// The build's public backend.
    let backend: any ComputeBackend
    /// Runs `MatrixProduct` on the call's operands.
    let matrixProduct: @Sendable (ProductCall) -> Void
    /// `vectorTanh`.
    let tanh: @Sendable (SIMD16<Float>) -> SIMD16<Float>
    /// `tanhRows(_:rows:rowStride:count:)`.
    let tanhRows: @Sendable (UnsafeMutablePointer<Float>, _ rows: Int, _ rowStride: Int, _ count: Int) -> Void
    /// `tanhGradientRows(_:h:rows:rowStride:count:)`.
    let tanhGradientRows: @Sendable (
        UnsafeMutablePointer<Float>, _ h: UnsafePointer<Float>, _ rows: Int, _ rowStride: Int, _ count: Int
    ) -> Void
    /// `softmaxCrossEntropy(logits:labels:samples:classes:gradientScale:gradient:)`.
    let softmaxCrossEntropy: @Sendable (
        _ logits: UnsafePointer<Float>, _ labels: UnsafePointer<Int32>, _ samples: Int, _ classes: Int,
        _ gradientScale: Float, _ gradient: UnsafeMutablePointer<Float>?
    ) -> Float
    /// `dot(_:_:count:)`.
    let dot: @Sendable (UnsafePointer<Float>, UnsafePointer<Float>, _ count: Int) -> Float
    /// `columnSums(_:rows:rowStride:count:into:)`.
    let columnSums: @Sendable (
        UnsafePointer<Float>, _ rows: Int, _ rowStride: Int, _ count: Int, _ into: UnsafeMutablePointer<Float>
    ) -> Void
    /// `PeakProbe.run(iterations:seed:)`.
    let peakProbe: @Sendable (_ iterations: Int, _ seed: Float) -> (flops: Double, checksum: Float)

    var description: String { name }

    /// Every build in the binary, fastest first.
    static let all: [KernelVariant] = [.avx512, .avx2, .portable]

    /// The builds the running CPU can execute (running another one would
    /// crash on an illegal instruction).
    static let supported: [KernelVariant] = all.filter { Backends.named($0.name) != nil }

    /// The supported build called `name`, if any.
    static func named(_ name: String) -> KernelVariant? { supported.first { $0.name == name } }
}
