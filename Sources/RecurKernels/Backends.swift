import CRecurCPU
@_spi(Kernels) import RecurCore
@_spi(Kernels) import RecurKernelsAVX2
@_spi(Kernels) import RecurKernelsAVX512
@_spi(Kernels) import RecurKernelsPortable

/// The builds of the kernels this binary carries, and the choice among them.
public enum Backends {
    /// Every build in the binary, fastest first, whether or not this CPU can
    /// run it.
    @_spi(Kernels) public static let allEntryPoints = [
        RecurKernelsAVX512.entryPoints, RecurKernelsAVX2.entryPoints, RecurKernelsPortable.entryPoints,
    ]

    /// The builds the running CPU can execute, fastest first (running
    /// another one would crash on an illegal instruction).
    @_spi(Kernels) public static let supportedEntryPoints: [KernelEntryPoints] = allEntryPoints.filter { build in
        switch build.name {
        case RecurKernelsAVX512.entryPoints.name: recur_cpu_supports_x86_64_v4() != 0
        case RecurKernelsAVX2.entryPoints.name: recur_cpu_supports_x86_64_v3() != 0
        default: true
        }
    }

    /// Every build the running CPU can execute, fastest first.
    public static let supported: [any ComputeBackend] = supportedEntryPoints.map(\.backend)

    /// The fastest build the running CPU supports.
    public static var best: any ComputeBackend { supported[0] }

    /// The supported build called `name` ("avx512", "avx2", "portable"), if any.
    public static func named(_ name: String) -> (any ComputeBackend)? {
        supported.first { $0.name == name }
    }
}
