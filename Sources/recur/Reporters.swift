import RecurCheckpoint
import RecurCore
import RecurTrainer

/// Human-readable training output: a progress bar on a terminal, a line
/// every 100 steps otherwise, and a line per epoch.
final class TextReporter: TrainingObserver {
    private let profile: Bool
    private var lastDraw = 0.0

    init(profile: Bool) {
        self.profile = profile
    }

    func started(_ start: TrainingStart) {
        Console.line(
            "\(start.model), \(start.parameters) parameters; \(start.trainSamples) training and \(start.testSamples) test samples")
        Console.line(
            "\(start.epochs) epochs of \(start.stepsPerEpoch) steps at batch \(start.batchSize); \(start.processes.map { "\($0) ranks x " } ?? "")\(start.threads) threads (pin \(start.pin)), "
                + "\(start.backend) kernels, shards of \(start.shardSize) in passes of up to \(start.samplesPerPass) samples, seed \(start.seed)"
                + (start.startStep > 0 ? "; resuming after step \(start.startStep)" : ""))
    }

    /// Called between training steps, while the workers wait: it formats
    /// nothing unless a line is due (10 redraws a second on a terminal, a
    /// line every 100 steps otherwise).
    func stepped(_ progress: StepProgress) {
        func status() -> String {
            "epoch \(progress.epoch) step \(progress.step)/\(progress.stepsInEpoch)  loss \(Console.fixed(progress.loss, 4))  "
                + "\(Int(progress.samplesPerSecond.rounded())) samples/s"
        }
        if Console.isTerminal {
            let now = monotonicSeconds()
            guard now - lastDraw >= 0.1 || progress.step == progress.stepsInEpoch else { return }
            lastDraw = now
            let width = 30
            let filled = width * progress.step / max(progress.stepsInEpoch, 1)
            let bar = String(repeating: "=", count: filled) + String(repeating: " ", count: width - filled)
            Console.overwrite("[\(bar)] " + status())
        } else if progress.step % 100 == 0 {
            Console.line(status())
        }
    }

    func finishedEpoch(_ report: EpochReport) {
        if Console.isTerminal { Console.overwrite("") }
        Console.line(
            "epoch \(report.epoch): train loss \(Console.fixed(report.trainLoss, 4)), test loss \(Console.fixed(report.testLoss, 4)), "
                + "test accuracy \(Console.fixed(report.testAccuracy * 100, 2))%, "
                + (report.validationLoss.map { loss in
                    "validation loss \(Console.fixed(loss, 4)), validation accuracy \(Console.fixed((report.validationAccuracy ?? 0) * 100, 2))%, "
                } ?? "")
                + "\(Console.fixed(report.seconds, 2)) s, "
                + "\(Int(report.samplesPerSecond.rounded())) samples/s")
    }

    func savedCheckpoint(_ saved: CheckpointSaved) {
        if Console.isTerminal { Console.overwrite("") }
        Console.line("saved checkpoint \(saved.path) (step \(saved.globalStep))")
    }

    func finished(_ summary: TrainingSummary) {
        if Console.isTerminal { Console.overwrite("") }
        Console.line(
            "done: \(summary.steps) steps, test accuracy \(Console.fixed(summary.testAccuracy * 100, 2))%, "
                + "\(Console.fixed(summary.trainSeconds, 2)) s training (\(Console.fixed(summary.seconds, 2)) s with evaluation), "
                + "\(Int(summary.samplesPerSecond.rounded())) samples/s")
        if let model = summary.savedModel { Console.line("saved model \(model)") }
        if profile, let mean = summary.phases, let slowest = summary.phasesMax {
            Console.line("time per step (mean over \(summary.threads) workers / slowest worker), ms:")
            let rows: [(String, Double, Double)] = [
                ("forward", mean.forward, slowest.forward), ("BPTT", mean.backward, slowest.backward),
                ("shard sum", mean.allReduce, slowest.allReduce), ("exchange", mean.exchange, slowest.exchange), ("optimizer", mean.optimizer, slowest.optimizer),
                ("barrier wait", mean.barrierWait, slowest.barrierWait), ("total", mean.total, slowest.total),
            ]
            for (name, average, maximum) in rows {
                let label = name + String(repeating: " ", count: max(0, 13 - name.count))
                Console.line("  \(label) \(Console.fixed(average * 1e3, 3)) / \(Console.fixed(maximum * 1e3, 3))")
            }
        }
    }
}

/// `--json` training output: every event, steps thinned to one in 100.
final class JSONReporter: TrainingObserver {
    func started(_ start: TrainingStart) { JSONLines.print(start) }

    func stepped(_ progress: StepProgress) {
        if progress.step % 100 == 0 { JSONLines.print(progress) }
    }

    func finishedEpoch(_ report: EpochReport) { JSONLines.print(report) }
    func savedCheckpoint(_ saved: CheckpointSaved) { JSONLines.print(saved) }
    func finished(_ summary: TrainingSummary) { JSONLines.print(summary) }
}
