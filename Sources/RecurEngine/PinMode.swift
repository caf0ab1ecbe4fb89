/// Whether worker threads are bound to their placement's PUs.
public enum PinMode: String, Sendable, Hashable, CaseIterable {
    /// Bind each worker to the single PU of its slot.
    case core
    /// Leave scheduling to the operating system.
    case none
}
