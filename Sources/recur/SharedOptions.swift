import RecurRuntime
import ArgumentParser
import RecurCore
import RecurEngine
import RecurTrainer

/// Where the workers run: every command that trains or evaluates takes these.
struct WorkerOptions: ParsableArguments {
    @Option(parsing: .unconditional, help: ArgumentHelp("Worker threads: a number, or auto for one per usable physical core.", valueName: "N|auto"))
    var threads: String = "auto"

    @Option(help: ArgumentHelp("Bind each worker to its own core (core) or let the OS place threads (none).", valueName: "core|none"))
    var pin: String = "core"

    @Option(help: ArgumentHelp("Kernel build to use: avx512, avx2 or portable (default: the best this CPU runs).", valueName: "name"))
    var backend: String?

    var threadCount: ThreadCount {
        get throws {
            guard let count = ThreadCount(argument: threads) else {
                throw ValidationError("--threads must be a whole number of at least 1 or auto (got '\(threads)')")
            }
            return count
        }
    }

    var pinMode: PinMode {
        get throws { try parsePinMode(pin) }
    }

    func validate() throws {
        _ = try threadCount
        _ = try pinMode
        try validateBackend(backend)
    }
}

/// `--pin`'s value, or a usage error naming it.
func parsePinMode(_ text: String) throws -> PinMode {
    guard let mode = PinMode(rawValue: text) else { throw ValidationError("--pin must be core or none (got '\(text)')") }
    return mode
}

/// A usage error, naming the builds this CPU runs, when it cannot run the
/// `--backend` build `name`.
func validateBackend(_ name: String?) throws {
    do {
        _ = try ComputeSetup.backend(named: name)
    } catch {
        throw ValidationError(error.description)
    }
}

/// The recurrent cell and the head: every command that builds a model takes these.
struct CellOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Recurrent cell, as nn.RNN, nn.LSTM or nn.GRU (default rnn).", valueName: "rnn|lstm|gru"))
    var cell: String?

    @Option(help: ArgumentHelp("The rnn cell's nonlinearity, as nn.RNN's (default tanh).", valueName: "tanh|relu"))
    var nonlinearity: String?

    @Option(
        help: ArgumentHelp(
            "What the linear layer reads: every step's output of the last layer (Linear(hidden*T, classes), the seed's) or the last step's (Linear(hidden, classes), out[:, -1]); default all.",
            valueName: "all|last"))
    var head: String?

    /// Whether --cell or --nonlinearity was given (a resumed run takes the cell from its checkpoint otherwise).
    var isExplicit: Bool { cell != nil || nonlinearity != nil }

    var modelHead: ModelHead {
        get throws {
            guard let head else { return .allSteps }
            guard let parsed = ModelHead(rawValue: head) else { throw ValidationError("--head must be all or last (got '\(head)')") }
            return parsed
        }
    }

    var recurrentCell: RecurrentCell {
        get throws {
            switch (cell ?? "rnn", nonlinearity) {
            case ("rnn", nil), ("rnn", "tanh"): return .rnnTanh
            case ("rnn", "relu"): return .rnnReLU
            case ("rnn", let other?):
                throw ValidationError("--nonlinearity must be tanh or relu (got '\(other)')")
            case ("lstm", nil): return .lstm
            case ("gru", nil): return .gru
            case ("lstm", _?), ("gru", _?):
                throw ValidationError("--nonlinearity applies to --cell rnn only (nn.RNN's), not to --cell \(cell ?? "")")
            case (let other, _):
                throw ValidationError("--cell must be rnn, lstm or gru (got '\(other)')")
            }
        }
    }

    func validate() throws {
        _ = try recurrentCell
        _ = try modelHead
    }
}

/// Where the data is: `--data`, then `$MNIST_DIR`, then `./data/mnist`.
struct DataOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "A folder with the four MNIST-format IDX files (.gz or not) or with NAME_TRAIN.ts and NAME_TEST.ts, or a safetensors or .npz file with train.* and test.* arrays; default $MNIST_DIR, then ./data/mnist.",
            valueName: "path"))
    var data: String?
}
