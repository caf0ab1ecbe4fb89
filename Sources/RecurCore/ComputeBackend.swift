/// Everything one forward (and backward) pass over a run of consecutive
/// gradient shards reads and writes. All pointers are raw buffers owned by
/// the caller; nothing here allocates.
///
/// The pass's `samples` rows go through the data path (projections, time
/// steps, the linear layer and their gradients) together, as products with
/// `samples` rows: each row of those products is its own chain of fused
/// multiply-adds, so the bits are those of one pass per shard, and wider
/// products read each weight once for more rows. What sums over samples (the
/// loss, every weight and bias gradient) is computed shard by shard.
public struct ShardPass: @unchecked Sendable {
    public var shape: ModelShape
    public var layout: ParameterLayout
    public var packedLayout: PackedLayout
    /// The flat parameter buffer (``ParameterLayout``).
    public var parameters: UnsafePointer<Float>
    /// Transposed weights, refreshed from `parameters` (``PackedLayout``).
    public var packed: UnsafePointer<Float>
    /// `samples` x `sequenceLength` x `inputSize` floats, sample-major, and
    /// readable for ``ParameterLayout/alignment`` floats past the end (kernels
    /// read rows in whole vectors).
    public var inputs: UnsafePointer<Float>
    /// `samples` class indices in `0..<classes`.
    public var labels: UnsafePointer<Int32>
    /// Each sample's length in `1...sequenceLength`, or nil when every sample
    /// has all the steps. Steps past a sample's length never change its
    /// result: the head reads its last real step (``ModelHead/lastStep``;
    /// the head over all steps takes only full lengths), and the gradient
    /// reaching those steps is zero.
    public var lengths: UnsafePointer<Int32>?
    public var samples: Int
    /// Samples per gradient shard: the pass's samples are consecutive shards
    /// of this size (``shards``), the last one possibly short.
    public var shardSize: Int
    /// Scale of each sample's loss gradient: `1 / batch size` for a mean loss
    /// over the whole batch that this shard is part of.
    public var gradientScale: Float
    /// At least ``ShardPass/workspaceCount(shape:samples:keepsOutputs:)``
    /// floats, with `keepsOutputs` true only when ``kept`` is set.
    public var workspace: UnsafeMutablePointer<Float>
    /// One buffer of `layout.count` floats per shard, for that shard's
    /// gradient, written as ``gradientOutput`` says; padding is left
    /// untouched, and so is the linear layer's weight gradient when ``kept``
    /// is set.
    public var gradients: UnsafePointer<UnsafeMutablePointer<Float>>?
    /// Whether each shard overwrites its own buffer or adds its gradient to
    /// one running sum.
    public var gradientOutput: GradientOutput = .perShard
    /// One float per shard, each shard's summed loss, written when not nil.
    public var losses: UnsafeMutablePointer<Float>?
    /// `samples` x `classes` floats of logits, written when not nil.
    public var logits: UnsafeMutablePointer<Float>?
    /// Where the last RNN layer's outputs and the logits' gradient go when
    /// they must outlive the pass; nil keeps them in the workspace. With them
    /// kept, the backward pass leaves the linear layer's weight gradient to
    /// the caller, who computes it over the whole batch at once
    /// (``ComputeBackend/outputWeightGradient(shape:layout:kept:samples:columns:gradients:)``).
    public var kept: KeptOutputs?

    public init(
        shape: ModelShape, layout: ParameterLayout, packedLayout: PackedLayout,
        parameters: UnsafePointer<Float>, packed: UnsafePointer<Float>,
        inputs: UnsafePointer<Float>, labels: UnsafePointer<Int32>, lengths: UnsafePointer<Int32>? = nil,
        samples: Int, shardSize: Int? = nil,
        gradientScale: Float, workspace: UnsafeMutablePointer<Float>,
        gradients: UnsafePointer<UnsafeMutablePointer<Float>>?, losses: UnsafeMutablePointer<Float>? = nil,
        logits: UnsafeMutablePointer<Float>?, kept: KeptOutputs? = nil
    ) {
        self.shape = shape
        self.layout = layout
        self.packedLayout = packedLayout
        self.parameters = parameters
        self.packed = packed
        self.inputs = inputs
        self.labels = labels
        self.lengths = lengths
        self.samples = samples
        self.shardSize = max(1, shardSize ?? samples)
        self.gradientScale = gradientScale
        self.workspace = workspace
        self.gradients = gradients
        self.losses = losses
        self.logits = logits
        self.kept = kept
    }

    /// The pass's samples cut into its gradient shards.
    public var shards: ShardPlan { ShardPlan(batch: samples, shardSize: shardSize) }

    /// How the pass's shards leave their gradients in ``gradients``.
    public enum GradientOutput: Sendable, Hashable {
        /// Every shard overwrites every parameter's gradient in its own buffer.
        case perShard
        /// `gradients` names one buffer for every shard, holding the sum of
        /// the batch's shards before the pass's first: each shard adds its
        /// gradient to it, `G = G + g` element by element with `g` computed
        /// exactly as for ``perShard``, so `G` ends with the bits of summing
        /// the shards' own buffers in shard order (as ``ComputeBackend/sum(_:count:into:range:)``).
        /// `startsChain`: the pass's first shard is the batch's first and
        /// overwrites `G` instead.
        case chained(startsChain: Bool)
    }

    /// Whether shard `shard` of the pass adds its gradient to its buffer
    /// rather than overwriting it.
    @inline(__always)
    public func addsGradient(ofShard shard: Int) -> Bool {
        switch gradientOutput {
        case .perShard: false
        case .chained(let startsChain): !(startsChain && shard == 0)
        }
    }

