extension Placement {
    /// The report of `recur topology`: the machine (``Topology/describe()``)
    /// followed by one aligned row per worker (PU, core, package, NUMA node,
    /// L3 group) and, when oversubscribed, a line saying so.
    public func describe() -> String {
        var lines = [topology.describe(), ""]
        let smt = Set(slots.map(\.pu)).count > Set(slots.map(\.core)).count
        lines.append(
            "Placement of \(threads) worker\(threads == 1 ? "" : "s")"
                + (smt ? " (SMT siblings in use)" : " (one per core)") + ":")
        var rows = [["worker", "PU", "core", "package", "NUMA", "L3"]]
        for slot in slots {
            rows.append([slot.worker, slot.pu, slot.core, slot.package, slot.numaNode, slot.l3Group].map(String.init))
        }
        lines += Topology.alignedTable(rows).map { "  " + $0 }
        if oversubscribed {
            lines.append("Oversubscribed: \(threads) workers share \(topology.usablePUs.count) usable PUs.")
        }
        return lines.joined(separator: "\n")
    }
}
