import RecurRuntime
import ArgumentParser
import RecurEngine
import RecurTrainer

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
        do {
            Console.block(try Placement(topology: topology, threads: count).describe())
        } catch {
            throw RecurError.usage("\(error)")
        }
    }
}
