import RecurBench
import RecurRuntime
import ArgumentParser
import RecurEngine
import RecurTrainer
import RecurCore

/// A comma-separated list of whole numbers, e.g. `1,2,4,8`.
struct IntegerList: ExpressibleByArgument, CustomStringConvertible {
    var values: [Int]

    /// As written on the command line, for `--help`'s defaults.
    var description: String { values.map(String.init).joined(separator: ",") }

    init?(argument: String) {
        let parts = argument.split(separator: ",", omittingEmptySubsequences: false)
        let values = parts.compactMap { Int($0.trimmingPrefix(" ")) }
        guard !parts.isEmpty, values.count == parts.count, values.allSatisfy({ $0 >= 1 }) else { return nil }
        self.values = values
    }
}

/// Options shared by `bench` and `tune`.
struct SweepOptions: ParsableArguments {
    @Option(parsing: .unconditional, help: ArgumentHelp("Thread counts to measure (default 1,2,4,... up to the usable cores, and that count).", valueName: "list"))
    var threads: IntegerList?
    @Option(parsing: .unconditional, help: ArgumentHelp("Steps timed per repeat.", valueName: "N")) var steps: Int?
    @Option(parsing: .unconditional, help: ArgumentHelp("Untimed steps first.", valueName: "N")) var warmup: Int = 5
    @Option(parsing: .unconditional, help: ArgumentHelp("Repeats per configuration (median, min and max are reported).", valueName: "N"))
    var repeats: Int?
    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "Run the whole sweep N times, one configuration after another in each round, and pool each configuration's repeats over the rounds: on a machine whose speed drifts, every configuration is then measured across the same minutes.",
            valueName: "N"))
    var rounds: Int = 1
    @Option(help: ArgumentHelp("Bind workers to cores (core) or not (none).", valueName: "core|none")) var pin: String = "core"
    @Option(
        name: .customLong("shard-size"), parsing: .unconditional,
        help: ArgumentHelp("Samples per gradient shard; a list measures each (results differ slightly between sizes).", valueName: "list"))
    var shardSizes: IntegerList = IntegerList(argument: "4")!
    @Option(
        name: .customLong("pass-samples"), parsing: .unconditional,
        help: ArgumentHelp(
            "The most samples each worker runs through forward and BPTT at once, in whole shards; a list measures each (speed only, results are the same; default \(ShardPlan.defaultSamplesPerPass), or \(ShardPlan.wideSamplesPerPass) where a layer's recurrent weight takes more than half the L2 cache).",
            valueName: "list"))
    var passSizes: IntegerList?
    @OptionGroup var cellOptions: CellOptions
    @Option(parsing: .unconditional, help: "Units per RNN layer.") var hidden: Int = 256
    @Option(parsing: .unconditional, help: "Stacked RNN layers.") var layers: Int = 2
    @Option(help: ArgumentHelp("Kernel build: avx512, avx2 or portable (default: the best).", valueName: "name"))
    var backend: String?
    @Option(help: ArgumentHelp("Train on MNIST from this folder (default: synthetic data of MNIST's shape).", valueName: "dir"))
    var data: String?

    func validate() throws {
        _ = try parsePinMode(pin)
        try validateBackend(backend)
    }

    func benchOptions(batchSizes: [Int], defaultSteps: Int, defaultRepeats: Int) throws -> BenchOptions {
        let pinMode = try parsePinMode(pin)
        let topology: Topology
        do {
            topology = try Topology.current()
        } catch {
            throw RecurError.system("cannot read the machine's topology: \(error)")
        }
        var options = BenchOptions(threads: threads?.values ?? BenchOptions.defaultThreadCounts(usable: topology.usableCores.count))
        options.batchSizes = batchSizes
        options.steps = steps ?? defaultSteps
        options.warmup = warmup
        options.repeats = repeats ?? defaultRepeats
        options.rounds = rounds
        options.pin = pinMode
        options.shardSizes = shardSizes.values
        options.hidden = hidden
        options.layers = layers
        options.cell = try cellOptions.recurrentCell
        options.head = try cellOptions.modelHead
        options.passSizes = passSizes?.values
            ?? [ShardPlan.defaultSamplesPerPass(for: options.shape, l2CacheBytes: topology.l2CacheBytes)]
        options.backend = backend
        options.dataDirectory = data
        return options
    }
}

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure training throughput per thread count and batch size, with a per-phase breakdown.",
        discussion: """
            For each configuration: samples/s (median, min, max over repeats), speedup over \
            1 thread, parallel efficiency, GFLOP/s and its share of this machine's measured FMA \
            peak, and the time per step in forward, BPTT, shard sum, optimizer and barrier waits, and under mpirun the exchange between processes and the bytes each rank sends per step.

            FLOPs count the matrix products of one forward and backward pass, a multiply-add \
            as two, each over all of a layer's gates (4 x hidden rows for --cell lstm, 3 x \
            hidden for gru): per sample and layer, T x (input + hidden) x gates x hidden \
            multiply-adds forward, as many for the weight gradients, and T x gates x hidden x \
            (hidden + input above layer 0) for the gradients through time and to the layer \
            below; plus 3 x the linear layer's weights. The gate arithmetic (sigmoid, tanh, \
            the cell update) and the softmax are not counted.

            Examples:
              recur bench
              recur bench --threads 1,2,4,8,16 --batch-size 64,256 --json bench.json --csv bench.csv --plot bench.svg
              recur bench --cell lstm --threads 1,2
              recur bench --threads 1,2 --pass-samples 4,16 --rounds 3
            """)

    @OptionGroup var sweep: SweepOptions
    @Option(name: .customLong("batch-size"), parsing: .unconditional, help: ArgumentHelp("Batch sizes to measure.", valueName: "list"))
    var batchSizes: IntegerList = IntegerList(argument: "64")!
    @Option(help: ArgumentHelp("Write every figure as JSON here.", valueName: "file")) var json: String?
    @Option(help: ArgumentHelp("Write every figure as CSV here.", valueName: "file")) var csv: String?
    @Option(help: ArgumentHelp("Write an SVG plot (throughput and phases) here.", valueName: "file.svg")) var plot: String?
    @OptionGroup var distributedOptions: DistributedOptions

    func run() throws {
        for (path, option) in [(json, "--json"), (csv, "--csv"), (plot, "--plot")] {
            if let path { try OutputPath.requireWritable(path, option: option) }
        }
        let options = try sweep.benchOptions(batchSizes: batchSizes.values, defaultSteps: 20, defaultRepeats: 3)
        let group = try distributedOptions.processGroup(environment: currentEnvironment())
        let leader = group?.isLeader ?? true
        let report = try BenchRunner.run(options, group: group) { if leader { Console.error($0) } }
        if let group {
            try group.finish("the end of the benchmark")
            guard leader else { return }
        }
        Console.block(report.table())
        if group != nil { Console.block(report.rankTable()) }
        if let json { try writeTextFile(try report.json(), to: json, option: "--json") }
        if let csv { try writeTextFile(report.csv(), to: csv, option: "--csv") }
        if let plot { try writeTextFile(try report.svg(), to: plot, option: "--plot") }
    }
}

