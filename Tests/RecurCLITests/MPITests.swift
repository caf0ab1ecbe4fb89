import Foundation
import RecurCore
import RecurEngine
import RecurSafetensors
import RecurTestSupport
import Testing

/// `recur train` under mpirun: the same checkpoint bytes at any number of
/// ranks and threads as without mpirun, resuming with another number of
/// ranks, stopping on a signal, a rank that dies or hangs, ranks that
/// disagree. Needs Open MPI (`mpirun`): missing, these tests fail under
/// `CI=true` and are skipped (loudly) otherwise. Tiny models and few steps,
/// so 4 ranks of a debug build fit 2 cores.
@Suite("MPI", .serialized)
struct MPITests {
    /// Batches of 8 in shards of 2: 4 shards, which 1, 2 and 4 ranks divide.
    private func training(_ mnist: String, steps: Int, threads: Int = 1) -> TinyTraining {
        TinyTraining(data: mnist, steps: steps, threads: threads, shardSize: 2)
    }

    private func bytes(_ path: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path)) }

    @Test("checkpoints and models are byte-identical at 1, 2 and 4 ranks, 1 and 2 threads each, over shared memory and TCP, and equal a run without mpirun")
    func sameBits() async throws {
        let mnist = try Fixtures.requireMNIST()
        let work = try TemporaryDirectory(prefix: "recur-mpi-bits")
        let steps = 6
        let plainFolder = work.file("plain")
        expectSuccess(try await RecurExecutable.run(
            training(mnist, steps: steps).arguments(["--checkpoint-dir", plainFolder, "--save", work.file("plain.safetensors")])))
        let plainCheckpoint = try #require(CheckpointFiles.list(in: plainFolder).last)
        let runs: [(processes: Int, threads: Int, mpi: [String])] = [
            (1, 1, []), (2, 1, []), (2, 2, []), (4, 1, []), (2, 1, ["--mca", "btl", "tcp,self"]),
        ]
        for (index, run) in runs.enumerated() {
            let folder = work.file("run\(index)"), model = work.file("run\(index).safetensors")
            let result = try await MPIJob.run(
                processes: run.processes, mpiOptions: run.mpi,
                training(mnist, steps: steps, threads: run.threads).arguments(["--checkpoint-dir", folder, "--save", model]))
            expectSuccess(result)
            let checkpoint = try #require(CheckpointFiles.list(in: folder).last, "\(result)")
            #expect(try bytes(checkpoint) == bytes(plainCheckpoint), "P=\(run.processes) x \(run.threads) \(run.mpi)")
            #expect(try bytes(model) == bytes(work.file("plain.safetensors")), "P=\(run.processes) x \(run.threads) \(run.mpi)")
            // Rank 0 alone reports: one summary line.
            #expect(result.outputLines.filter { $0.contains("done: ") }.count == 1, "\(result)")
        }
    }

    @Test("a run saved by 2 ranks resumes on 4 ranks and on 1 to the uninterrupted run's bits")
    func resumeWithOtherRankCount() async throws {
        let mnist = try Fixtures.requireMNIST()
        let work = try TemporaryDirectory(prefix: "recur-mpi-resume")
        let whole = work.file("whole.safetensors")
        expectSuccess(try await RecurExecutable.run(training(mnist, steps: 8).arguments(["--save", whole])))
        for (index, resumers) in [4, 1].enumerated() {
            let folder = work.file("runs\(index)"), resumed = work.file("resumed\(index).safetensors")
            expectSuccess(try await MPIJob.run(
                processes: 2, training(mnist, steps: 4).arguments(["--checkpoint-dir", folder])))
            #expect(try CheckpointFiles.list(in: folder).compactMap { try CheckpointFiles.step(of: $0) } == [4])
            let result = resumers == 1
                ? try await RecurExecutable.run(training(mnist, steps: 8).arguments(["--resume", folder, "--save", resumed]))
                : try await MPIJob.run(
                    processes: resumers, training(mnist, steps: 8).arguments(["--resume", folder, "--save", resumed]))
            expectSuccess(result)
            #expect(try bytes(resumed) == bytes(whole), "resumed on \(resumers) rank(s)")
        }
    }

    /// TinyTraining's model on MNIST, whose exchange the tests below cut.
    private let tinyLayout = ParameterLayout(ModelShape(inputSize: 28, sequenceLength: 28, hidden: 8, layers: 1, classes: 10))
    /// Slices of 64 floats: TinyTraining's model's chain is then 7 slices.
    private let smallSlices = ["--exchange-slice-floats", "64"]

    /// The JSON summary's `exchange` object (rank 0's view).
    private func exchangeSummary(_ result: CommandResult) -> [String: Any]? {
        let summary = result.outputLines.compactMap { line in
            try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
        }.last { $0["event"] as? String == "summary" }
        return summary?["exchange"] as? [String: Any]
    }

    @Test("the chain cut into 7 slices gives the checkpoint bytes of a run without mpirun at 1, 2, 3 (over TCP) and 4 ranks")
    func slicedChainSameBits() async throws {
        let mnist = try Fixtures.requireMNIST()
        let work = try TemporaryDirectory(prefix: "recur-mpi-slices")
        let steps = 6
        let plainFolder = work.file("plain")
        expectSuccess(try await RecurExecutable.run(training(mnist, steps: steps).arguments(["--checkpoint-dir", plainFolder])))
        let plainCheckpoint = try #require(CheckpointFiles.list(in: plainFolder).last)
        let slices = GradientPartition(layout: tinyLayout, processes: 1, sliceFloats: 64).slices.count
        #expect(slices == 7)
        let runs: [(processes: Int, mpi: [String])] = [(1, []), (2, []), (3, ["--mca", "btl", "tcp,self"]), (4, [])]
        for run in runs {
            let folder = work.file("p\(run.processes)")
            let result = try await MPIJob.run(
                processes: run.processes, mpiOptions: run.mpi,
                training(mnist, steps: steps).arguments(["--checkpoint-dir", folder, "--json"] + smallSlices))
            expectSuccess(result)
            // The checkpoint holds the Adam moments too: every rank's part was gathered.
            let checkpoint = try #require(CheckpointFiles.list(in: folder).last, "\(result)")
            #expect(try bytes(checkpoint) == bytes(plainCheckpoint), "P=\(run.processes) \(run.mpi)")
            #expect(exchangeSummary(result)?["slices"] as? Int == slices, "\(result)")
        }
    }

    @Test("runs saved by 3 and 4 ranks (moments gathered from their owners) resume on 2 and 3 ranks to the uninterrupted bits")
    func resumeAfterShardedOptimizer() async throws {
        let mnist = try Fixtures.requireMNIST()
        let work = try TemporaryDirectory(prefix: "recur-mpi-zero-resume")
        let whole = work.file("whole.safetensors")
        expectSuccess(try await RecurExecutable.run(training(mnist, steps: 8).arguments(["--save", whole])))
        for (savers, resumers) in [(3, 2), (4, 3)] {
            let folder = work.file("runs\(savers)"), resumed = work.file("resumed\(savers).safetensors")
            expectSuccess(try await MPIJob.run(
                processes: savers, training(mnist, steps: 4).arguments(["--checkpoint-dir", folder] + smallSlices)))
            #expect(try CheckpointFiles.list(in: folder).compactMap { try CheckpointFiles.step(of: $0) } == [4])
            expectSuccess(try await MPIJob.run(
                processes: resumers, training(mnist, steps: 8).arguments(["--resume", folder, "--save", resumed])))
            #expect(try bytes(resumed) == bytes(whole), "saved on \(savers) ranks, resumed on \(resumers)")
        }
    }

    @Test("bench under mpirun reports each rank's bytes per step as the formula gives them: chain, totals to owners, its part to every rank")
    func bytesPerStep() async throws {
        let work = try TemporaryDirectory(prefix: "recur-mpi-bytes")
        for processes in [2, 3] {
            let json = work.file("bench\(processes).json")
            let result = try await MPIJob.run(
                processes: processes,
                ["bench", "--threads", "1", "--steps", "2", "--repeats", "1", "--warmup", "1", "--hidden", "8", "--layers", "1",
                 "--batch-size", "8", "--shard-size", "2", "--pin", "none", "--json", json] + smallSlices)
            expectSuccess(result)
            let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as? [String: Any]
            let measured = (report?["results"] as? [[String: Any]])?.first?["bytesSentPerStep"] as? [Double]
            // N floats of parameters, part p_r of rank r; 4 shards, so every rank is in the chain.
            let floats = tinyLayout.count, last = processes - 1
            let parts = GradientPartition(layout: tinyLayout, processes: processes, sliceFloats: 64).parts.map(\.count)
            let expected = (0..<processes).map { rank in
                let chain = rank < last ? floats + 1 : 0
                let totalsToOwners = rank == last ? floats - parts[last] : 0
                let partToEveryRank = (processes - 1) * (parts[rank] + 2)
                return Double((chain + totalsToOwners + partToEveryRank) * 4)
            }
            #expect(measured == expected, "\(processes) ranks: \(result)")
            // About 2x the parameter bytes per rank.
            for bytes in expected { #expect(bytes <= Double((2 * floats + 64 * processes) * 4)) }
            // The job's throughput is measured against every rank's probe, not one rank's.
            let first = (report?["results"] as? [[String: Any]])?.first
            let rankPeaks = first?["rankFMAPeakGFLOPS"] as? [Double] ?? []
            let peak = first?["fmaPeakGFLOPS"] as? Double ?? 0, gflops = first?["gflops"] as? Double ?? 0
            #expect(rankPeaks.count == processes && rankPeaks.allSatisfy { $0 > 0 }, "\(processes) ranks")
            #expect(abs(peak - rankPeaks.reduce(0, +)) <= 1e-9 * peak, "\(processes) ranks: \(peak) vs \(rankPeaks)")
            if let share = first?["peakShare"] as? Double { #expect(abs(share - gflops / peak) <= 1e-9) }
        }
    }

    /// Starts a long 2-rank run that checkpoints every 5 steps and returns it
    /// once its first checkpoint is there.
    private func startedLongRun(_ mnist: String, folder: String, extra: [String] = []) async throws -> MPIJob {
        let job = try MPIJob(
            processes: 2, training(mnist, steps: 100_000).arguments(["--checkpoint-dir", folder, "--checkpoint-every", "5"] + extra))
        let deadline = ContinuousClock.now + .seconds(120)
        while CheckpointFiles.list(in: folder).isEmpty && job.isRunning && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        try #require(!CheckpointFiles.list(in: folder).isEmpty, "no checkpoint appeared in \(folder)")
        return job
    }

    /// Every checkpoint in `folder` reads back whole.
    private func expectLoadable(_ folder: String) throws {
        let files = CheckpointFiles.list(in: folder)
        #expect(!files.isEmpty)
        for file in files {
            let read = try SafetensorsFile.read(path: file)
            #expect(read.metadata["format"] == "recur-checkpoint", "\(file)")
        }
    }

    @Test("SIGINT to a rank stops every rank after the same step: one checkpoint, exit 130, and resuming gives the uninterrupted bits")
    func interruptRank() async throws {
        let mnist = try Fixtures.requireMNIST()
        let work = try TemporaryDirectory(prefix: "recur-mpi-sigint")
        let folder = work.file("runs")
        let job = try await startedLongRun(mnist, folder: folder)
        let rank1 = try #require(job.processOfRank(1), "no rank 1 among \(job.rankProcesses())")
        kill(rank1, SIGINT)
        let result = try await job.wait(timeout: .seconds(60))
        #expect(result.exited(with: 130), "\(result)")
        #expect(result.standardError.contains("stopped by SIGINT"), "\(result)")
        #expect(result.standardError.components(separatedBy: "stopped by").count == 2, "printed once: \(result)")
        try expectLoadable(folder)
        let newest = try #require(CheckpointFiles.list(in: folder).last)
        let stoppedAt = try #require(try CheckpointFiles.step(of: newest))
        // Saved once, at the step where the run stopped (not one per rank).
        #expect(CheckpointFiles.list(in: folder).filter { (try? CheckpointFiles.step(of: $0)) == stoppedAt }.count == 1)
        let whole = work.file("whole.safetensors"), resumed = work.file("resumed.safetensors")
        expectSuccess(try await MPIJob.run(
            processes: 2, training(mnist, steps: stoppedAt + 3).arguments(["--resume", folder, "--save", resumed])))
        expectSuccess(try await RecurExecutable.run(training(mnist, steps: stoppedAt + 3).arguments(["--save", whole])))
        #expect(try bytes(resumed) == bytes(whole))
    }

    /// mpirun, signalled itself, sends SIGTERM to every rank and kills them
    /// `odls_base_sigkill_timeout` (1 s) later; Open MPI 4.1's mpirun then
    /// exits 1, whatever the ranks returned.
    @Test("SIGINT to mpirun stops the ranks, saves once and leaves every checkpoint loadable")
    func interruptMPIRun() async throws {
        let mnist = try Fixtures.requireMNIST()
        let work = try TemporaryDirectory(prefix: "recur-mpi-sigint-mpirun")
        let folder = work.file("runs")
        let job = try await startedLongRun(mnist, folder: folder)
        job.send(SIGINT)
        let result = try await job.wait(timeout: .seconds(30))
        #expect(!result.timedOut && !result.exited(with: 0), "\(result)")
        try expectLoadable(folder)
    }

    @Test("a killed rank ends the run within 10 s with an error naming it; every checkpoint stays loadable")
    func killedRank() async throws {
        let mnist = try Fixtures.requireMNIST()
        let work = try TemporaryDirectory(prefix: "recur-mpi-kill")
        let folder = work.file("runs")
        let job = try await startedLongRun(mnist, folder: folder)
        let rank1 = try #require(job.processOfRank(1))
        kill(rank1, SIGKILL)
        let start = ContinuousClock.now
        let result = try await job.wait(timeout: .seconds(30))
        #expect(ContinuousClock.now - start < .seconds(10), "\(result)")
        #expect(!result.exited(with: 0), "\(result)")
        #expect(result.standardError.contains("rank 1"), "\(result)")
        try expectLoadable(folder)
    }

    @Test("a hung rank (stopped) ends the run within 10 s with an error naming it")
    func hungRank() async throws {
        let mnist = try Fixtures.requireMNIST()
        let work = try TemporaryDirectory(prefix: "recur-mpi-hang")
        let folder = work.file("runs")
        let job = try await startedLongRun(mnist, folder: folder, extra: ["--exchange-timeout", "3"])
        let rank1 = try #require(job.processOfRank(1))
        kill(rank1, SIGSTOP)
        defer { kill(rank1, SIGCONT) }
        let start = ContinuousClock.now
        let result = try await job.wait(timeout: .seconds(30))
        #expect(ContinuousClock.now - start < .seconds(10), "\(result)")
        #expect(result.exited(with: 1), "\(result)")
        #expect(result.standardError.contains("rank 0: rank 1 exchanged nothing for 3 s"), "\(result)")
        try expectLoadable(folder)
    }

    @Test("ranks given different options are refused, naming the option")
    func mismatchedOptions() async throws {
        let mnist = try Fixtures.requireMNIST()
        let options = training(mnist, steps: 2).arguments()
        let result = try await MPIJob.run(processes: 2, [], ranks: [options + ["--seed", "1"], options + ["--seed", "2"]])
        expectFailure(result, status: 2, mentioning: ["recur: rank 1 has different --seed from rank 0"])
    }

    /// The exchange over a real interface: rank 1 in a network namespace of
    /// its own, joined by a veth pair (scripts/mpi-netns.sh). Skipped, with a
    /// warning, where network namespaces cannot be made (not root, no
    /// iproute2, a container without the capability).
    @Test("two ranks in two network namespaces, over a veth pair, give the bytes of a run without mpirun")
    func acrossNetworkNamespaces() async throws {
        _ = try MPIJob.require()
        let mnist = try Fixtures.requireMNIST()
        let probe = "recur-probe-\(getpid())"
        guard try await shell("ip netns add \(probe) && ip netns del \(probe)") == 0 else {
            print("warning: ⚠️ SKIPPED: cannot create network namespaces here (needs root and iproute2)")
            return
        }
        let work = try TemporaryDirectory(prefix: "recur-mpi-netns")
        let plain = work.file("plain.safetensors"), crossed = work.file("crossed.safetensors")
        expectSuccess(try await RecurExecutable.run(training(mnist, steps: 6).arguments(["--save", plain])))
        let arguments = training(mnist, steps: 6).arguments(["--save", crossed])
        let status = try await shell(
            "\(Fixtures.packageRoot)/scripts/mpi-netns.sh --recur '\(try RecurExecutable.path())' "
                + arguments.map { "'\($0)'" }.joined(separator: " ") + " >'\(work.file("log"))' 2>&1")
        let log = (try? String(contentsOfFile: work.file("log"), encoding: .utf8)) ?? ""
        #expect(status == 0, "\(log)")
        #expect(log.contains("veth: "), "\(log)")
        #expect(try bytes(crossed) == bytes(plain), "\(log)")
    }

    /// Runs `command` with /bin/sh and returns its exit status, polling so
    /// that no test thread blocks while it runs.
    private func shell(_ command: String) async throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return -1 }
        while process.isRunning { try await Task.sleep(for: .milliseconds(20)) }
        process.waitUntilExit()
        return process.terminationStatus
    }

    @Test("recur topology under mpirun prints each rank's placement once, in rank order")
    func topologyPerRank() async throws {
        let result = try await MPIJob.run(processes: 2, ["topology", "--threads", "1"])
        expectSuccess(result)
        let first = try #require(result.standardOutput.range(of: "rank 0 of 2"), "\(result)")
        let second = try #require(result.standardOutput.range(of: "rank 1 of 2"), "\(result)")
        #expect(first.lowerBound < second.lowerBound)
        #expect(result.standardOutput.components(separatedBy: "Placement of 1 worker").count == 3, "\(result)")
    }

    @Test("--distributed mpi where the MPI library is missing says what to install")
    func missingLibrary() async throws {
        let mnist = try Fixtures.requireMNIST()
        let result = try await RecurExecutable.run(
            training(mnist, steps: 2).arguments(["--distributed", "mpi"]),
            environment: ["RECUR_MPI_LIBRARY": "/nonexistent/libmpi.so.40"])
        expectFailure(result, status: 1, mentioning: ["recur: cannot load the MPI library", "apt-get install openmpi-bin"])
    }
}
