import RecurEngine
extension BenchPlot {
    /// The colour of `phase`'s bar segments.
    static func colour(of phase: StepPhase) -> String {
        switch phase {
        case .forward: "#4e79a7"
        case .backward: "#f28e2b"
        case .allReduce: "#59a14f"
        case .exchange: "#b07aa1"
        case .optimizer: "#b07aa1"
        case .barrierWait: "#e15759"
        }
    }

    /// The legend of the phase panel: one box per phase.
    var phaseLegend: [LegendEntry] {
        StepPhase.allCases.map { LegendEntry(swatch: .box(colour: Self.colour(of: $0)), label: $0.label) }
    }

    /// The right panel: for each thread count of ``phaseSeries``, a bar of
    /// milliseconds per step (mean over workers) stacked from one segment per
    /// phase (`class="segment phase-<name>"`, in ``StepPhase`` order from the
    /// bottom), labelled with its total.
    func drawPhasePanel(into svg: inout SVGDocument) {
        let area = Self.phasesArea
        let results = phaseSeries.results
        let highest = results.map { $0.phases.total * 1000 }.max() ?? 0
        let timeAxis = PlotAxis.linear(upTo: highest * 1.08, start: Self.plotBottom, end: Self.plotTop)
        let slot = (area.right - area.left) / Double(max(results.count, 1))
        let barWidth = min(56, slot * 0.6)

        drawPanelTitle("Time per step by phase, \(phaseSeries.label)", area: area, into: &svg)
        drawValueAxis(timeAxis, title: "ms per step (mean over workers)", area: area, into: &svg)
        for (index, result) in results.enumerated() {
            let centre = area.left + slot * (Double(index) + 0.5)
            drawHorizontalTick("\(result.configuration.threads)", x: centre, into: &svg)
            var bottom = 0.0
            svg.group("g", [("class", "bar")]) { svg in
                for phase in StepPhase.allCases {
                    let milliseconds = result.phases[phase] * 1000
                    let top = timeAxis.pixel(bottom + milliseconds), base = timeAxis.pixel(bottom)
                    svg.add("rect", [("class", "segment phase-\(phase.rawValue)"), ("x", SVGDocument.number(centre - barWidth / 2)),
                                     ("y", SVGDocument.number(top)), ("width", SVGDocument.number(barWidth)),
                                     ("height", SVGDocument.number(base - top)), ("fill", Self.colour(of: phase))],
                            tooltip: "\(result.configuration.threads) threads, \(phase.label): "
                                + "\(DecimalFormat.fixed(milliseconds, digits: 3)) ms per step "
                                + "(slowest worker \(DecimalFormat.fixed(result.phasesMax[phase] * 1000, digits: 3)) ms)")
                    bottom += milliseconds
                }
            }
            svg.add("text", [("x", SVGDocument.number(centre)), ("y", SVGDocument.number(timeAxis.pixel(bottom) - 5)),
                             ("text-anchor", "middle"), ("font-size", "10"), ("fill", "#333")],
                    text: DecimalFormat.fixed(bottom, digits: timeAxis.labelDigits + 1))
        }
        drawFrame(area: area, horizontalTitle: "threads", into: &svg)
        drawLegend(phaseLegend, area: area, into: &svg)
    }
}
