import RecurTestSupport
import Testing

/// Expects a clean failure: exit `status` (not a crash or a hang), and a
/// first stderr line that contains every string in `mentioning`.
func expectFailure(
    _ result: CommandResult, status: Int32, mentioning needles: [String],
    sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(result.exited(with: status), "\(result)", sourceLocation: sourceLocation)
    #expect(!result.crashed, "\(result)", sourceLocation: sourceLocation)
    let message = result.errorLines.first ?? ""
    for needle in needles {
        #expect(message.contains(needle), "first stderr line lacks '\(needle)': \(result)", sourceLocation: sourceLocation)
    }
}

/// Expects a run that succeeded.
func expectSuccess(_ result: CommandResult, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(result.exited(with: 0), "\(result)", sourceLocation: sourceLocation)
}
