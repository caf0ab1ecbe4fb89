/// The SVG plot of a report: on the left, throughput against threads with
/// one line per series and its ideal linear scaling; on the right, the time
/// per step of one series split into phases, as stacked bars per thread count.
struct BenchPlot {
    /// Results that differ only in their thread count, sorted by threads.
    struct Series {
        /// The configuration its results share, with threads set to 0.
        var configuration: BenchConfiguration
        var results: [BenchResult]
        /// E.g. "batch 64", or "batch 64, pinned, shard 16, passes of 16"
        /// when pinning, shard and pass size vary across the report.
        var label: String
        var colour: String
    }

    /// An item of a legend: a line (solid or dashed, with or without a
    /// marker) or a filled box, and its label.
    struct LegendEntry {
        enum Swatch {
            case line(colour: String, dashed: Bool, marker: Bool)
            case box(colour: String)
        }

        var swatch: Swatch
        var label: String
    }

    let report: BenchReport
    let series: [Series]
    /// The series whose phases the right panel shows.
    let phaseSeries: Series

    static let width = 1200.0
    static let plotTop = 110.0
    static let plotBottom = 440.0
    static let throughputArea = (left: 90.0, right: 550.0)
    static let phasesArea = (left: 700.0, right: 1160.0)
    static let legendTop = 505.0
    static let legendRowHeight = 20.0
    static let seriesColours = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf"]

    /// Groups `report`'s results into series; the right panel shows the first
    /// series with batch size `phaseBatchSize`, or the first series when nil.
    ///
    /// - Throws: ``BenchReportError/unknownBatchSize(_:available:)`` when no
    ///   result has batch size `phaseBatchSize`.
    init(report: BenchReport, phaseBatchSize: Int?) throws(BenchReportError) {
        let pinVaries = Set(report.results.map(\.configuration.pin)).count > 1
        let shardVaries = Set(report.results.map(\.configuration.shardSize)).count > 1
        let passVaries = Set(report.results.map(\.configuration.samplesPerPass)).count > 1
        func seriesKey(_ result: BenchResult) -> BenchConfiguration {
            var key = result.configuration
            key.threads = 0
            return key
        }
        var series: [Series] = []
        let keyed = report.results.sorted {
            let a = seriesKey($0), b = seriesKey($1)
            return a == b ? $0.configuration.threads < $1.configuration.threads : BenchConfiguration.areInReportOrder(a, b)
        }
        for result in keyed {
            let key = seriesKey(result)
            if let last = series.last, last.configuration == key {
                series[series.count - 1].results.append(result)
                continue
            }
            var label = "batch \(key.batchSize)"
            if pinVaries { label += key.pin ? ", pinned" : ", unpinned" }
            if shardVaries { label += ", shard \(key.shardSize)" }
            if passVaries { label += ", passes of \(key.samplesPerPass)" }
            let colour = Self.seriesColours[series.count % Self.seriesColours.count]
            series.append(Series(configuration: key, results: [result], label: label, colour: colour))
        }
        guard let shown = series.first(where: { phaseBatchSize == nil || $0.configuration.batchSize == phaseBatchSize }) else {
            throw .unknownBatchSize(phaseBatchSize ?? 0, available: report.batchSizes)
        }
        self.report = report
        self.series = series
        self.phaseSeries = shown
    }

    /// The complete SVG document.
    func rendered() -> String {
        let rows = max(legendRows(throughputLegend, area: Self.throughputArea).count, legendRows(phaseLegend, area: Self.phasesArea).count)
        var svg = SVGDocument(width: Self.width, height: Self.legendTop + Double(rows) * Self.legendRowHeight + 10)
        svg.add("rect", [("width", "100%"), ("height", "100%"), ("fill", "white")])
        drawHeading(into: &svg)
        drawThroughputPanel(into: &svg)
        drawPhasePanel(into: &svg)
        return svg.rendered()
    }

    /// The title (CPU and host) and two subtitle lines (machine, build, model and run settings).
    private func drawHeading(into svg: inout SVGDocument) {
        let machine = report.machine, settings = report.settings
        let centre = SVGDocument.number(Self.width / 2)
        let title = "recur bench: \(machine.cpuModel) on \(machine.hostname)"
        svg.add("text", [("x", centre), ("y", "30"), ("text-anchor", "middle"), ("font-size", "18"), ("font-weight", "bold")],
                text: Self.truncated(title, to: 100))
        let peak = settings.fmaPeakGFLOPSPerCore.map { "FMA peak \(DecimalFormat.fixed($0, digits: 1)) GFLOP/s per core" }
        let subtitles = [
            "\(machine.date) · recur \(machine.recurVersion), backend \(machine.backend) · \(machine.topologySummary)",
            "\(settings.modelDescription), \(DecimalFormat.fixed(settings.flopsPerSample / 1e6, digits: 2)) MFLOP per sample · "
                + "\(settings.steps) steps after \(settings.warmup) warm-up, \(settings.repeats) repeats"
                + (settings.rounds > 1 ? " x \(settings.rounds) rounds · " : " · ")
                + (peak ?? "FMA peak not measured"),
        ]
        for (index, line) in subtitles.enumerated() {
            svg.add("text", [("x", centre), ("y", "\(52 + 17 * index)"), ("text-anchor", "middle"), ("font-size", "12"), ("fill", "#444")],
                    text: Self.truncated(line, to: 170))
        }
    }

