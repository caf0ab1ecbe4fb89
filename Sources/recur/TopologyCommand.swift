import RecurRuntime
import ArgumentParser
import RecurEngine
import RecurTrainer
import RecurDistributed
import RecurSystem

struct TopologyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "topology",
        abstract: "Show the machine as hwloc sees it and where workers would run.",
        discussion: """
            Examples:
              recur topology
              recur topology --threads 16
            """)

    @Option(parsing: .unconditional, help: ArgumentHelp("Show the placement for this many workers.", valueName: "N|auto"))
    var threads: String = "auto"
    @OptionGroup var distributedOptions: DistributedOptions

    func validate() throws {
        if ThreadCount(argument: threads) == nil {
            throw ValidationError("--threads must be a whole number of at least 1 or auto (got '\(threads)')")
        }
    }

    func run() throws {
        let count = ThreadCount(argument: threads) ?? .auto
        let topology: Topology
        do {
            topology = try Topology.current()
        } catch {
            throw RecurError.system("cannot read the machine's topology: \(error)")
        }
        let placement: String
        do {
            placement = try Placement(topology: topology, threads: count).describe()
        } catch {
            throw RecurError.usage("\(error)")
        }
        // Under mpirun each rank places its workers inside the CPUs mpirun
        // bound it to; rank 0 prints every rank's placement in rank order.
        guard let group = try distributedOptions.processGroup(environment: currentEnvironment()) else {
            Console.block(placement)
            return
        }
        let all: [String]
        do {
            all = try group.allGather(
                text: "rank \(group.rank) of \(group.size) on \(SystemCalls.hostName()), pid \(SystemCalls.processID):\n" + placement,
                what: "the placement report")
        } catch {
            throw RecurError.system(error.description)
        }
        group.messages.finalize()
        if group.isLeader { Console.block(all.joined(separator: "\n\n")) }
    }
}
