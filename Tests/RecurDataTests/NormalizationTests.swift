import Testing

@testable import RecurData

/// Normalisation: fitted on real steps only, applied as fitted, and read back from its metadata.
@Suite struct NormalizationTests {
    static let data = Dataset(
        steps: 3, features: 2, values: [1, 10, 3, 30, 0, 0, 5, 50, 7, 70, 9, 90], labels: [0, 1], lengths: [2, 3], classCount: 2)

    @Test func standardUsesEachFeatureOverRealStepsOnly() throws {
        guard case .standard(let mean, let deviation) = Normalization.fit(.standard, to: Self.data) else {
            Issue.record("not standard")
            return
        }
        // Feature 0 over 1, 3, 5, 7, 9 (the padded step of sample 0 is not counted).
        #expect(mean == [5, 50])
        #expect(abs(deviation[0] - 8.0.squareRoot().float) < 1e-6 && abs(deviation[1] - 800.0.squareRoot().float) < 1e-4)
        let applied = Normalization.fit(.standard, to: Self.data).apply(to: Self.data)
        #expect(applied.values[4] == 0 && applied.values[5] == 0, "padding stays zero")
        #expect(abs(applied.values[0] + 4 / 8.0.squareRoot().float) < 1e-6)
    }

    @Test func scaleDividesByTheLargestMagnitudeOr255ForBytes() {
        #expect(Normalization.fit(.scale, to: Self.data) == .scale(divisor: 90))
        let bytes = Dataset(steps: 1, features: 2, values: [0, 255], labels: [0], classCount: 2, isBytes: true)
        #expect(Normalization.fit(.scale, to: bytes) == .scale(divisor: 255))
        // x / 255 exactly as the MNIST loader always divided.
        #expect(Normalization.scale(divisor: 255).apply(to: bytes).values == [0, 1])
        #expect(Normalization.defaultKind(for: bytes) == .scale && Normalization.defaultKind(for: Self.data) == .standard)
    }

    @Test func metadataRoundTrips() throws {
        for normalization in [Normalization.none, .scale(divisor: 3.5), Normalization.fit(.standard, to: Self.data)] {
            let metadata = normalization.metadata(forBytes: false)
            #expect(try Normalization.from(metadata: metadata, features: 2, isBytes: false) == normalization)
        }
        // MNIST's /255 writes nothing, and nothing reads as /255 for bytes, as-is otherwise.
        #expect(Normalization.scale(divisor: 255).metadata(forBytes: true).isEmpty)
        #expect(try Normalization.from(metadata: [:], features: 28, isBytes: true) == .scale(divisor: 255))
        #expect(try Normalization.from(metadata: [:], features: 2, isBytes: false) == Normalization.none)
        #expect(throws: NormalizationMetadataError.self) {
            try Normalization.from(metadata: Normalization.fit(.standard, to: Self.data).metadata(forBytes: false), features: 3, isBytes: false)
        }
        #expect(throws: NormalizationMetadataError.self) {
            try Normalization.from(metadata: ["normalize": "standard", "normalize.mean": "1,x", "normalize.std": "1,1"], features: 2, isBytes: false)
        }
        #expect(throws: NormalizationMetadataError.self) { try Normalization.from(metadata: ["normalize": "minmax"], features: 2, isBytes: false) }
    }

    @Test func classNamesRoundTripAsJSON() {
        let names = ["a", "b,c", "quote\"d", "back\\slash", "new\nline", "é"]
        #expect(ClassNames.decode(ClassNames.encode(names)) == names)
        #expect(ClassNames.decode("x, y ,z") == ["x", "y", "z"])
        #expect(ClassNames.decode("[\"a\",]") == nil && ClassNames.decode("a,,b") == nil && ClassNames.decode("[\"\\u00e9\"]") == ["é"])
    }
}

extension Double {
    fileprivate var float: Float { Float(self) }
}
