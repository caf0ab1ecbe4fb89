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
        try Self.requireThreadCount(threads, topology: topology)
        do {
            placement = try Placement(topology: topology, threads: threads)
        } catch {
            throw .usage("--threads: \(error)")
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

    /// The most worker threads a run may have on `topology`: 8 per usable
    /// CPU, and at least 64. Far more workers than CPUs spin and yield
    /// against each other at every barrier, so such a run (and its exit,
    /// which joins every worker) would take minutes for seconds of work.
    public static func maximumThreads(topology: Topology) -> Int {
        max(64, 8 * topology.usablePUs.count)
    }

    /// A usage error when `threads` is more than ``maximumThreads(topology:)``.
    public static func requireThreadCount(_ threads: ThreadCount, topology: Topology? = nil) throws(RecurError) {
        guard case .fixed(let count) = threads, count > 64 else { return }
        let machine: Topology
        if let topology {
            machine = topology
        } else {
            do {
                machine = try Topology.current()
            } catch {
                throw .system("cannot read the machine's topology: \(error)")
            }
        }
        let limit = maximumThreads(topology: machine)
        if count > limit {
            throw .usage(
                "--threads \(count) is more than \(limit) (8 per usable CPU, at least 64; this machine has "
                    + "\(machine.usablePUs.count) usable CPUs): so many workers would spin against each other")
        }
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
