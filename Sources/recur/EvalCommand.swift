import ArgumentParser
import RecurTrainer

struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Print the MNIST test accuracy of a saved model.",
        discussion: """
            Example:
              recur eval --load model.safetensors --data data/mnist
            """)

    @Option(help: ArgumentHelp("The model to evaluate (a Recur checkpoint or a PyTorch state dict in safetensors).", valueName: "file"))
    var load: String
    @Flag(help: "Print one JSON object instead of text.") var json = false
    @OptionGroup var workers: WorkerOptions
    @OptionGroup var dataOptions: DataOptions

    func run() throws {
        let result = try EvaluationResult(
            checkpoint: load, dataDirectory: dataOptions.data, environment: currentEnvironment(),
            threads: try workers.threadCount, pin: try workers.pinMode, backend: workers.backend)
        if json {
            JSONLines.print(result)
        } else {
            Console.line(
                "\(result.checkpoint): \(result.model); test accuracy \(Console.fixed(result.testAccuracy * 100, 2))% "
                    + "(\(result.correct)/\(result.samples)), test loss \(Console.fixed(result.testLoss, 4)), "
                    + "\(Console.fixed(result.seconds, 2)) s on \(result.threads) threads")
        }
    }
}
