extension BenchReport {
    /// The report as a self-contained SVG image (no external fonts, styles or
    /// scripts) of two panels:
    ///
    /// - left, median samples/s against threads (a log2 axis when every thread
    ///   count is a power of two, linear otherwise), one line with markers and
    ///   min-max whiskers per batch size, the dashed ideal linear scaling from
    ///   each batch size's one-thread result, and a legend;
    /// - right, the milliseconds per step of each phase (mean over workers) as
    ///   a stacked bar per thread count, for batch size `phaseBatchSize` (the
    ///   smallest batch size when nil), with a legend of phase colours.
    ///
    /// The title names the CPU and the host; all text is escaped, so the
    /// result is well-formed XML. Markers and bar segments carry tooltips.
    ///
    /// - Throws: ``BenchReportError/unknownBatchSize(_:available:)`` when
    ///   `phaseBatchSize` is not among ``batchSizes``.
    public func svg(phaseBatchSize: Int? = nil) throws(BenchReportError) -> String {
        try BenchPlot(report: self, phaseBatchSize: phaseBatchSize).rendered()
    }
}