    /// Floats of workspace a pass over `samples` needs (``ShardWorkspace``),
    /// with `keepsOutputs` true when the pass has ``kept`` buffers.
    public static func workspaceCount(shape: ModelShape, samples: Int, keepsOutputs: Bool = false) -> Int {
        ShardWorkspace(shape: shape, samples: samples, keepsOutputs: keepsOutputs).count
    }
}

/// A shard's outputs kept past its pass, as rows of batch-wide buffers: what
/// the linear layer's weight gradient over a whole batch reads.
public struct KeptOutputs: @unchecked Sendable {
    /// `samples` x ``ModelShape/headFeatures`` floats: what the linear layer
    /// read, each sample's last-layer outputs over every step or at its last step.
    /// Kernels read rows in whole vectors, so ``ParameterLayout/alignment``
    /// floats past the batch's last row must be readable.
    public var top: UnsafeMutablePointer<Float>
    /// `samples` x `classes` floats: the loss's gradient by the logits.
    public var logitGradient: UnsafeMutablePointer<Float>

    public init(top: UnsafeMutablePointer<Float>, logitGradient: UnsafeMutablePointer<Float>) {
        self.top = top
        self.logitGradient = logitGradient
    }

    /// The rows of samples `samples` of the batch.
    public func rows(_ samples: Range<Int>, shape: ModelShape) -> KeptOutputs {
        KeptOutputs(
            top: top + samples.lowerBound * shape.headFeatures,
            logitGradient: logitGradient + samples.lowerBound * shape.classes)
    }
}

/// Adam's settings and the step about to be taken, as `torch.optim.Adam`.
public struct AdamStep: Sendable, Hashable {
    public var learningRate: Double
    public var beta1: Double
    public var beta2: Double
    public var epsilon: Double
    /// 1 for the first step.
    public var step: Int

    public init(learningRate: Double, beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-8, step: Int) {
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.step = step
    }
}

/// One build of the compute kernels for one instruction set. The engine picks
/// the best one for the CPU at start-up; all of them compute the same thing.
public protocol ComputeBackend: Sendable {
    /// "avx512", "avx2" or "portable".
    var name: String { get }
    /// Floats per SIMD register of this build.
    var vectorWidth: Int { get }

    /// Writes the packed weights and the biases (``PackedLayout``) of output
    /// units `units` of recurrent layer `layer` from `parameters`: what changes
    /// when rows `units` of that layer's weights change, so workers that
    /// update disjoint rows can refresh their part without waiting for others.
    func packWeights(
        layout: ParameterLayout, packedLayout: PackedLayout, parameters: UnsafePointer<Float>,
        packed: UnsafeMutablePointer<Float>, layer: Int, units: Range<Int>)

    /// Forward pass over the pass's shards: writes each shard's summed
    /// per-sample cross-entropy loss to `pass.losses` when set and returns
    /// their sum (in shard order), writes `pass.logits` when set, and keeps
    /// what ``backward(_:)`` needs in `pass.workspace`.
    func forward(_ pass: ShardPass) -> Float

    /// Backprop through time after ``forward(_:)`` of the same pass: every
    /// parameter's gradient of each shard, written to (or, chained, added
    /// to) that shard's buffer of `pass.gradients` as
    /// ``ShardPass/gradientOutput`` says (no-op when nil).
    func backward(_ pass: ShardPass)

    /// The linear layer's weight gradient over a whole batch whose shards
    /// kept their outputs in `kept`, for inputs `columns` of the layer:
    /// `∂W[c, j] = Σ_s ∂logits[s, c] · top[s, j]` for every class `c` and `j`
    /// in `columns`, one chain of fused multiply-adds over the batch's
    /// `samples` in order, overwriting those elements of `gradients`.
    /// Workers can compute disjoint column ranges at the same time.
    func outputWeightGradient(
        shape: ModelShape, layout: ParameterLayout, kept: KeptOutputs, samples: Int, columns: Range<Int>,
        gradients: UnsafeMutablePointer<Float>)

    /// As ``outputWeightGradient(shape:layout:kept:samples:columns:gradients:)``,
    /// but the chain of fused multiply-adds starts from the values already in
    /// `gradients` rather than from zero: a batch split into consecutive
    /// runs of samples, each continuing from the previous run's result, gets
    /// the bits of the one product over the whole batch (what a reduction
    /// across processes relies on).
    func accumulateOutputWeightGradient(
        shape: ModelShape, layout: ParameterLayout, kept: KeptOutputs, samples: Int, columns: Range<Int>,
        gradients: UnsafeMutablePointer<Float>)

    /// `destination[i] = sources[0][i] + sources[1][i] + ...` for `i` in `range`,
    /// summed strictly left to right so the result does not depend on who sums;
    /// `destination` may be `sources[0]` (a running sum continued in place).
    func sum(
        _ sources: UnsafePointer<UnsafeMutablePointer<Float>>, count: Int,
        into destination: UnsafeMutablePointer<Float>, range: Range<Int>)

    /// Runs `iterations` rounds of independent vector FMA chains and returns
    /// the floating-point operations done (an FMA counts two); time the call
    /// for this build's peak FLOP/s on one core.
    func fmaPeakProbe(iterations: Int) -> Double

    /// One Adam update, as `torch.optim.Adam` (bias-corrected, epsilon added
    /// after the square root), of the elements in `range`.
    func adam(
        _ step: AdamStep, parameters: UnsafeMutablePointer<Float>, gradients: UnsafePointer<Float>,
        firstMoment: UnsafeMutablePointer<Float>, secondMoment: UnsafeMutablePointer<Float>,
        range: Range<Int>)
}
