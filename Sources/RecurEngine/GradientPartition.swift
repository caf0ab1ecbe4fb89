import RecurCore

/// How a step across processes cuts the flat gradient (``ParameterLayout``)
/// for its exchange: into **slices**, the units the chain of partial sums
/// passes on one at a time (a process continues slice k while slice k - 1
/// travels), and into **parts**, one per process, the parameters that
/// process applies Adam to and then shares with the others.
///
/// Both are contiguous ranges of the flat buffer, so every message is one
/// run of memory. Slices start and end on multiples of
/// ``ParameterLayout/alignment`` (64 bytes), and the linear layer's
/// weight (`fc.weight`) lies whole in one slice: its gradient is continued
/// column block by column block over all its rows (``UpdatePlan``), which
/// touches the whole tensor, so a cut inside it would split every block.
/// The last slice also carries the loss sum, one float past the gradient.
/// Parts are near-equal runs of whole 64-byte lines; the last part takes the
/// buffer's end. Every process must use the same partition (same layout,
/// process count and slice size), which the run's start-up check compares.
public struct GradientPartition: Hashable, Sendable {
    /// Floats of the parameter buffer (``ParameterLayout/count``).
    public let parameterFloats: Int
    /// The chain's slices, in order: consecutive, covering
    /// `0..<parameterFloats + 1` (gradient, then the loss sum).
    public let slices: [Range<Int>]
    /// Each process's part, in process order: consecutive, covering
    /// `0..<parameterFloats` (a part may be empty when there are more
    /// processes than 64-byte lines).
    public let parts: [Range<Int>]
    /// Where the linear layer's weight lies, for the slice that holds it.
    public let outputWeight: Range<Int>
    /// For each part, the slice that completes it (holds its last float):
    /// once the chain's last process has that slice, it has the part's
    /// totals. Nil for an empty part.
    public let completingSlice: [Int?]

    /// Floats of the chain's messages together: the gradient and the loss sum.
    public var messageFloats: Int { parameterFloats + 1 }

    /// The default slice: 128 KiB, small enough that a chain over a handful
    /// of ranks pipelines a model of a few MB, large enough that the per-slice
    /// costs (one wake-up of the workers, one MPI message) stay small.
    public static let defaultSliceFloats = 32_768

    /// - Parameters:
    ///   - processes: how many processes share each step (at least 1).
    ///   - sliceFloats: the target slice length, rounded up to a multiple of
    ///     ``ParameterLayout/alignment``; the slice that holds `fc.weight` is
    ///     longer when the tensor is.
    /// - Complexity: O(parameters / sliceFloats + processes).
    public init(layout: ParameterLayout, processes: Int, sliceFloats: Int = Self.defaultSliceFloats) {
        precondition(processes >= 1 && sliceFloats >= 1, "a partition needs a process and a positive slice")
        let alignment = ParameterLayout.alignment
        let step = ParameterLayout.roundUp(sliceFloats)
        let count = layout.count
        let weight = layout.outputWeight.range
        var slices: [Range<Int>] = []
        var start = 0
        while start < count {
            var end = min(start + step, count)
            // Never cut fc.weight: the slice reaching into it takes all of it.
            if end > weight.lowerBound && end < weight.upperBound { end = min(ParameterLayout.roundUp(weight.upperBound), count) }
            slices.append(start..<end)
            start = end
        }
        slices[slices.count - 1] = slices[slices.count - 1].lowerBound..<(count + 1)
        let lines = count / alignment
        parts = (0..<processes).map { process in
            let first = lines * process / processes * alignment
            let end = process == processes - 1 ? count : lines * (process + 1) / processes * alignment
            return first..<end
        }
        parameterFloats = count
        outputWeight = weight
        self.slices = slices
        completingSlice = parts.map { part in part.isEmpty ? nil : slices.firstIndex { $0.contains(part.upperBound - 1) } }
    }
}
