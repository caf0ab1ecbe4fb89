import ArgumentParser
import RecurDistributed
import RecurEngine
import RecurRuntime

/// Whether a command runs as one rank of an MPI job: by default when
/// mpirun started it (its variables are in the environment), so
/// `mpirun -np 4 recur train ...` needs no option; MPI is loaded only then.
struct DistributedOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Run across processes: auto (when started by mpirun), mpi (always; MPI must be installed) or none.",
            valueName: "auto|mpi|none"))
    var distributed: String = "auto"

    @Option(
        name: .customLong("exchange-timeout"), parsing: .unconditional,
        help: ArgumentHelp("Seconds a rank waits for another before it ends the run naming it (default 30).", valueName: "seconds"))
    var exchangeTimeout: Double = 30

    /// The exchange's slice length (a tuning and testing knob: results do
    /// not depend on it), hidden from --help.
    @Option(name: .customLong("exchange-slice-floats"), help: .hidden)
    var exchangeSliceFloats: Int = GradientPartition.defaultSliceFloats

    func validate() throws {
        guard ["auto", "mpi", "none"].contains(distributed) else {
            throw ValidationError("--distributed must be auto, mpi or none (got '\(distributed)')")
        }
        guard exchangeTimeout.isFinite && exchangeTimeout > 0 else {
            throw ValidationError("--exchange-timeout must be a positive number of seconds (got \(exchangeTimeout))")
        }
        guard exchangeSliceFloats >= 1 && exchangeSliceFloats <= 1 << 28 else {
            throw ValidationError("--exchange-slice-floats must be 1...\(1 << 28) (got \(exchangeSliceFloats))")
        }
    }

    /// The MPI job this process is a rank of, started; nil for a run on its own.
    func processGroup(environment: [String: String]) throws(RecurError) -> ProcessGroup? {
        switch distributed {
        case "none": return nil
        case "auto" where !ProcessGroup.launchedByMPI(environment: environment): return nil
        default: break
        }
        do {
            let messages = try MessagePassing.start(library: environment["RECUR_MPI_LIBRARY"])
            return ProcessGroup(messages: messages, timeout: exchangeTimeout, sliceFloats: exchangeSliceFloats)
        } catch {
            throw .system(error.description)
        }
    }
}

extension ProcessGroup {
    /// Waits until every rank reaches the end of `what` (so none exits while
    /// rank 0 still writes), then shuts MPI down.
    func finish(_ what: String) throws(RecurError) {
        do {
            try synchronize(what: what)
        } catch {
            throw RecurError.system(error.description)
        }
        messages.finalize()
    }
}
