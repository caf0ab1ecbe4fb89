import RecurCore

/// How the work after the gradients are in (sum the shards, Adam, refresh
/// the transposed weights) is split between workers, so each worker does it
/// for its own blocks of parameters with no barrier in between.
///
/// An RNN block is 16 output units of one layer: those rows of `W_ih` and
/// `W_hh` and those entries of both biases, which is exactly what the
/// transposed copy of those 16 columns needs. The transposed columns of 16
/// units are one 64-byte line per row, so no two workers write the same line.
/// Linear-layer blocks are 1024 floats. Workers get contiguous runs of
/// blocks with about the same number of parameters.
public struct UpdatePlan: Hashable, Sendable {
    /// Output units of a layer that a block's rows cover, for the packed copy.
    public struct PackedRows: Hashable, Sendable {
        public var layer: Int
        public var units: Range<Int>
    }

    /// A block of parameters. Blocks hold no arrays of their own (their
    /// ranges are a slice of ``ranges``), so walking them on every step costs
    /// no reference counting on shared memory.
    public struct Block: Hashable, Sendable {
        /// Which of ``UpdatePlan/ranges`` this block updates.
        public var rangeIndices: Range<Int>
        /// The transposed columns to refresh afterwards, for RNN blocks.
        public var packed: PackedRows?
    }

    public static let unitsPerBlock = 16
    public static let floatsPerLinearBlock = 1024

    public let blocks: [Block]
    /// Ranges of the flat parameter buffer, block after block.
    public let ranges: [Range<Int>]
    /// The blocks of each worker, as a range of ``blocks``.
    public let assignment: [Range<Int>]

    /// The ranges of the flat parameter buffer that `block` updates.
    public func ranges(of block: Block) -> ArraySlice<Range<Int>> { ranges[block.rangeIndices] }

    public init(layout: ParameterLayout, workers: Int) {
        let shape = layout.shape
        var blocks: [Block] = []
        var ranges: [Range<Int>] = []
        func add(_ blockRanges: [Range<Int>], packed: PackedRows?) {
            blocks.append(Block(rangeIndices: ranges.count..<(ranges.count + blockRanges.count), packed: packed))
            ranges += blockRanges
        }
        for layer in 0..<shape.layers {
            let input = shape.layerInputSize(layer), hidden = shape.hidden
            let ih = layout.inputWeight(layer: layer).offset, hh = layout.recurrentWeight(layer: layer).offset
            let bih = layout.inputBias(layer: layer).offset, bhh = layout.recurrentBias(layer: layer).offset
            for first in stride(from: 0, to: hidden, by: Self.unitsPerBlock) {
                let units = first..<min(first + Self.unitsPerBlock, hidden)
                add(
                    [
                        (ih + units.lowerBound * input)..<(ih + units.upperBound * input),
                        (hh + units.lowerBound * hidden)..<(hh + units.upperBound * hidden),
                        (bih + units.lowerBound)..<(bih + units.upperBound),
                        (bhh + units.lowerBound)..<(bhh + units.upperBound),
                    ],
                    packed: PackedRows(layer: layer, units: units))
            }
        }
        for slot in [layout.outputWeight, layout.outputBias] {
            for first in stride(from: slot.offset, to: slot.range.upperBound, by: Self.floatsPerLinearBlock) {
                add([first..<min(first + Self.floatsPerLinearBlock, slot.range.upperBound)], packed: nil)
            }
        }
        self.blocks = blocks
        self.ranges = ranges
        // Worker w takes the blocks that start in its share of the parameters.
        let sizes = blocks.map { block in ranges[block.rangeIndices].reduce(0) { $0 + $1.count } }
        let total = sizes.reduce(0, +)
        var assignment: [Range<Int>] = []
        var start = 0
        var cumulative = 0
        for worker in 0..<workers {
            let limit = total * (worker + 1) / workers
            var end = start
            while end < blocks.count && (worker == workers - 1 || cumulative + sizes[end] / 2 <= limit) {
                cumulative += sizes[end]
                end += 1
            }
            assignment.append(start..<end)
            start = end
        }
        self.assignment = assignment
    }
}
