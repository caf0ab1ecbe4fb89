import RecurSystem
import RecurRuntime
import RecurCore
import RecurData
import RecurDistributed
import RecurEngine
import RecurKernels
import RecurModel


/// What `recur bench` and `recur tune` measure: training throughput for each
/// thread count and batch size, with the per-phase breakdown the engine
/// records on every worker.
public struct BenchOptions: Sendable {
    public var threads: [Int]
    public var batchSizes: [Int] = [64]
    /// Timed training steps per repeat.
    public var steps = 20
    /// Untimed steps before the first repeat (page faults, caches, frequency).
    public var warmup = 5
    public var repeats = 3
    /// Times the whole sweep runs, configuration after configuration in each
    /// round; each configuration's repeats are pooled over the rounds.
    public var rounds = 1
    public var pin: PinMode = .core
    /// Shard sizes to measure: each changes the result slightly (the order of
    /// the gradient sums) and how evenly work spreads over threads.
    public var shardSizes = [4]
    /// Pass sizes to measure: the most samples each worker runs through
    /// forward and BPTT at once, in whole shards. Only the speed depends on
    /// them.
    public var passSizes = [ShardPlan.defaultSamplesPerPass]
    public var hidden = 256
    public var layers = 2
    public var cell: RecurrentCell = .rnnTanh
    public var head: ModelHead = .allSteps
    public var backend: String?
    /// MNIST folder; synthetic data of MNIST's shape when nil.
    public var dataDirectory: String?
    public var seed: UInt64 = 0

    public var shape: ModelShape { ModelShape(hidden: hidden, layers: layers, cell: cell, head: head) }

    public init(threads: [Int]) {
        self.threads = threads
    }

    /// 1, 2, 4, ... up to `usable`, plus `usable` itself.
    public static func defaultThreadCounts(usable: Int) -> [Int] {
        var counts: [Int] = []
        var n = 1
        while n < usable {
            counts.append(n)
            n *= 2
        }
        counts.append(max(usable, 1))
        return counts
    }

    public func validate() throws(RecurError) {
        if threads.isEmpty || threads.contains(where: { $0 < 1 }) {
            throw .usage("--threads needs thread counts of at least 1 (got \(threads))")
        }
        if batchSizes.isEmpty || batchSizes.contains(where: { $0 < 1 }) {
            throw .usage("--batch-size needs batch sizes of at least 1 (got \(batchSizes))")
        }
        if steps < 1 { throw .usage("--steps must be at least 1 (got \(steps))") }
        if warmup < 0 { throw .usage("--warmup must be at least 0 (got \(warmup))") }
        if repeats < 1 { throw .usage("--repeats must be at least 1 (got \(repeats))") }
        if rounds < 1 { throw .usage("--rounds must be at least 1 (got \(rounds))") }
        if shardSizes.isEmpty || shardSizes.contains(where: { $0 < 1 }) {
            throw .usage("--shard-size needs sizes of at least 1 (got \(shardSizes))")
        }
        if passSizes.isEmpty || passSizes.contains(where: { $0 < 1 }) {
            throw .usage("--pass-samples needs sizes of at least 1 (got \(passSizes))")
        }
        if hidden < 1 || layers < 1 { throw .usage("--hidden and --layers must be at least 1") }
        if hidden > ModelShape.maximumHidden || layers > ModelShape.maximumLayers {
            throw .usage("--hidden must be at most \(ModelShape.maximumHidden) and --layers at most \(ModelShape.maximumLayers)")
        }
        for batch in batchSizes {
            for shardSize in shardSizes {
                try MemoryBudget.require(
                    shape: shape, batchSize: batch, shardSize: shardSize,
                    workers: threads.max() ?? 1, samplesPerPass: passSizes.max() ?? 1)
            }
        }
    }
}

