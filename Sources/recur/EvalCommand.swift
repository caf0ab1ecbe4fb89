import ArgumentParser
import RecurData
import RecurTrainer

struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Print the test accuracy of a saved model (MNIST, or any data set it was trained on).",
        discussion: """
            The test samples are scaled as the model's training data was (the \
            normalisation its checkpoint records) and their labels matched to its \
            classes by name where both have names.

            Examples:
              recur eval --load model.safetensors --data data/mnist
              recur eval --load gru.safetensors --data ../shared/data/uea/BasicMotions --confusion
            """)

    @Option(help: ArgumentHelp("The model to evaluate (a Recur checkpoint or a PyTorch state dict in safetensors).", valueName: "file"))
    var load: String
    @Option(help: ArgumentHelp("A data set by name instead of --data: mnist or fashion-mnist.", valueName: "name"))
    var dataset: String?
    @Flag(help: "Also print the confusion matrix (rows the labels, columns the predictions), with the label names.")
    var confusion = false
    @Flag(help: "Print one JSON object instead of text.") var json = false
    @OptionGroup var workers: WorkerOptions
    @OptionGroup var dataOptions: DataOptions

    func validate() throws {
        if dataset != nil && dataOptions.data != nil { throw ValidationError("--dataset cannot be combined with --data") }
        if let dataset, !DataSource.namedDatasets.contains(dataset) {
            throw ValidationError("--dataset must be \(DataSource.namedDatasets.joined(separator: " or ")) (got '\(dataset)')")
        }
    }

    func run() throws {
        let result = try EvaluationResult(
            checkpoint: load,
            data: DataRequest(data: dataOptions.data, dataset: dataset, environment: currentEnvironment()),
            threads: try workers.threadCount, pin: try workers.pinMode, backend: workers.backend, confusion: confusion)
        if json {
            JSONLines.print(result)
        } else {
            Console.line(
                "\(result.checkpoint): \(result.model); test accuracy \(Console.fixed(result.testAccuracy * 100, 2))% "
                    + "(\(result.correct)/\(result.samples)), test loss \(Console.fixed(result.testLoss, 4)), "
                    + "\(Console.fixed(result.seconds, 2)) s on \(result.threads) threads")
            if let matrix = result.confusion { Console.block(matrix.table) }
        }
    }
}
