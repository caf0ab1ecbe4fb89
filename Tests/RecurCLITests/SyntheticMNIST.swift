import Foundation

/// Small, valid MNIST folders written as uncompressed IDX files, with
/// pseudo-random pixels: for runs that must be fast or need broken variants.
enum SyntheticMNIST {
    static let imageFile = "train-images-idx3-ubyte"
    static let labelFile = "train-labels-idx1-ubyte"
    static let testImageFile = "t10k-images-idx3-ubyte"
    static let testLabelFile = "t10k-labels-idx1-ubyte"

    /// Writes the four files into `directory`: `trainCount` training and
    /// `testCount` test samples, labels cycling through 0...9.
    static func write(to directory: String, trainCount: Int, testCount: Int, seed: UInt64 = 1) throws {
        try images(count: trainCount, seed: seed).write(to: URL(fileURLWithPath: "\(directory)/\(imageFile)"))
        try labels(count: trainCount).write(to: URL(fileURLWithPath: "\(directory)/\(labelFile)"))
        try images(count: testCount, seed: seed &+ 1).write(to: URL(fileURLWithPath: "\(directory)/\(testImageFile)"))
        try labels(count: testCount).write(to: URL(fileURLWithPath: "\(directory)/\(testLabelFile)"))
    }

    /// An IDX image file (magic 0x803) of `count` 28x28 images.
    static func images(count: Int, seed: UInt64) -> Data {
        var data = bigEndian([0x0000_0803, UInt32(count), 28, 28])
        var state = seed
        for _ in 0..<(count * 28 * 28) {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            data.append(UInt8(truncatingIfNeeded: state >> 56))
        }
        return data
    }

    /// An IDX label file (magic 0x801) of `count` labels `0, 1, ..., 9, 0, ...`.
    static func labels(count: Int) -> Data {
        bigEndian([0x0000_0801, UInt32(count)]) + Data((0..<count).map { UInt8($0 % 10) })
    }

    private static func bigEndian(_ words: [UInt32]) -> Data {
        Data(words.flatMap { word in [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: word >> $0) } })
    }
}
