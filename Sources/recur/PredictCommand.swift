import ArgumentParser
import RecurData
import RecurRuntime
import RecurSafetensors
import RecurTrainer

struct PredictCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Print a saved model's predicted label and class probabilities for every sample of a file.",
        discussion: """
            The input is any format --data reads (a .ts file, a safetensors or .npz \
            file: its test.* arrays, else inputs/labels, else train.*; an IDX or .ts \
            folder: its test split); labels are optional in array files. Each sample \
            is one CSV row (sample, predicted, label when known, then one probability \
            per class, the header naming the classes) or, with --json, one JSON object. \
            With labels the accuracy follows (on standard error when the rows go to \
            standard output as CSV).

            Examples:
              recur predict --load gru.safetensors --input BasicMotions_TEST.ts
              recur predict --load gru.safetensors --input new.npz --json --output predictions.jsonl
            """)

    @Option(help: ArgumentHelp("The model (a Recur checkpoint or a PyTorch state dict in safetensors).", valueName: "file"))
    var load: String
    @Option(help: ArgumentHelp("The samples to classify (a file, or an IDX or .ts folder).", valueName: "path"))
    var input: String
    @Option(help: ArgumentHelp("Write the predictions here (atomically) instead of to standard output.", valueName: "file"))
    var output: String?
    @Flag(help: "Print the confusion matrix too (needs labels).") var confusion = false
    @Flag(help: "One JSON object per sample, then a summary object, instead of CSV.") var json = false
    @OptionGroup var workers: WorkerOptions

    func run() throws {
        if let output { try OutputPath.requireWritable(output, option: "--output") }
        let run = try ModelRun(
            checkpoint: load, data: DataRequest(environment: currentEnvironment()), input: input, labelsRequired: false,
            threads: try workers.threadCount, pin: try workers.pinMode, backend: workers.backend)
        let predictions = Predictions(run)
        if confusion && predictions.labels == nil {
            throw RecurError.usage("--confusion needs labels, and \(input) has none")
        }
        let text = json ? Self.jsonLines(predictions, confusion: confusion) : Self.csv(predictions)
        if let output {
            do throws(FileError) {
                try AtomicFile.write(Array(text.utf8), to: output)
            } catch {
                throw RecurError.output("--output \(output): \(error)")
            }
        } else {
            Console.block(text)
        }
        guard !json else { return }
        // The summary goes where it does not mix with CSV rows on standard output.
        let toStandardError = output == nil
        func report(_ text: String) {
            if toStandardError { Console.error(text) } else { Console.block(text) }
        }
        if let accuracy = predictions.accuracy, let labels = predictions.labels {
            let correct = zip(labels, predictions.predicted).filter { $0 == $1 }.count
            report("accuracy \(Console.fixed(accuracy * 100, 2))% (\(correct)/\(labels.count)) on \(predictions.input)")
        }
        if confusion, let matrix = predictions.confusion { report(matrix.table) }
    }

    /// A header `sample,predicted[,label],<class>...`, then a row per sample.
    static func csv(_ predictions: Predictions) -> String {
        let names = predictions.classNames
        var lines = [(["sample", "predicted"] + (predictions.labels == nil ? [] : ["label"]) + names).map(csvField).joined(separator: ",")]
        lines.reserveCapacity(predictions.predicted.count + 1)
        for (sample, probabilities) in predictions.probabilities.enumerated() {
            var fields = ["\(sample)", csvField(names[predictions.predicted[sample]])]
            if let labels = predictions.labels { fields.append(csvField(names[labels[sample]])) }
            fields += probabilities.map { "\(Float($0))" }
            lines.append(fields.joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A field quoted when it holds a comma, a quote or a line break.
    static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacing("\"", with: "\"\"") + "\""
    }

    static func jsonLines(_ predictions: Predictions, confusion: Bool) -> String {
        var lines: [String] = []
        for (sample, probabilities) in predictions.probabilities.enumerated() {
            lines.append(JSONLines.encode(PredictionLine(
                sample: sample, predicted: predictions.classNames[predictions.predicted[sample]],
                predictedIndex: predictions.predicted[sample],
                label: predictions.labels.map { predictions.classNames[$0[sample]] },
                labelIndex: predictions.labels?[sample], probabilities: probabilities)))
        }
        let correct = predictions.labels.map { labels in zip(labels, predictions.predicted).filter { $0 == $1 }.count }
        lines.append(JSONLines.encode(PredictionSummary(
            checkpoint: predictions.checkpoint, model: predictions.model, input: predictions.input,
            samples: predictions.predicted.count, classes: predictions.classNames, correct: correct,
            accuracy: predictions.accuracy, confusion: confusion ? predictions.confusion?.counts : nil,
            seconds: predictions.seconds, threads: predictions.threads)))
        return lines.joined(separator: "\n") + "\n"
    }
}

/// One `--json` line of `recur predict`.
struct PredictionLine: Encodable {
    var event = "prediction"
    var sample: Int
    var predicted: String
    var predictedIndex: Int
    var label: String?
    var labelIndex: Int?
    /// One per class, in the summary's `classes` order.
    var probabilities: [Double]
}

/// The last `--json` line of `recur predict`.
struct PredictionSummary: Encodable {
    var event = "summary"
    var checkpoint: String
    var model: String
    var input: String
    var samples: Int
    var classes: [String]
    var correct: Int?
    var accuracy: Double?
    var confusion: [[Int]]?
    var seconds: Double
    var threads: Int
}
