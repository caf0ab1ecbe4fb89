@_spi(Kernels) import RecurCore
import Testing

/// `ComputeBackend.sum` (`sumInOrder`): strictly left-to-right sums over a range.
@Suite struct SumInOrderTests {
    static let length = 300
    static let sentinel: Float = -7777

    /// Sums `sources` over `range` into a sentinel-filled destination.
    static func sum(_ variant: KernelVariant, _ sources: [GuardedFloats], range: Range<Int>) -> [Float] {
        let destination = GuardedFloats([Float](repeating: sentinel, count: length))
        let pointers = sources.map(\.pointer)
        pointers.withUnsafeBufferPointer { pointers in
            variant.backend.sum(pointers.baseAddress!, count: pointers.count, into: destination.pointer, range: range)
        }
        return destination.values
    }

    @Test(arguments: KernelVariant.supported)
    func matchesScalarLeftFoldToTheBit(variant: KernelVariant) {
        var random = RecurRandom(seed: 5)
        for count in [1, 2, 3, 5] {
            // Magnitudes far apart, so a different order would change the bits.
            let sources = (0..<count).map { s in
                GuardedFloats(random.floats(Self.length).map { $0 * Float(1 << (7 * s)) })
            }
            for range in [0..<300, 5..<200, 17..<18, 64..<128, 3..<67, 100..<100, 250..<300] {
                let got = Self.sum(variant, sources, range: range)
                for i in 0..<Self.length {
                    if range.contains(i) {
                        var expected = sources[0][i]
                        for s in 1..<count { expected += sources[s][i] }
                        #expect(got[i].bitPattern == expected.bitPattern, "\(variant): \(count) sources, \(range), [\(i)]")
                    } else {
                        #expect(got[i] == Self.sentinel, "\(variant): \(count) sources, \(range): wrote [\(i)]")
                    }
                }
            }
        }
    }

    /// No sources: the range is zeroed and nothing else written.
    @Test(arguments: KernelVariant.supported)
    func noSourcesZeroTheRange(variant: KernelVariant) {
        let got = Self.sum(variant, [], range: 40..<90)
        for i in 0..<Self.length {
            #expect(got[i] == ((40..<90).contains(i) ? 0 : Self.sentinel), "\(variant): [\(i)] = \(got[i])")
        }
    }
}