struct TuneCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tune",
        abstract: "Find the thread count that trains fastest here, and print the command to use it.",
        discussion: """
            Runs a short sweep and recommends the fewest threads within 3% of the fastest; \
            says so when more threads are slower than fewer. With several --shard-size values \
            it recommends for each and then picks the fastest (results differ slightly between \
            shard sizes, never between thread counts). With several --pass-samples values the \
            fastest at each thread count stands for it, and the command line carries it.

            Examples:
              recur tune --batch-size 64
              recur tune --batch-size 64 --shard-size 2,4
              recur tune --batch-size 256 --pass-samples 4,16
            """)

    @OptionGroup var sweep: SweepOptions
    @Option(name: .customLong("batch-size"), parsing: .unconditional, help: "The batch size to tune for.") var batchSize: Int = 64

    func validate() throws {
        if batchSize < 1 { throw ValidationError("--batch-size must be at least 1 (got \(batchSize))") }
    }

    func run() throws {
        let options = try sweep.benchOptions(batchSizes: [batchSize], defaultSteps: 10, defaultRepeats: 2)
        let report = try BenchRunner.run(options) { Console.error($0) }
        Console.block(report.table())
        let shape = options.shape
        var model: [String] = []
        if shape.cell != .rnnTanh { model.append(shape.cell.options) }
        if shape.head != .allSteps { model.append(shape.head.options) }
        if shape.hidden != TrainingOptions().hidden { model.append("--hidden \(shape.hidden)") }
        if shape.layers != TrainingOptions().layers { model.append("--layers \(shape.layers)") }
        let defaultPass = ShardPlan.defaultSamplesPerPass(for: shape, l2CacheBytes: report.machine.l2Bytes > 0 ? UInt64(report.machine.l2Bytes) : nil)
        let recommendations = try options.shardSizes.map { size in
            try ThreadRecommendation(
                results: report.results.filter { $0.configuration.shardSize == size }, modelArguments: model,
                defaultSamplesPerPass: defaultPass)
        }
        guard recommendations.count > 1 else {
            Console.line(recommendations.map(\.description).joined())
            return
        }
        for recommendation in recommendations {
            Console.line("Shards of \(recommendation.shardSize): \(recommendation.threads) threads, \(Int(recommendation.samplesPerSecond.rounded())) samples/s.")
        }
        let best = recommendations.max { $0.samplesPerSecond < $1.samplesPerSecond }!
        Console.line(best.description)
    }
}
