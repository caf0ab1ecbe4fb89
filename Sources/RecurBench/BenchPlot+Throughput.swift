extension BenchPlot {
    /// The legend of the throughput panel: one entry per series, then one for
    /// the ideal lines when any series has a one-thread result.
    var throughputLegend: [LegendEntry] {
        var entries = series.map { LegendEntry(swatch: .line(colour: $0.colour, dashed: false, marker: true), label: $0.label) }
        if series.contains(where: { $0.results.first?.configuration.threads == 1 }) {
            entries.append(LegendEntry(swatch: .line(colour: "#888", dashed: true, marker: false), label: "ideal (linear from 1 thread)"))
        }
        return entries
    }

    /// The left panel: median samples/s against threads, one polyline with
    /// markers and min-max whiskers per series (`class="series"`), and the
    /// ideal linear scaling from each series' one-thread median
    /// (`class="ideal"`, dashed, clipped to the plot area).
    func drawThroughputPanel(into svg: inout SVGDocument) {
        let area = Self.throughputArea
        let threadAxis = PlotAxis.threads(report.results.map(\.configuration.threads), start: area.left, end: area.right)
        let highest = report.results.map(\.maxSamplesPerSecond).max() ?? 0
        let rateAxis = PlotAxis.linear(upTo: highest * 1.05, start: Self.plotBottom, end: Self.plotTop)

        drawPanelTitle("Throughput against threads", area: area, into: &svg)
        drawValueAxis(rateAxis, title: "samples/s (median, whiskers min-max)", area: area, into: &svg)
        for tick in threadAxis.ticks {
            drawHorizontalTick(tick.label, x: threadAxis.pixel(tick.unit), into: &svg)
        }
        svg.group("defs", []) { svg in
            svg.group("clipPath", [("id", "throughput-area")]) { svg in
                svg.add("rect", [("x", SVGDocument.number(area.left)), ("y", SVGDocument.number(Self.plotTop)),
                                 ("width", SVGDocument.number(area.right - area.left)),
                                 ("height", SVGDocument.number(Self.plotBottom - Self.plotTop))])
            }
        }
        for line in series {
            guard let single = line.results.first, single.configuration.threads == 1 else { continue }
            let points = idealPoints(from: single.medianSamplesPerSecond, axis: threadAxis).map {
                (x: threadAxis.pixel($0.unit), y: rateAxis.pixel($0.rate))
            }
            svg.add("polyline", [("class", "ideal"), ("points", SVGDocument.points(points)), ("fill", "none"),
                                 ("stroke", line.colour), ("stroke-width", "1.5"), ("stroke-dasharray", "6 4"),
                                 ("stroke-opacity", "0.6"), ("clip-path", "url(#throughput-area)")])
        }
        for line in series {
            let points = line.results.map {
                (x: threadAxis.pixel(threadAxis.unit(threads: $0.configuration.threads)), y: rateAxis.pixel($0.medianSamplesPerSecond))
            }
            svg.add("polyline", [("class", "series"), ("points", SVGDocument.points(points)), ("fill", "none"),
                                 ("stroke", line.colour), ("stroke-width", "2")])
            for (result, point) in zip(line.results, points) {
                let x = SVGDocument.number(point.x)
                svg.add("line", [("class", "range"), ("x1", x), ("x2", x),
                                 ("y1", SVGDocument.number(rateAxis.pixel(result.minSamplesPerSecond))),
                                 ("y2", SVGDocument.number(rateAxis.pixel(result.maxSamplesPerSecond))),
                                 ("stroke", line.colour), ("stroke-width", "1.5")])
                svg.add("circle", [("class", "marker"), ("cx", x), ("cy", SVGDocument.number(point.y)), ("r", "3.5"), ("fill", line.colour)],
                        tooltip: Self.tooltip(result))
            }
        }
        drawFrame(area: area, horizontalTitle: "threads" + (threadAxis.isLogarithmic ? " (log scale)" : ""), into: &svg)
        drawLegend(throughputLegend, area: area, into: &svg)
    }

    /// Points of ideal linear scaling from one thread at `rate` samples/s to
    /// the right end of `axis`: two points on a linear axis, and every eighth
    /// of a doubling on a logarithmic one, where the line is a curve.
    private func idealPoints(from rate: Double, axis: PlotAxis) -> [(unit: Double, rate: Double)] {
        guard axis.isLogarithmic else { return [(1, rate), (axis.upper, rate * axis.upper)] }
        let eighthOfDoubling = 2.0.squareRoot().squareRoot().squareRoot()
        var points: [(unit: Double, rate: Double)] = []
        var threads = 1.0
        for step in 0...max(0, Int((axis.upper * 8).rounded(.up))) {
            points.append((Double(step) / 8, rate * threads))
            threads *= eighthOfDoubling
        }
        return points
    }

    /// E.g. "8 threads, batch 64: 8300.0 samples/s (8051.0-8466.0), speedup 5.72x, efficiency 71.5%".
    private static func tooltip(_ result: BenchResult) -> String {
        let rate = { DecimalFormat.fixed($0, digits: 1) }
        var text = "\(result.configuration): \(rate(result.medianSamplesPerSecond)) samples/s "
            + "(\(rate(result.minSamplesPerSecond))-\(rate(result.maxSamplesPerSecond)))"
        if let speedup = result.speedup, let efficiency = result.efficiency {
            text += ", speedup \(DecimalFormat.fixed(speedup, digits: 2))x, efficiency \(DecimalFormat.percent(efficiency, digits: 1))"
        }
        return text
    }
}
