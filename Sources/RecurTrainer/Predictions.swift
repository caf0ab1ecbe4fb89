#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import RecurCore
import RecurData
import RecurRuntime

/// What `recur predict` computes: for every sample the predicted class and
/// the class probabilities (the softmax of the logits), and with labels the
/// accuracy and the confusion matrix.
public struct Predictions: Sendable {
    public var checkpoint: String
    public var model: String
    /// Where the samples came from.
    public var input: String
    /// The class names (or numbers), in the model's order.
    public var classNames: [String]
    /// Per sample, one probability per class.
    public var probabilities: [[Double]]
    /// Per sample, the most probable class (the first of equals).
    public var predicted: [Int]
    /// Per sample, its label, when the samples have labels.
    public var labels: [Int]?
    public var seconds: Double
    public var threads: Int

    /// Runs `run`'s model on its samples.
    public init(_ run: ModelRun) {
        let start = monotonicSeconds()
        let logits = run.logits()
        let classes = run.input.parameters.shape.classes
        var probabilities: [[Double]] = []
        var predicted: [Int] = []
        probabilities.reserveCapacity(run.input.data.count)
        for sample in 0..<run.input.data.count {
            let row = logits[(sample * classes)..<((sample + 1) * classes)]
            let largest = Double(row.max() ?? 0)
            let exponentials = row.map { (Double($0) - largest).exp }
            let total = exponentials.reduce(0, +)
            probabilities.append(exponentials.map { $0 / total })
            var best = 0
            for c in 1..<classes where row[row.startIndex + c] > row[row.startIndex + best] { best = c }
            predicted.append(best)
        }
        self.checkpoint = run.checkpoint.path
        self.model = run.input.parameters.shape.description
        self.input = run.origin
        self.classNames = run.classNames
        self.probabilities = probabilities
        self.predicted = predicted
        self.labels = run.hasLabels ? run.input.data.labels.map(Int.init) : nil
        self.seconds = monotonicSeconds() - start
        self.threads = run.setup.pool.count
    }

    /// The share of samples predicted as labelled, when there are labels.
    public var accuracy: Double? {
        guard let labels, !labels.isEmpty else { return nil }
        return Double(zip(labels, predicted).filter { $0 == $1 }.count) / Double(labels.count)
    }

    /// Rows the labels, columns the predictions, when there are labels.
    public var confusion: ConfusionMatrix? {
        labels.map { ConfusionMatrix(classNames: classNames, labels: $0, predicted: predicted) }
    }
}

/// Counts of samples by label (rows) and prediction (columns).
public struct ConfusionMatrix: Codable, Sendable, Equatable {
    public var classNames: [String]
    /// `counts[label][predicted]`.
    public var counts: [[Int]]

    public init(classNames: [String], labels: [Int], predicted: [Int]) {
        self.classNames = classNames
        var counts = [[Int]](repeating: [Int](repeating: 0, count: classNames.count), count: classNames.count)
        for (label, guess) in zip(labels, predicted) where label < classNames.count && guess < classNames.count {
            counts[label][guess] += 1
        }
        self.counts = counts
    }

    /// A text table: a header of predicted names, a row per label.
    public var table: String {
        let corner = "label \\ predicted"
        let width = max(corner.count, classNames.map(\.count).max() ?? 0)
        let cells = counts.flatMap { $0 }.map { "\($0)".count }.max() ?? 1
        let columns = classNames.map { max($0.count, cells) }
        func pad(_ text: String, _ n: Int, right: Bool = true) -> String {
            let fill = String(repeating: " ", count: max(0, n - text.count))
            return right ? fill + text : text + fill
        }
        var lines = [pad(corner, width, right: false) + "  " + zip(classNames, columns).map { pad($0, $1) }.joined(separator: "  ")]
        for (name, row) in zip(classNames, counts) {
            lines.append(pad(name, width, right: false) + "  " + zip(row, columns).map { pad("\($0)", $1) }.joined(separator: "  "))
        }
        return lines.joined(separator: "\n")
    }
}

extension Double {
    /// e to this power.
    fileprivate var exp: Double { _exp(self) }
}

#if canImport(Glibc) || canImport(Musl)
private func _exp(_ x: Double) -> Double { exp(x) }
#endif
