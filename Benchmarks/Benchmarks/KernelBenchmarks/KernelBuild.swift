@_spi(Kernels) import RecurCore
@_spi(Kernels) import RecurKernels

/// One build of the kernels (AVX-512, AVX2 or portable), as its module's
/// entry points.
typealias KernelBuild = KernelEntryPoints

extension KernelEntryPoints {
    /// The build `Backends.best` runs on this CPU.
    static var best: KernelEntryPoints { Backends.supportedEntryPoints[0] }

    /// A closure that runs the product `shape` over `operands` once. The
    /// operands must outlive it.
    func product(_ shape: ProductShape, over operands: ProductOperands) -> () -> Void {
        let pointers = ProductOperandPointers(
            a: operands.a.pointer, b: operands.b.pointer, c: operands.c.pointer,
            bias: operands.bias.pointer, h: operands.h.pointer)
        return { matrixProduct(shape, pointers) }
    }

    /// Runs the FMA peak probe for `iterations` rounds; returns the
    /// floating-point operations done and a checksum to keep.
    func peakProbe(iterations: Int) -> (flops: Double, checksum: Float) {
        peakProbe(iterations, 1e-3)
    }
}
