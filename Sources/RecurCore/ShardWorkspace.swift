/// Where a pass's workspace keeps what, as offsets in floats from its start,
/// for one cell and head: what the forward pass keeps for backprop through
/// time, and the backward pass's gradient buffers. Each region starts on a
/// 64-byte boundary.
///
/// Sequences are sample-major, `[samples][time][features]`, as the inputs
/// are, so one sample's steps are contiguous and every product over all time
/// steps of a pass is one matrix product. With ``ModelShape/gateRows`` `G`
/// and `hidden` `H`, per layer:
///
/// - `outputs`: `h` over every step (`H` per step); the last layer's go to
///   the pass's ``KeptOutputs/top`` instead when the head reads every step
///   and the pass keeps its outputs (then this is nil for that layer);
/// - `gates` (LSTM, GRU): the gates' activations per step (`G`), after
///   their pre-activations were summed there;
/// - `states`: an LSTM's cell state `c` (`H` per step); a GRU's recurrent
///   product `W_hh h + b_hh` (`G` per step), whose candidate part the reset
///   gate multiplies.
///
/// Then, shared by the layers in turn: two sequences of `∂loss/∂h` (`H`),
/// the gates' pre-activation gradients (`G`; for a GRU those of the input
/// side, with a second sequence for the recurrent side, which differs in the
/// candidate gate), an LSTM's `∂c` carried between steps, the scratch of a
/// transposed input weight gradient, and the head's input and gradient rows
/// for the head on the last step.
public struct ShardWorkspace: Sendable {
    public struct Layer: Hashable, Sendable {
        public let outputs: Int?
        public let gates: Int?
        public let states: Int?
    }

    public let layers: [Layer]
    /// The two sequences of `∂loss/∂h`, used in turn: one layer's, and the one it passes down.
    public let outputGradients: Int
    public let spareOutputGradients: Int
    public let gateGradients: Int?
    public let recurrentGateGradients: Int?
    public let cellGradient: Int?
    public let transposeScratch: Int
    /// `samples` x `hidden`: each sample's last-step output of the last layer
    /// (head ``ModelHead/lastStep`` without kept outputs).
    public let headInput: Int?
    /// `samples` x `hidden`: the loss's gradient by ``headInput`` (head ``ModelHead/lastStep``).
    public let headGradient: Int?
    /// `samples` x `classes`, when the pass keeps no outputs.
    public let logitGradient: Int?
    /// Floats in all, with ``ParameterLayout/alignment`` of slack for whole-vector reads.
    public let count: Int

    public init(shape: ModelShape, samples: Int, keepsOutputs: Bool) {
        var offset = 0
        func reserve(_ floats: Int) -> Int {
            defer { offset += ParameterLayout.roundUp(floats) }
            return offset
        }
        let steps = samples * shape.sequenceLength
        let hiddenSequence = steps * shape.hidden, gateSequence = steps * shape.gateRows
        let gated = shape.cell == .lstm || shape.cell == .gru
        let topInKept = keepsOutputs && shape.head == .allSteps
        let stateFloats: Int? =
            switch shape.cell {
            case .lstm: hiddenSequence
            case .gru: gateSequence
            case .rnnTanh, .rnnReLU: nil
            }
        layers = (0..<shape.layers).map { layer in
            Layer(
                outputs: topInKept && layer == shape.layers - 1 ? nil : reserve(hiddenSequence),
                gates: gated ? reserve(gateSequence) : nil,
                states: stateFloats.map(reserve))
        }
        outputGradients = reserve(hiddenSequence)
        spareOutputGradients = reserve(hiddenSequence)
        gateGradients = gated ? reserve(gateSequence) : nil
        recurrentGateGradients = shape.cell == .gru ? reserve(gateSequence) : nil
        cellGradient = shape.cell == .lstm ? reserve(samples * shape.hidden) : nil
        let widestInput = (0..<shape.layers).map(shape.layerInputSize).max() ?? 0
        transposeScratch = reserve(widestInput * shape.gateRows)
        let lastStep = shape.head == .lastStep
        headInput = lastStep && !keepsOutputs ? reserve(samples * shape.hidden) : nil
        headGradient = lastStep ? reserve(samples * shape.hidden) : nil
        logitGradient = keepsOutputs ? nil : reserve(samples * shape.classes)
        count = offset + ParameterLayout.alignment
    }
}
