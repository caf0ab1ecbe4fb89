import RecurVerification
import RecurRuntime
import ArgumentParser
import RecurTrainer

struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check forward, backprop through time and Adam against a PyTorch reference file.",
        discussion: """
            The file (safetensors, as in ../shared/fixtures) holds initial parameters, a batch \
            (input, target), PyTorch's logits, loss and gradients after one forward/backward, \
            and the parameters and losses after `adam_steps` Adam steps; its metadata gives the \
            hidden size, layer count, learning rate, betas, eps and step count. Recur runs the \
            same computation through the parallel engine (the batch cut into shards on \
            --threads workers, as in training) and prints each tensor's error.

            Pass rule: every tensor's normwise relative error is at most 1e-4. For the logits, \
            the loss, every gradient and the Adam losses the error is \
            max|got - ref| / max|ref| (max norm); for the parameters after the Adam steps it is \
            ||got - ref||_2 / ||ref||_2, because Adam turns float32 rounding noise in \
            near-zero gradient elements into steps of up to lr, so single elements may differ \
            more while the tensor as a whole agrees. Exit status 0 only if every tensor passes.

            Example:
              recur verify --reference ../shared/fixtures/rnn-h256-l2-b64.safetensors --threads 2
            """)

    @Option(help: ArgumentHelp("The PyTorch reference file.", valueName: "file.safetensors")) var reference: String
    @Option(name: .customLong("shard-size"), parsing: .unconditional, help: "Samples per gradient shard.") var shardSize: Int = 4
    @Flag(help: "Print the report as JSON.") var json = false
    @OptionGroup var workers: WorkerOptions

    func validate() throws {
        if shardSize < 1 { throw ValidationError("--shard-size must be at least 1 (got \(shardSize))") }
    }

    func run() throws {
        let loaded: VerificationReference
        do {
            loaded = try VerificationReference(path: reference)
        } catch {
            throw RecurError.input(error.description)
        }
        let workerCount: Int
        switch try workers.threadCount {
        case .fixed(let count): workerCount = count
        case .auto: workerCount = 1
        }
        try MemoryBudget.require(
            shape: loaded.shape, batchSize: loaded.batchSize, shardSize: shardSize, workers: workerCount)
        let setup = try ComputeSetup(threads: try workers.threadCount, pin: try workers.pinMode, backend: workers.backend)
        for warning in setup.warnings { Console.error(warning) }
        let report = try Verification.run(loaded) { parameters throws(RecurError) in
            VerificationEngineTarget(parameters: parameters, setup: setup, shardSize: shardSize)
        }
        Console.block(json ? try report.json() : report.table())
        if !report.passed { Console.exit(1) }
    }
}
