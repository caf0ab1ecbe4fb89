import RecurCore
import Testing

/// `ModelShape.flopsPerSample`, checked against sums done by hand.
@Suite struct ModelShapeTests {
    /// Layer 0 (28 in): forward 28·(28·256 + 256²) = 2,035,712 MACs, weight
    /// gradients the same, gradient through time 28·256² = 1,835,008;
    /// layer 1 (256 in): 3,670,016 three times; linear 7168·10 = 71,680 three
    /// times. 17,131,520 MACs, 34,263,040 FLOPs.
    @Test func seedModel() {
        #expect(ModelShape.mnist.flopsPerSample == 34_263_040)
    }

    /// 3 in, 5 steps, 7 units, 4 classes. One layer: 5·(21 + 49) twice, 5·49,
    /// and 35·4 three times: 1,365 MACs. A second layer adds 5·(49 + 49)
    /// twice and 5·49 twice: 1,470 more.
    @Test func smallModels() {
        let one = ModelShape(inputSize: 3, sequenceLength: 5, hidden: 7, layers: 1, classes: 4)
        #expect(one.flopsPerSample == 2 * 1_365)
        let two = ModelShape(inputSize: 3, sequenceLength: 5, hidden: 7, layers: 2, classes: 4)
        #expect(two.flopsPerSample == 2 * (1_365 + 1_470))
    }
}