    /// A panel's title, centred above its plot area.
    func drawPanelTitle(_ title: String, area: (left: Double, right: Double), into svg: inout SVGDocument) {
        svg.add("text", [("x", SVGDocument.number((area.left + area.right) / 2)), ("y", SVGDocument.number(Self.plotTop - 14)),
                         ("text-anchor", "middle"), ("font-size", "14"), ("font-weight", "bold")], text: title)
    }

    /// Horizontal grid lines and tick labels of `axis` (vertical), and its title.
    func drawValueAxis(_ axis: PlotAxis, title: String, area: (left: Double, right: Double), into svg: inout SVGDocument) {
        for tick in axis.ticks {
            let y = SVGDocument.number(axis.pixel(tick.unit))
            svg.add("line", [("x1", SVGDocument.number(area.left)), ("x2", SVGDocument.number(area.right)), ("y1", y), ("y2", y),
                             ("stroke", "#e3e3e3"), ("stroke-width", "1")])
            svg.add("text", [("x", SVGDocument.number(area.left - 6)), ("y", y), ("dy", "0.35em"), ("text-anchor", "end"),
                             ("font-size", "11")], text: tick.label)
        }
        let middle = SVGDocument.number((Self.plotTop + Self.plotBottom) / 2)
        let x = SVGDocument.number(area.left - 58)
        svg.add("text", [("x", x), ("y", middle), ("text-anchor", "middle"), ("font-size", "12"),
                         ("transform", "rotate(-90 \(x) \(middle))")], text: title)
    }

    /// The frame around a plot area and the title under its horizontal axis.
    func drawFrame(area: (left: Double, right: Double), horizontalTitle: String, into svg: inout SVGDocument) {
        svg.add("rect", [("x", SVGDocument.number(area.left)), ("y", SVGDocument.number(Self.plotTop)),
                         ("width", SVGDocument.number(area.right - area.left)), ("height", SVGDocument.number(Self.plotBottom - Self.plotTop)),
                         ("fill", "none"), ("stroke", "#444"), ("stroke-width", "1")])
        svg.add("text", [("x", SVGDocument.number((area.left + area.right) / 2)), ("y", SVGDocument.number(Self.plotBottom + 42)),
                         ("text-anchor", "middle"), ("font-size", "12")], text: horizontalTitle)
    }

    /// A tick label under the horizontal axis at `x`.
    func drawHorizontalTick(_ label: String, x: Double, into svg: inout SVGDocument) {
        let xText = SVGDocument.number(x)
        svg.add("line", [("x1", xText), ("x2", xText), ("y1", SVGDocument.number(Self.plotBottom)),
                         ("y2", SVGDocument.number(Self.plotBottom + 5)), ("stroke", "#444")])
        svg.add("text", [("x", xText), ("y", SVGDocument.number(Self.plotBottom + 19)), ("text-anchor", "middle"),
                         ("font-size", "11")], text: label)
    }

    /// `entries` laid out in rows under a plot area: each entry with its x
    /// offset, a new row whenever the next entry would cross the area's right edge.
    func legendRows(_ entries: [LegendEntry], area: (left: Double, right: Double)) -> [[(x: Double, entry: LegendEntry)]] {
        var rows: [[(x: Double, entry: LegendEntry)]] = [[]]
        var x = area.left
        for entry in entries {
            let width = 30 + 6.8 * Double(entry.label.count) + 18
            if x + width > area.right, !(rows.last ?? []).isEmpty {
                rows.append([])
                x = area.left
            }
            rows[rows.count - 1].append((x, entry))
            x += width
        }
        return rows
    }

    /// Draws `entries` in rows under the plot area.
    func drawLegend(_ entries: [LegendEntry], area: (left: Double, right: Double), into svg: inout SVGDocument) {
        svg.group("g", [("class", "legend")]) { svg in
            for (row, items) in legendRows(entries, area: area).enumerated() {
                let y = Self.legendTop + Self.legendRowHeight * Double(row)
                for (x, entry) in items {
                    switch entry.swatch {
                    case let .line(colour, dashed, marker):
                        var attributes = [("x1", SVGDocument.number(x)), ("x2", SVGDocument.number(x + 24)), ("y1", SVGDocument.number(y)),
                                          ("y2", SVGDocument.number(y)), ("stroke", colour), ("stroke-width", "2")]
                        if dashed { attributes.append(("stroke-dasharray", "6 4")) }
                        svg.add("line", attributes)
                        if marker {
                            svg.add("circle", [("cx", SVGDocument.number(x + 12)), ("cy", SVGDocument.number(y)), ("r", "3.5"), ("fill", colour)])
                        }
                    case let .box(colour):
                        svg.add("rect", [("x", SVGDocument.number(x + 4)), ("y", SVGDocument.number(y - 7)), ("width", "16"),
                                         ("height", "14"), ("fill", colour)])
                    }
                    svg.add("text", [("x", SVGDocument.number(x + 30)), ("y", SVGDocument.number(y)), ("dy", "0.35em"),
                                     ("font-size", "12")], text: entry.label)
                }
            }
        }
    }

    /// `text` cut to `limit` characters, ending in "…" when cut.
    static func truncated(_ text: String, to limit: Int) -> String {
        text.count <= limit ? text : String(text.prefix(limit - 1)) + "…"
    }
}