public enum BenchRunner {
    /// Runs every configuration, `options.rounds` times over, and returns
    /// the report. `progress` gets one line per configuration as it finishes
    /// (with more than one round, marked with its round, then at the end a
    /// line per configuration with its pooled median).
    /// Rounds interleave the configurations in time, so on a machine whose
    /// speed drifts each one is measured across the same minutes.
    /// With `group` (under mpirun), every rank runs the same sweep, each
    /// step split between the ranks as in training, and the measurements
    /// carry each rank's phases and bytes sent.
    public static func run(
        _ options: BenchOptions, group: ProcessGroup? = nil, progress: (String) -> Void = { _ in }
    ) throws(RecurError) -> BenchReport {
        try options.validate()
        let shape = options.shape
        let source: Dataset
        if let directory = options.dataDirectory {
            do {
                source = try MNIST.load(.train, directory: directory)
            } catch {
                throw .input(error.description)
            }
        } else {
            source = Dataset.synthetic(count: 4096, seed: options.seed)
        }
        let topology: Topology
        do {
            topology = try Topology.current()
        } catch {
            throw .system("cannot read the machine's topology: \(error)")
        }
        // The one-core peak, on one worker placed and pinned as the sweep's are.
        let single = try ComputeSetup(threads: .fixed(1), pin: options.pin, backend: options.backend)
        let backend = single.backend
        let peak = measurePeakGFLOPS(single)
        var configurations: [BenchConfiguration] = []
        for batch in options.batchSizes {
            for shardSize in options.shardSizes {
                for passSize in options.passSizes {
                    for threads in options.threads {
                        configurations.append(BenchConfiguration(
                            threads: threads, batchSize: batch, pin: options.pin == .core, shardSize: shardSize,
                            samplesPerPass: passSize))
                    }
                }
            }
        }
        func summary(_ measurement: BenchMeasurement) -> String {
            let median = BenchStatistics.median(measurement.samplesPerSecond) ?? 0
            return "\(measurement.configuration): \(Int(median.rounded())) samples/s"
        }
        var measurements: [BenchMeasurement] = []
        for round in 1...options.rounds {
            for (index, configuration) in configurations.enumerated() {
                let measurement = try measure(
                    options, configuration, shape: shape, source: source, group: group, progress: progress)
                if round == 1 {
                    measurements.append(measurement)
                } else {
                    measurements[index].pool(measurement)
                }
                progress(options.rounds > 1 ? "round \(round) of \(options.rounds): \(summary(measurement))" : summary(measurement))
            }
        }
        if options.rounds > 1 {
            for measurement in measurements { progress(summary(measurement)) }
        }
        let machine = MachineInfo(topology: topology, backend: backend.name)
        let settings = BenchSettings(
            steps: options.steps, warmup: options.warmup, repeats: options.repeats, rounds: options.rounds,
            modelDescription: shape.description, flopsPerSample: shape.flopsPerSample, fmaPeakGFLOPSPerCore: peak)
        do {
            return try BenchReport(machine: machine, settings: settings, measurements: measurements)
        } catch {
            throw .system("benchmark results are unusable: \(error)")
        }
    }

    /// Probe iterations that take about `seconds` on one core with this build
    /// (debug builds are far slower than release ones).
    static func probeIterations(_ backend: any ComputeBackend, seconds: Double) -> Int {
        var iterations = 1_000
        while true {
            let start = monotonicNanoseconds()
            _ = backend.fmaPeakProbe(iterations: iterations)
            let elapsed = Double(monotonicNanoseconds() - start) / 1e9
            if elapsed >= seconds / 8 || iterations >= 1 << 30 {
                return max(1, Int(Double(iterations) * seconds / max(elapsed, 1e-9)))
            }
            iterations *= 2
        }
    }

