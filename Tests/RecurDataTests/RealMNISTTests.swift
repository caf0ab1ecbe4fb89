import RecurData
import RecurTestSupport
import Testing

/// The real MNIST at `$MNIST_DIR` or `../shared/data/mnist` (see `Fixtures.requireMNIST`).
@Suite
struct RealMNISTTests {
    @Test func loadsBothSplits() throws {
        let directory = try Fixtures.requireMNIST()
        let (train, test) = try MNIST.load(directory: directory)
        #expect(train.count == 60000 && test.count == 10000)
        #expect(train.steps == 28 && train.features == 28)
        #expect(train.values.count == 60000 * 784 && test.values.count == 10000 * 784)
        #expect(Array(train.labels.prefix(5)) == [5, 0, 4, 1, 9])
        #expect(Array(test.labels.prefix(5)) == [7, 2, 1, 0, 4])

        // Pixel range over the test split and the first 5000 training images (all of it is slow in debug builds).
        for pixels in [test.values[...], train.values.prefix(5000 * 784)] {
            #expect(pixels.min() == 0 && pixels.max() == 1)
        }
        for dataset in [train, test] {
            var histogram = [Int](repeating: 0, count: 10)
            for label in dataset.labels { histogram[Int(label)] += 1 }
            #expect(histogram.reduce(0, +) == dataset.count)
            #expect(histogram.allSatisfy { $0 > dataset.count / 20 })
        }
        // The published class counts of the training set.
        #expect(train.labels.filter { $0 == 1 }.count == 6742)
        // Image 0 of the training set (a 5): row 14 has ink in its middle.
        #expect(train.values[14 * 28 + 14] > 0)
    }

    @Test func testSplitAloneMatchesTheFullLoad() throws {
        let directory = try Fixtures.requireMNIST()
        let test = try MNIST.load(.test, directory: directory)
        #expect(test.count == 10000)
        #expect(test.labels.reduce(0) { $0 + Int($1) } == 44434)
    }
}
