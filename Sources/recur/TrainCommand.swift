import RecurSystem
import RecurCheckpoint
import ArgumentParser
import RecurTrainer
import RecurCore
import RecurDistributed
import RecurRuntime

struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a recurrent classifier (MNIST, or your own sequences) and report test accuracy and speed.",
        discussion: """
            Defaults are the seed notebook's: 2 epochs, batch 64, Adam with lr 0.001, \
            2 layers of 256. For a fixed seed, batch size and shard size the trained \
            parameters are bit-identical at every --threads and --pin setting.

            Examples:
              recur train
              recur train --threads 16 --epochs 2 --save model.safetensors
              recur train --steps 200 --json
              recur train --checkpoint-dir runs/a --checkpoint-every 500
              recur train --resume runs/a
              recur train --data ../shared/data/uea/BasicMotions --cell gru --hidden 64 --head last --batch-size 16
              recur train --train a_TRAIN.ts --test a_TEST.ts --validation-split 0.2
              recur train --data mydata.npz --normalize standard --save model.safetensors
              mpirun -np 4 --map-by numa --bind-to numa recur train --checkpoint-dir runs/b   (same bits on 4 ranks)
            """)

    @Option(parsing: .unconditional, help: "Passes over the training set (default 2).") var epochs: Int?
    @Option(name: .customLong("batch-size"), parsing: .unconditional, help: "Samples per optimizer step (default 64).") var batchSize: Int?
    @Option(parsing: .unconditional, help: "Adam learning rate (default 0.001).") var lr: Double?
    @Option(parsing: .unconditional, help: "Units per RNN layer (default 256).") var hidden: Int?
    @Option(parsing: .unconditional, help: "Stacked RNN layers (default 2).") var layers: Int?
    @Option(parsing: .unconditional, help: "Seed for initialisation and data order (default 0).") var seed: UInt64?
    @Option(name: .customLong("shard-size"), parsing: .unconditional, help: "Samples per gradient shard, the unit of parallel work (default 4).")
    var shardSize: Int?
    @Option(
        name: .customLong("pass-samples"), parsing: .unconditional,
        help: ArgumentHelp(
            "The most samples each worker runs through forward and BPTT at once, in whole shards (default \(ShardPlan.defaultSamplesPerPass), or \(ShardPlan.wideSamplesPerPass) where a layer's recurrent weight takes more than half the L2 cache; speed only, the result is the same).",
            valueName: "N"))
    var passSamples: Int?
    @Option(parsing: .unconditional, help: "Stop after N optimizer steps, counted from the start of training.") var steps: Int?
    @Option(help: ArgumentHelp("Write the trained model here (safetensors, PyTorch names).", valueName: "file"))
    var save: String?
    @Option(help: ArgumentHelp("Start from this checkpoint's weights.", valueName: "file")) var load: String?
    @Option(name: .customLong("checkpoint-dir"), help: ArgumentHelp("Save a resumable checkpoint here after every epoch.", valueName: "dir"))
    var checkpointDirectory: String?
    @Option(name: .customLong("checkpoint-every"), parsing: .unconditional, help: ArgumentHelp("Also save every N steps (needs --checkpoint-dir).", valueName: "N"))
    var checkpointEvery: Int?
    @Option(help: ArgumentHelp("Continue from the newest checkpoint in this folder, bit-identically.", valueName: "dir"))
    var resume: String?
    @Option(name: .customLong("eval-limit"), parsing: .unconditional, help: ArgumentHelp("Evaluate on only the first N test samples.", valueName: "N"))
    var evaluationLimit: Int?
    @Flag(help: "Print one JSON object per line instead of text.") var json = false
    @Flag(help: "Print the time per step in each phase (forward, BPTT, shard sum, exchange between processes, optimizer, barrier waits).")
    var profile = false
    @OptionGroup var cellOptions: CellOptions
    @OptionGroup var workers: WorkerOptions
    @OptionGroup var dataOptions: DataOptions
    @OptionGroup var datasetOptions: DatasetOptions
    @OptionGroup var distributedOptions: DistributedOptions

    func run() throws {
        var options = TrainingOptions()
        var explicit: Set<String> = []
        func take<Value>(_ value: Value?, _ name: String, _ keyPath: WritableKeyPath<TrainingOptions, Value>) {
            if let value {
                options[keyPath: keyPath] = value
                explicit.insert(name)
            }
        }
        take(epochs, "epochs", \.epochs)
        take(batchSize, "batch-size", \.batchSize)
        take(lr, "lr", \.learningRate)
        take(hidden, "hidden", \.hidden)
        take(layers, "layers", \.layers)
        take(seed, "seed", \.seed)
        take(shardSize, "shard-size", \.shardSize)
        take(cellOptions.isExplicit ? try cellOptions.recurrentCell : nil, "cell", \.cell)
        take(cellOptions.head != nil ? try cellOptions.modelHead : nil, "head", \.head)
        options.explicitOptions = explicit
        if let passSamples { options.samplesPerPass = passSamples }
        options.steps = steps
        options.save = save
        options.load = load
        options.checkpointDirectory = checkpointDirectory
        options.checkpointEvery = checkpointEvery
        options.resume = resume
        options.evaluationLimit = evaluationLimit
        options.threads = try workers.threadCount
        options.pin = try workers.pinMode
        options.backend = workers.backend
        options.dataDirectory = dataOptions.data
        try datasetOptions.apply(to: &options)
        options.environment = currentEnvironment()

        let reporter: any TrainingObserver = json ? JSONReporter() : TextReporter(profile: profile)
        Signals.install()
        let summary: TrainingSummary
        let group: ProcessGroup?
        do {
            group = try distributedOptions.processGroup(environment: options.environment)
            let trainer = try Trainer(options: options, observer: reporter, interruption: Signals.pending, group: group)
            for warning in trainer.setup.warnings { Console.error(warning) }
            summary = try trainer.run()
        } catch {
            if json { JSONLines.print(ErrorEvent(message: error.description, exitCode: error.exitCode)) }
            throw error
        }
        if let group {
            try group.finish("the end of the run")
        }
        // Under mpirun a rank may stop because another rank was signalled.
        if let signal = Signals.pending() ?? summary.interruptedBy.flatMap(signalNumber) {
            if let saved = summary.lastCheckpoint {
                Console.error(
                    "recur: stopped by \(summary.interruptedBy ?? "a signal") after saving \(saved); "
                        + "resume with: recur train --resume \(directory(of: saved))")
            }
            Console.exit(128 + signal)
        }
    }

    private func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return String(path[..<slash])
    }
}

/// The number of a signal `Trainer` names ("SIGINT"), for the exit status.
private func signalNumber(_ name: String) -> Int32? {
    ["SIGHUP": 1, "SIGINT": 2, "SIGTERM": 15][name]
}

/// The process environment as a dictionary.
func currentEnvironment() -> [String: String] {
    SystemCalls.environment()
}

/// The last `--json` line of a run that failed: what went wrong and the exit status.
struct ErrorEvent: Encodable {
    var event = "error"
    var message: String
    var exitCode: Int32
}
