/// The largest element-wise `|a[i] - b[i]|`; infinity when the counts differ
/// or a difference is not a number, so a mismatch never passes a tolerance.
public func maxAbsDifference(_ a: [Float], _ b: [Float]) -> Float {
    guard a.count == b.count else { return .infinity }
    var largest: Float = 0
    for (x, y) in zip(a, b) {
        let difference = abs(x - y)
        guard !difference.isNaN else { return .infinity }
        largest = max(largest, difference)
    }
    return largest
}

/// `maxAbsDifference(a, b)` relative to the scale of the reference `b`:
/// divided by `max |b[i]|`, or by `Float.leastNormalMagnitude` when that is
/// smaller (so an all-zero reference is only matched by zeros).
public func relativeError(_ a: [Float], _ b: [Float]) -> Float {
    let scale = b.reduce(Float(0)) { max($0, abs($1)) }
    return maxAbsDifference(a, b) / max(scale, .leastNormalMagnitude)
}
