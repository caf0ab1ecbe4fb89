import RecurCore

/// How the work after the shards are done (the batch's gradient, Adam,
/// refreshing the transposed weights) is split between workers, so each
/// worker does it for its own blocks of parameters with no barrier in between.
///
/// A recurrent block is 16 output units of one layer: those units' rows of
/// `W_ih` and `W_hh` and entries of both biases, in every gate block
/// (one range per gate and tensor), which is exactly what the transposed
/// copy of those units' columns needs. The transposed columns of 16
/// units are one 64-byte line per row, so no two workers write the same line.
/// Their gradients are the shards' gradients summed.
///
/// The linear layer's weight is split by input columns, 128 at a time across
/// all its rows: its gradient is one product over the whole batch,
/// `∂logitsᵀ·H`, computed block by block from the outputs the shards kept
/// (a 10 x 7168 gradient per shard of 4 samples would cost more memory
/// traffic than arithmetic). Its bias is one block of summed shard gradients.
/// Workers get contiguous runs of blocks with about the same number of
/// parameters.
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
        /// For blocks of the linear layer's weight, its input columns: the
        /// block's gradient is the product over the batch, not a sum of shards.
        public var outputColumns: Range<Int>? = nil
    }

    public static let unitsPerBlock = 16
    public static let columnsPerLinearBlock = 128

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
        func add(_ blockRanges: [Range<Int>], packed: PackedRows? = nil, outputColumns: Range<Int>? = nil) {
            blocks.append(Block(
                rangeIndices: ranges.count..<(ranges.count + blockRanges.count), packed: packed,
                outputColumns: outputColumns))
            ranges += blockRanges
        }
        for layer in 0..<shape.layers {
            let tensors = layout.layers[layer].all
            for first in stride(from: 0, to: shape.hidden, by: Self.unitsPerBlock) {
                let units = first..<min(first + Self.unitsPerBlock, shape.hidden)
                // The rows of these units in every gate block of every tensor of the layer.
                var blockRanges: [Range<Int>] = []
                for tensor in tensors {
                    let rowLength = tensor.shape.count == 2 ? tensor.shape[1] : 1
                    for gate in 0..<shape.cell.gateCount {
                        let row = gate * shape.hidden
                        blockRanges.append(
                            (tensor.offset + (row + units.lowerBound) * rowLength)
                                ..< (tensor.offset + (row + units.upperBound) * rowLength))
                    }
                }
                add(blockRanges, packed: PackedRows(layer: layer, units: units))
            }
        }
        let width = shape.headFeatures, weight = layout.outputWeight.offset
        for first in stride(from: 0, to: width, by: Self.columnsPerLinearBlock) {
            let columns = first..<min(first + Self.columnsPerLinearBlock, width)
            add(
                (0..<shape.classes).map { row in
                    (weight + row * width + columns.lowerBound)..<(weight + row * width + columns.upperBound)
                },
                outputColumns: columns)
        }
        add([layout.outputBias.range])
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