    private static func measure(
        _ options: BenchOptions, _ configuration: BenchConfiguration, shape: ModelShape, source: Dataset,
        group: ProcessGroup?, progress: (String) -> Void
    ) throws(RecurError) -> BenchMeasurement {
        let batch = configuration.batchSize
        let setup = try ComputeSetup(threads: .fixed(configuration.threads), pin: options.pin, backend: options.backend)
        for warning in setup.warnings { progress(warning) }
        let peakBefore = measurePeakGFLOPS(setup)
        let parameters = Parameters(shape: shape, seed: options.seed)
        let engine: DataParallelEngine
        do {
            engine = try DataParallelEngine(
                pool: setup.pool, parameters: parameters,
                optimizer: AdamState(layout: parameters.layout, learningRate: 1e-3),
                backend: setup.backend, shardSize: configuration.shardSize, maxBatch: batch,
                samplesPerPass: configuration.samplesPerPass)
        } catch {
            throw .system("cannot allocate worker memory: \(error)")
        }
        var random = RecurRandom(seed: options.seed, stream: 99)
        let order = (0..<((options.warmup + options.steps * options.repeats) * batch)).map { _ in
            Int32(random.next() % UInt64(source.count))
        }
        var cursor = 0
        let exchange = group.map { ChainExchange(group: $0, layout: parameters.layout) }
        func step() throws(RecurError) {
            defer { cursor += batch }
            guard let exchange else {
                order[cursor..<(cursor + batch)].withUnsafeBufferPointer { _ = engine.step(source: source, indices: $0) }
                return
            }
            let indices = Array(order[cursor..<(cursor + batch)])
            do {
                _ = try indices.withUnsafeBufferPointer { (buffer) throws(ExchangeError) in
                    try engine.step(source: source, indices: buffer, exchange: exchange)
                }
            } catch {
                throw .system(error.description)
            }
        }
        for _ in 0..<options.warmup { try step() }
        engine.resetPhaseTimes()
        exchange?.resetCounters()
        var rates: [Double] = []
        for _ in 0..<options.repeats {
            let start = monotonicNanoseconds()
            for _ in 0..<options.steps { try step() }
            let seconds = Double(monotonicNanoseconds() - start) / 1e9
            rates.append(Double(options.steps * batch) / seconds)
        }
        let workers = engine.workerPhaseTimes
        var measurement = BenchMeasurement(
            configuration: configuration,
            samplesPerSecond: rates, phases: PhaseBreakdown(workers, reduce: .mean), phasesMax: PhaseBreakdown(workers, reduce: .max),
            fmaPeakGFLOPS: max(peakBefore, measurePeakGFLOPS(setup)))
        if let group, let exchange {
            let alone = try exchangeAlone(
                exchange, layout: parameters.layout, shards: (batch + configuration.shardSize - 1) / configuration.shardSize,
                times: options.steps)
            try gatherRanks(into: &measurement, group: group, exchange: exchange, alone: alone)
        }
        return measurement
    }

    /// Seconds per exchange of `times` exchanges back to back with nothing
    /// computed between them (what the buffers hold does not matter; the
    /// parameters gathered are a scratch copy): after the first, the ranks
    /// are in step, so this is the transfer alone.
    private static func exchangeAlone(
        _ exchange: ChainExchange, layout: ParameterLayout, shards: Int, times: Int
    ) throws(RecurError) -> Double {
        let scratch = FloatBuffer(count: layout.count)
        func once() throws(ExchangeError) {
            try exchange.begin(shardCount: shards)
            for slice in exchange.partition.slices.indices {
                try exchange.receive(slice: slice)
                try exchange.send(slice: slice)
            }
            _ = try exchange.ownedTotals()
            _ = try exchange.shareParameters(scratch.pointer)
        }
        do {
            try once()
            let start = monotonicNanoseconds()
            for _ in 0..<times { try once() }
            return Double(monotonicNanoseconds() - start) / 1e9 / Double(times)
        } catch {
            throw .system(error.description)
        }
    }

