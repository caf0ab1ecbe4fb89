import RecurCore

/// This build's implementation of ``ComputeBackend``.
public struct Backend: ComputeBackend {
    public init() {}

    public var name: String { backendName }
    public var vectorWidth: Int { Vec.scalarCount }

    public func packWeights(
        layout: ParameterLayout, packedLayout: PackedLayout, parameters: UnsafePointer<Float>,
        packed: UnsafeMutablePointer<Float>, layer: Int, units: Range<Int>
    ) {
        packLayerWeights(
            layout: layout, packedLayout: packedLayout, parameters: parameters, packed: packed, layer: layer, units: units)
    }

    public func forward(_ pass: ShardPass) -> Float {
        forwardShard(pass)
    }

    public func backward(_ pass: ShardPass) {
        backwardShard(pass)
    }

    public func outputWeightGradient(
        shape: ModelShape, layout: ParameterLayout, kept: KeptOutputs, samples: Int, columns: Range<Int>,
        gradients: UnsafeMutablePointer<Float>
    ) {
        outputWeightProduct(
            shape: shape, layout: layout, logitGradient: kept.logitGradient, top: kept.top, samples: samples,
            columns: columns, gradients: gradients)
    }

    public func accumulateOutputWeightGradient(
        shape: ModelShape, layout: ParameterLayout, kept: KeptOutputs, samples: Int, columns: Range<Int>,
        gradients: UnsafeMutablePointer<Float>
    ) {
        outputWeightProduct(
            shape: shape, layout: layout, logitGradient: kept.logitGradient, top: kept.top, samples: samples,
            columns: columns, gradients: gradients, accumulate: true)
    }

    public func fmaPeakProbe(iterations: Int) -> Double {
        // The checksum is returned by the probe so the chains are not optimised away.
        PeakProbe.run(iterations: iterations).flops
    }

    public func sum(
        _ sources: UnsafePointer<UnsafeMutablePointer<Float>>, count: Int,
        into destination: UnsafeMutablePointer<Float>, range: Range<Int>
    ) {
        sumInOrder(sources, count: count, into: destination, range: range)
    }

    public func adam(
        _ step: AdamStep, parameters: UnsafeMutablePointer<Float>, gradients: UnsafePointer<Float>,
        firstMoment: UnsafeMutablePointer<Float>, secondMoment: UnsafeMutablePointer<Float>,
        range: Range<Int>
    ) {
        adamUpdate(step, parameters: parameters, gradients: gradients,
                   firstMoment: firstMoment, secondMoment: secondMoment, range: range)
    }
}
