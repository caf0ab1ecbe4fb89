import RecurEngine
import Foundation
import Testing

#if canImport(FoundationXML)
import FoundationXML
#endif

@testable import RecurBench

/// The elements of an XML document, each with its name and attributes.
private final class ElementCollector: NSObject, XMLParserDelegate {
    var elements: [(name: String, attributes: [String: String])] = []
    var text = ""

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String]) {
        elements.append((name, attributes))
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        text += string
    }

    /// The elements of `xml`, or nil when it is not well-formed.
    static func parse(_ xml: String) -> ElementCollector? {
        let parser = XMLParser(data: Data(xml.utf8))
        let collector = ElementCollector()
        parser.delegate = collector
        return parser.parse() ? collector : nil
    }

    func count(_ name: String, classed className: String) -> Int {
        elements.filter { $0.name == name && ($0.attributes["class"] ?? "").split(separator: " ").contains(Substring(className)) }.count
    }
}

@Suite struct ReportingSVGTests {
    @Test func svgIsWellFormedWithSeriesIdealLinesAndPhaseSegments() throws {
        let report = try ReportingFixtures.report()
        let document = try #require(ElementCollector.parse(try report.svg()))
        #expect(document.elements.first?.name == "svg")
        #expect(document.count("polyline", classed: "series") == 2)
        #expect(document.count("polyline", classed: "ideal") == 2)
        #expect(document.count("circle", classed: "marker") == 10)
        #expect(document.count("rect", classed: "segment") == 5 * StepPhase.allCases.count)
        for phase in StepPhase.allCases {
            #expect(document.count("rect", classed: "phase-\(phase.rawValue)") == 5)
        }
        for text in ["recur bench: AMD EPYC 9654 96-Core Processor on bench-host", "batch 64", "batch 256",
                     "ideal (linear from 1 thread)", "barrier wait", "Time per step by phase, batch 64", "threads (log scale)"] {
            #expect(document.text.contains(text), "missing text \(text)")
        }
        #expect(!document.elements.contains { ["script", "style", "image", "foreignObject"].contains($0.name) })
    }

    @Test func svgEscapesTextFromTheMachine() throws {
        let report = try ReportingFixtures.report(cpuModel: "Xeon <\"Max\"> & 'HBM'\u{1}")
        #expect(ElementCollector.parse("<svg><text>a & b</text></svg>") == nil, "the parser rejects unescaped text")
        let svg = try report.svg()
        let document = try #require(ElementCollector.parse(svg))
        #expect(document.text.contains("Xeon <\"Max\"> & 'HBM'  on bench-host"), "the control character becomes a space")
    }

    @Test func phasePanelShowsTheSelectedBatchSize() throws {
        let report = try ReportingFixtures.report()
        let document = try #require(ElementCollector.parse(try report.svg(phaseBatchSize: 256)))
        #expect(document.text.contains("Time per step by phase, batch 256"))
        #expect(document.count("rect", classed: "segment") == 5 * StepPhase.allCases.count)
        #expect(throws: BenchReportError.unknownBatchSize(128, available: [64, 256])) { try report.svg(phaseBatchSize: 128) }
    }

    @Test func irregularThreadCountsUseALinearAxisAndSeriesWithoutBaselineHaveNoIdealLine() throws {
        let measurements = [
            ReportingFixtures.measurement(threads: 1, batchSize: 64, median: 1000),
            ReportingFixtures.measurement(threads: 3, batchSize: 64, median: 2800),
            ReportingFixtures.measurement(threads: 6, batchSize: 64, median: 5000),
            ReportingFixtures.measurement(threads: 3, batchSize: 128, median: 2900),
            ReportingFixtures.measurement(threads: 6, batchSize: 128, median: 5400),
        ]
        let report = try BenchReport(machine: ReportingFixtures.machine(), settings: ReportingFixtures.settings, measurements: measurements)
        let document = try #require(ElementCollector.parse(try report.svg()))
        #expect(document.count("polyline", classed: "series") == 2)
        #expect(document.count("polyline", classed: "ideal") == 1)
        #expect(document.count("rect", classed: "segment") == 3 * StepPhase.allCases.count)
        #expect(!document.text.contains("log scale"))
    }

    @Test func axesGetRoundTicks() {
        #expect(PlotAxis.roundStep(1234).step == 2000)
        #expect(PlotAxis.roundStep(0.031) == (step: 0.05, digits: 2))
        #expect(PlotAxis.roundStep(7) == (step: 10, digits: 0))
        let axis = PlotAxis.linear(upTo: 19_845, start: 400, end: 100)
        #expect(axis.ticks.map(\.label) == ["0", "5000", "10000", "15000", "20000"])
        #expect(axis.pixel(0) == 400 && axis.pixel(20_000) == 100)
        let threads = PlotAxis.threads([1, 2, 4, 8, 16], start: 0, end: 100)
        #expect(threads.isLogarithmic)
        #expect(threads.ticks.map(\.label) == ["1", "2", "4", "8", "16"])
        #expect(!PlotAxis.threads([1, 3, 6], start: 0, end: 100).isLogarithmic)
    }

    /// Writes the fixture report's plot to the path in `RECUR_SAMPLE_PLOT`, for looking at it.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["RECUR_SAMPLE_PLOT"] != nil))
    func writeSamplePlot() throws {
        let path = try #require(ProcessInfo.processInfo.environment["RECUR_SAMPLE_PLOT"])
        let svg = try ReportingFixtures.report().svg()
        try svg.write(toFile: path, atomically: true, encoding: .utf8)
        #expect(ElementCollector.parse(try String(contentsOfFile: path, encoding: .utf8)) != nil)
    }
}
