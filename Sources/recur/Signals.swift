import RecurSystem
import Synchronization

/// The first stop signal received, 0 before any.
private let receivedSignal = Atomic<Int32>(0)
/// How many stop signals have arrived.
private let signalCount = Atomic<Int>(0)

/// SIGINT, SIGTERM and SIGHUP ask training to stop after the current step and
/// save a checkpoint. A second one does not interrupt that: it says so, and
/// only a third ends the process at once, without saving (the checkpoint
/// files already written stay whole, since every write is atomic).
enum Signals {
    static func install() {
        _ = receivedSignal.load(ordering: .relaxed)
        _ = signalCount.load(ordering: .relaxed)
        SystemCalls.handle(SystemCalls.stopSignals) { number in
            let count = signalCount.wrappingAdd(1, ordering: .relaxed).newValue
            if count == 1 {
                receivedSignal.store(number, ordering: .relaxed)
            } else if count == 2 {
                SystemCalls.signalSafeWriteError(
                    "recur: stopping after this step and saving a checkpoint; press Ctrl-C again to quit without saving\n")
            } else {
                SystemCalls.signalSafeExit(128 + number)
            }
        }
    }

    /// The signal that asked to stop, if any.
    static func pending() -> Int32? {
        let number = receivedSignal.load(ordering: .relaxed)
        return number == 0 ? nil : number
    }
}
