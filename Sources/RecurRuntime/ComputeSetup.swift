import RecurCore
import RecurEngine
import RecurKernels

/// The machine-facing part of a run: the topology, where workers go, the
/// started worker pool and the kernel build.
public struct ComputeSetup {
    public let topology: Topology
    public let placement: Placement
    public let pool: WorkerPool
    public let backend: any ComputeBackend
    /// Things the user should know (oversubscription), one line each.
    public let warnings: [String]

    public init(threads: ThreadCount, pin: PinMode, backend name: String? = nil) throws(RecurError) {
        do {
            topology = try Topology.current()
        } catch {
            throw .system("cannot read the machine's topology: \(error)")
        }
        do {
            placement = try Placement(topology: topology, threads: threads)
        } catch {
            throw .usage("\(error)")
        }
        backend = try Self.backend(named: name)
        do {
            pool = try WorkerPool(placement: placement, pinMode: pin)
        } catch {
            throw .system("cannot start \(placement.threads) worker threads: \(error)")
        }
        var warnings: [String] = []
        if placement.oversubscribed {
            warnings.append(
                "warning: \(placement.threads) threads on \(topology.usablePUs.count) usable CPUs: "
                    + "threads share CPUs and run slower than with fewer threads")
        }
        self.warnings = warnings
    }

    /// The kernel build called `name`, or the best one when nil; a usage error
    /// naming the builds this CPU runs when it cannot run that one.
    public static func backend(named name: String?) throws(RecurError) -> any ComputeBackend {
        guard let name else { return Backends.best }
        guard let chosen = Backends.named(name) else {
            let available = Backends.supported.map(\.name).joined(separator: ", ")
            throw .usage("--backend \(name) is not available on this CPU (available: \(available))")
        }
        return chosen
    }
}
