import CRecurCPU
import RecurCore
import RecurKernelsAVX2
import RecurKernelsAVX512
import RecurKernelsPortable

/// The builds of the kernels this binary carries, and the choice among them.
public enum Backends {
    /// Every build the running CPU can execute, fastest first.
    public static let supported: [any ComputeBackend] = {
        var list: [any ComputeBackend] = []
        if recur_cpu_supports_x86_64_v4() != 0 { list.append(RecurKernelsAVX512.Backend()) }
        if recur_cpu_supports_x86_64_v3() != 0 { list.append(RecurKernelsAVX2.Backend()) }
        list.append(RecurKernelsPortable.Backend())
        return list
    }()

    /// The fastest build the running CPU supports.
    public static var best: any ComputeBackend { supported[0] }

    /// The supported build called `name` ("avx512", "avx2", "portable"), if any.
    public static func named(_ name: String) -> (any ComputeBackend)? {
        supported.first { $0.name == name }
    }
}
