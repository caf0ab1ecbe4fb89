@_spi(Kernels) import RecurCore
@_spi(Kernels) import RecurKernels

/// One build of the kernels, as its module's `entryPoints`: every test runs
/// the same code against each build the CPU supports.
typealias KernelVariant = KernelEntryPoints

extension KernelEntryPoints {
    /// The builds the running CPU can execute.
    static var supported: [KernelEntryPoints] { Backends.supportedEntryPoints }

    /// The supported build called `name`, if any.
    static func named(_ name: String) -> KernelEntryPoints? { supported.first { $0.name == name } }
}
