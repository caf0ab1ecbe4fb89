@_spi(Kernels) import RecurCore

/// The buffers of one product, sized for its shape, with the slack the
/// kernels read past the last row, and filled with small seeded random
/// values (tanh outputs within (-0.9, 0.9)) so that repeated, accumulating
/// calls stay far from overflow and subnormals.
final class ProductOperands: @unchecked Sendable {
    let a: FloatBuffer
    let b: FloatBuffer
    let c: FloatBuffer
    /// `columns` floats, added to every row when the shape has a bias.
    let bias: FloatBuffer
    /// Tanh outputs laid out like C, read by the tanh-gradient epilogue.
    let h: FloatBuffer

    /// - Complexity: O(size of every operand).
    init(_ shape: ProductShape, seed: UInt64 = 1) {
        let slack = ParameterLayout.alignment
        var random = RecurRandom(seed: seed)
        a = Self.filled(shape.aCount + slack, within: 0.5, &random)
        b = Self.filled(shape.bCount + slack, within: 0.5, &random)
        c = Self.filled(shape.cCount + slack, within: 0.5, &random)
        bias = Self.filled(shape.columns + slack, within: 0.1, &random)
        h = Self.filled(shape.cCount + slack, within: 0.9, &random)
    }

    private static func filled(_ count: Int, within bound: Float, _ random: inout RecurRandom) -> FloatBuffer {
        let buffer = FloatBuffer(count: count)
        for i in 0..<count { buffer.pointer[i] = random.uniform(-bound, bound) }
        return buffer
    }
}
