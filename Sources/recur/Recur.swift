import RecurSystem
import RecurBench
import RecurRuntime
import ArgumentParser
import RecurTrainer

/// `recur`: trains, evaluates, verifies, benchmarks and tunes recurrent
/// networks on many-core CPUs.
@main
struct Recur: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recur",
        abstract: "Train recurrent classifiers (RNN, LSTM, GRU) on MNIST or your own sequences, fast, on every core of a CPU.",
        discussion: """
            Exit status: 0 on success, 1 for bad data, unreadable or unwritable files, \
            divergence or machine errors, 2 for bad options, 128+N when signal N stopped \
            training (after saving a checkpoint).
            """,
        version: RecurBuild.version,
        subcommands: [
            TrainCommand.self, EvalCommand.self, PredictCommand.self, VerifyCommand.self, BenchCommand.self, TuneCommand.self,
            TopologyCommand.self,
        ])

    /// Parses and runs, mapping every failure to a one-line message starting
    /// `recur: ` and the documented exit status (ArgumentParser's own usage
    /// status is 64).
    static func main() {
        SystemCalls.ignoreBrokenPipes()
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let error as RecurError {
            Console.error("recur: \(error.description)")
            Console.exit(error.exitCode)
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                exit(withError: error)
            }
            var message = fullMessage(for: error)
            if message.hasPrefix("Error: ") { message.removeFirst("Error: ".count) }
            Console.error("recur: " + message)
            Console.exit(code == .validationFailure ? 2 : code.rawValue)
        }
    }
}
