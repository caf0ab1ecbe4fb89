extension Topology {
    /// A multi-line report of the machine: model, packages, NUMA nodes, L3
    /// groups, caches, cores, PUs and the PUs this process may use, as
    /// aligned `label  value` lines.
    public func describe() -> String {
        var lines: [(String, String)] = []
        lines.append(("Machine", (cpuModel ?? "unknown CPU model") + " (\(source))"))
        lines.append(("Packages", String(packageCount)))
        let nodes = numaNodes.enumerated().map { index, node in
            node.memoryBytes > 0 ? "node \(index): \(Self.formatBytes(node.memoryBytes))" : "node \(index)"
        }
        lines.append(("NUMA nodes", "\(numaNodes.count) (\(nodes.joined(separator: ", ")))"))
        lines.append(("L3 groups", String(l3GroupCount)))
        lines.append(("L2 cache", l2CacheBytes.map { "\(Self.formatBytes($0)) each" } ?? "unknown"))
        lines.append(("L3 cache", l3CacheBytes.map { "\(Self.formatBytes($0)) each" } ?? "unknown"))
        lines.append(("Cores", String(cores.count)))
        let perCore = Set(cores.map(\.pus.count)).sorted()
        let perCoreText = perCore.count == 1 ? "\(perCore[0])" : "\(perCore.first ?? 0)-\(perCore.last ?? 0)"
        lines.append(("PUs", "\(puCount) (\(perCoreText) per core)"))
        let usableText = usablePUs.count == puCount ? "all" : Self.formatRanges(usablePUs.sorted())
        lines.append(("Usable", "\(usablePUs.count) of \(puCount) PUs, \(usableCores.count) of \(cores.count) cores: \(usableText)"))
        let width = lines.map(\.0.count).max() ?? 0
        return lines.map { label, value in label + String(repeating: " ", count: width - label.count + 2) + value }
            .joined(separator: "\n")
    }

    /// `[0, 1, 2, 5, 7, 8]` as `0-2,5,7-8`.
    static func formatRanges(_ sorted: [Int]) -> String {
        var parts: [String] = []
        var index = 0
        while index < sorted.count {
            var end = index
            while end + 1 < sorted.count, sorted[end + 1] == sorted[end] + 1 { end += 1 }
            parts.append(end == index ? "\(sorted[index])" : "\(sorted[index])-\(sorted[end])")
            index = end + 1
        }
        return parts.isEmpty ? "none" : parts.joined(separator: ",")
    }

    /// A byte count in the largest binary unit that keeps it at least 1,
    /// with one decimal unless it is whole: `32 MiB`, `1.5 GiB`, `512 B`.
    static func formatBytes(_ bytes: UInt64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"]
        var unit = 0
        var scale: UInt64 = 1
        while unit + 1 < units.count, bytes / scale >= 1024 {
            scale *= 1024
            unit += 1
        }
        let whole = bytes / scale
        let tenths = (bytes % scale) * 10 / scale
        return tenths == 0 && bytes % scale == 0 ? "\(whole) \(units[unit])" : "\(whole).\(tenths) \(units[unit])"
    }

    /// Rows of cells as lines with right-aligned columns two spaces apart.
    static func alignedTable(_ rows: [[String]]) -> [String] {
        let columns = rows.map(\.count).max() ?? 0
        let widths = (0..<columns).map { column in rows.map { column < $0.count ? $0[column].count : 0 }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { column, cell in String(repeating: " ", count: widths[column] - cell.count) + cell }
                .joined(separator: "  ")
        }
    }
}