    /// Adds every rank's phases and bytes sent per step to rank 0's measurement.
    private static func gatherRanks(
        into measurement: inout BenchMeasurement, group: ProcessGroup, exchange: ChainExchange, alone: Double
    ) throws(RecurError) {
        let mine = measurement.phases
        let values = [
            mine.forward, mine.backward, mine.allReduce, mine.exchange, mine.optimizer, mine.barrierWait,
            Double(exchange.bytesSent) / Double(max(exchange.steps, 1)), alone, measurement.fmaPeakGFLOPS ?? 0,
        ].map(\.bitPattern)
        let all: [[UInt64]]
        do {
            all = try group.allGather(values, what: "the benchmark's results")
        } catch {
            throw .system(error.description)
        }
        let ranks = all.map { $0.map(Double.init(bitPattern:)) }
        measurement.processes = group.size
        measurement.bytesSentPerStep = ranks.map { $0[6] }
        measurement.exchangeAloneSeconds = ranks.map { $0[7] }
        // The throughput is the whole job's, so its ceiling is every rank's
        // probe (run at about the same moment, each rank on its own cores).
        let peaks = ranks.map { $0[8] }
        if peaks.allSatisfy({ $0 > 0 }) {
            measurement.rankFMAPeakGFLOPS = peaks
            measurement.fmaPeakGFLOPS = peaks.reduce(0, +)
        }
        measurement.rankPhases = ranks.map {
            PhaseBreakdown(forward: $0[0], backward: $0[1], allReduce: $0[2], optimizer: $0[4], barrierWait: $0[5], exchange: $0[3])
        }
    }

    /// The FMA throughput of all of `setup`'s workers running the probe at
    /// once, GFLOP/s: the best of `repeats` runs of about `seconds` each,
    /// after one untimed run that wakes the workers and ramps up the clocks.
    ///
    /// In each run the workers first meet at the pool's barrier, so a
    /// sleeping worker's wake-up and the dispatch are not timed; each then
    /// reads the clock around its own probe, and the run is timed from the
    /// earliest start to the last finish (``peakGFLOPS(flops:starts:ends:)``),
    /// as the C reference probe, Benchmarks/peak-probe/fma_probe.c, does.
    public static func measurePeakGFLOPS(_ setup: ComputeSetup, seconds: Double = 0.25, repeats: Int = 5) -> Double {
        let backend = setup.backend
        let pool = setup.pool
        let iterations = probeIterations(backend, seconds: seconds)
        let flops = WorkerSlots<Double>(count: pool.count, initial: 0)
        let starts = WorkerSlots<Int64>(count: pool.count, initial: 0)
        let ends = WorkerSlots<Int64>(count: pool.count, initial: 0)
        pool.run { _ in
            pool.barrier.wait()
            _ = backend.fmaPeakProbe(iterations: max(1, iterations / 5))
        }
        var best = 0.0
        for _ in 0..<max(1, repeats) {
            pool.run { worker in
                pool.barrier.wait()
                starts[worker] = monotonicNanoseconds()
                flops[worker] = backend.fmaPeakProbe(iterations: iterations)
                ends[worker] = monotonicNanoseconds()
            }
            best = max(best, peakGFLOPS(flops: flops.values, starts: starts.values, ends: ends.values))
        }
        return best
    }

    /// GFLOP/s of workers that did `flops[i]` between monotonic nanoseconds
    /// `starts[i]` and `ends[i]`: all their FLOPs over the span from the
    /// earliest start to the last finish (0 for an empty or zero span), so a
    /// late start or a slow worker counts against the figure.
    public static func peakGFLOPS(flops: [Double], starts: [Int64], ends: [Int64]) -> Double {
        guard let first = starts.min(), let last = ends.max(), last > first else { return 0 }
        return flops.reduce(0, +) / Double(last - first)
    }
}

extension MachineInfo {
    /// The running machine, as hwloc sees it, and this build.
    init(topology: Topology, backend: String) {
        self.init(
            cpuModel: topology.cpuModel ?? "unknown CPU", packages: topology.packageCount,
            numaNodes: topology.numaNodes.count, cores: topology.cores.count, pus: topology.puCount,
            usablePUs: topology.usablePUs.count, l2Bytes: Int(topology.l2CacheBytes ?? 0),
            l3Bytes: Int(topology.l3CacheBytes ?? 0), backend: backend, buildFlags: RecurBuild.kernelBuilds,
            recurVersion: RecurBuild.version, hostname: SystemCalls.hostName(), date: RecurBuild.utcTimestamp())
    }
}
