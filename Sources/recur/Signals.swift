import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The first SIGINT or SIGTERM received, 0 before any.
private let receivedSignal = Atomic<Int32>(0)

/// SIGINT and SIGTERM ask training to stop after the current step (and save
/// a checkpoint); a second one ends the process at once, as usual.
enum Signals {
    static func install() {
        var stopSignals = sigset_t()
        sigemptyset(&stopSignals)
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber) { number in
                receivedSignal.store(number, ordering: .relaxed)
                signal(number, SIG_DFL)
            }
            sigaddset(&stopSignals, signalNumber)
        }
        // A process started from a thread that blocks them inherits the mask.
        pthread_sigmask(SIG_UNBLOCK, &stopSignals, nil)
    }

    /// The signal that asked to stop, if any.
    static func pending() -> Int32? {
        let number = receivedSignal.load(ordering: .relaxed)
        return number == 0 ? nil : number
    }
}
