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
        abstract: "Train a 2-layer tanh RNN on MNIST sequences, fast, on every core of a CPU.",
        discussion: """
            Exit status: 0 on success, 1 for bad data, unreadable or unwritable files, \
            divergence or machine errors, 2 for bad options, 128+N when signal N stopped \
            training (after saving a checkpoint).
            """,
        version: RecurBuild.version,
        subcommands: [
            TrainCommand.self, EvalCommand.self, VerifyCommand.self, BenchCommand.self, TuneCommand.self,
            TopologyCommand.self,
        ])

    /// Parses and runs, mapping every failure to a one-line message starting
    /// `recur: ` and the documented exit status (ArgumentParser's own usage
    /// status is 64).
    static func main() {
        SystemCalls.ignoreBrokenPipes()
        do {
            var command = try parseAsRoot(joiningNegativeValues(Array(CommandLine.arguments.dropFirst())))
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

    /// `arguments` with a negative number after an option joined to it
    /// (`--threads -1` becomes `--threads=-1`), so the option's own check
    /// reports the value instead of the parser calling it a missing value.
    /// recur has no positional arguments, so a word that looks like a
    /// negative number can only be an option's value.
    static func joiningNegativeValues(_ arguments: [String]) -> [String] {
        var result: [String] = []
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            if argument.hasPrefix("--"), !argument.contains("="), argument.count > 2, index + 1 < arguments.count,
                isNegativeNumber(arguments[index + 1])
            {
                result.append(argument + "=" + arguments[index + 1])
                index += 2
            } else {
                result.append(argument)
                index += 1
            }
        }
        return result
    }

    private static func isNegativeNumber(_ text: String) -> Bool {
        guard text.hasPrefix("-"), text.count > 1 else { return false }
        return Double(text) != nil || text.split(separator: ",", omittingEmptySubsequences: false).allSatisfy { Int($0) != nil }
    }
}
