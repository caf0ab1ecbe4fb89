/// Reads the `.ts` text format of the UEA/UCR time-series classification
/// archive, as aeon and sktime write it.
///
/// `#` lines are comments; the header lines (`@problemName`, `@univariate`,
/// `@dimensions`, `@equalLength`, `@seriesLength`, `@missing`,
/// `@timeStamps`, `@classLabel true <labels...>`, names case-insensitive)
/// come before `@data`; then one series a line, dimensions separated by `:`,
/// values by `,`, the class label last. Labels are strings, numbered in
/// `@classLabel` order. Series may differ in length (each sample keeps its
/// own), but all dimensions of one series have the same length.
///
/// Everything a file can get wrong is a ``DataError`` naming the file and
/// line: a missing value (`?`), a value that is not a finite number, a
/// dimension with another length, a label not in `@classLabel`. Files with
/// time stamps or without class labels are refused.
public enum TSReader {
    /// The longest series accepted, so a damaged file cannot ask for absurd buffers.
    public static let maximumLength = 1 << 20

    /// Reads the `.ts` file at `path`.
    /// - Throws: ``DataError`` for an unreadable file or the first problem in it.
    /// - Complexity: O(file size).
    public static func read(path: String) throws(DataError) -> Dataset {
        try parse(try DataFile.read(path), file: path)
    }

    /// The data set the `.ts` text `bytes` describe; `file` names it in errors.
    /// - Throws: ``DataError`` for the first problem.
    public static func parse(_ bytes: [UInt8], file: String) throws(DataError) -> Dataset {
        var header = Header()
        var inData = false
        var series: [[Float]] = []  // one per sample: steps x dimensions, step-major
        var seriesLengths: [Int32] = []
        var labels: [Int32] = []
        var lineNumber = 0
        var start = 0
        while start <= bytes.count {
            var end = start
            while end < bytes.count && bytes[end] != UInt8(ascii: "\n") { end += 1 }
            lineNumber += 1
            let line = trimmed(bytes, start, end)
            defer { start = end + 1 }
            if line.isEmpty || bytes[line.lowerBound] == UInt8(ascii: "#") { continue }
            func fail(_ problem: String) -> DataError { DataError(file: file, place: .line(lineNumber), problem) }
            if !inData {
                guard bytes[line.lowerBound] == UInt8(ascii: "@") else {
                    throw fail("expected a header line starting with @, a # comment or @data before the series")
                }
                let text = String(decoding: bytes[line], as: UTF8.self)
                if try header.read(text, fail: fail) { inData = true }
                continue
            }
            if bytes[line.lowerBound] == UInt8(ascii: "@") { throw fail("header line after @data") }
            let sample = try parseSeries(bytes, line, header: &header, fail: fail)
            series.append(sample.values)
            seriesLengths.append(Int32(sample.length))
            labels.append(Int32(sample.label))
        }
        guard inData else { throw DataError(file: file, "no @data line (is this a .ts file?)") }
        guard let classes = header.classLabels else {
            throw DataError(file: file, "no @classLabel line: the labels must be listed before @data")
        }
        guard let dimensions = header.dimensions, !series.isEmpty else {
            throw DataError(file: file, "no series after @data")
        }
        let steps = Int(seriesLengths.max() ?? 1)
        guard Dataset.fits(count: series.count, steps: steps, features: dimensions) else {
            throw DataError(
                file: file,
                "\(series.count) series padded to the longest (\(steps) steps) of \(dimensions) dimensions need more than \(Dataset.maximumValues) values")
        }
        let size = steps * dimensions
        var values = [Float](repeating: 0, count: series.count * size)
        for (index, sample) in series.enumerated() {
            for (offset, value) in sample.enumerated() { values[index * size + offset] = value }
        }
        return Dataset(
            steps: steps, features: dimensions, values: values, labels: labels, lengths: seriesLengths,
            classCount: classes.count, classNames: classes)
    }

    /// What the header lines said.
    struct Header {
        var dimensions: Int?
        var equalLength: Bool?
        var seriesLength: Int?
        var classLabels: [String]?
        var labelIndex: [String: Int] = [:]
        /// The length every series has when `@equalLength true` (the
        /// `@seriesLength`, or the first series').
        var fixedLength: Int?

        /// Reads one header line; returns true for `@data`.
        mutating func read(_ line: String, fail: (String) -> DataError) throws(DataError) -> Bool {
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            let key = words[0].lowercased()
            let arguments = Array(words.dropFirst())
            func flag() throws(DataError) -> Bool {
                guard arguments.count == 1, let value = Bool(arguments[0].lowercased()) else {
                    throw fail("\(words[0]) must be followed by true or false")
                }
                return value
            }
            func number() throws(DataError) -> Int {
                guard arguments.count == 1, let value = Int(arguments[0]), value >= 1 else {
                    throw fail("\(words[0]) must be followed by a whole number of at least 1")
                }
                return value
            }
            switch key {
            case "@data":
                guard arguments.isEmpty else { throw fail("@data takes no arguments") }
                return true
            case "@problemname":
                break
            case "@timestamps":
                if try flag() { throw fail("@timeStamps true is not supported (series with time stamps)") }
            case "@missing":
                _ = try flag()  // a `?` is refused where it is met, naming its place
            case "@univariate":
                let univariate = try flag()
                if univariate {
                    if let dimensions, dimensions != 1 { throw fail("@univariate true contradicts @dimensions \(dimensions)") }
                    dimensions = 1
                }
            case "@dimensions":
                let value = try number()
                if let dimensions, dimensions != value { throw fail("@dimensions \(value) contradicts @univariate true") }
                dimensions = value
            case "@equallength":
                equalLength = try flag()
            case "@serieslength":
                let value = try number()
                guard value <= TSReader.maximumLength else { throw fail("@seriesLength \(value) is larger than \(TSReader.maximumLength)") }
                seriesLength = value
            case "@classlabel":
                guard let first = arguments.first, let hasLabels = Bool(first.lowercased()) else {
                    throw fail("@classLabel must be followed by true and the labels")
                }
                guard hasLabels else {
                    throw fail("@classLabel false: the file has no class labels (only classification is supported)")
                }
                let names = Array(arguments.dropFirst())
                guard names.count >= 2 else { throw fail("@classLabel true must list at least two labels") }
                for (index, name) in names.enumerated() {
                    guard labelIndex.updateValue(index, forKey: name) == nil else {
                        throw fail("label '\(name)' is listed twice in @classLabel")
                    }
                }
                classLabels = names
            case "@targetlabel":
                throw fail("@targetLabel: regression files are not supported (only classification)")
            default:
                throw fail("unknown header \(words[0])")
            }
            return false
        }
    }

    /// One data line: its values step-major, its length and its label's index.
    private static func parseSeries(
        _ bytes: [UInt8], _ line: Range<Int>, header: inout Header, fail: (String) -> DataError
    ) throws(DataError) -> (values: [Float], length: Int, label: Int) {
        var fields: [Range<Int>] = []
        var fieldStart = line.lowerBound
        for position in line where bytes[position] == UInt8(ascii: ":") {
            fields.append(fieldStart..<position)
            fieldStart = position + 1
        }
        fields.append(fieldStart..<line.upperBound)
        guard let classes = header.classLabels else { throw fail("a series before @classLabel") }
        let dimensions = header.dimensions ?? (fields.count - 1)
        header.dimensions = dimensions
        guard fields.count == dimensions + 1, dimensions >= 1 else {
            throw fail("\(fields.count - 1) dimensions and a label, expected \(dimensions) dimensions then the label")
        }
        let labelRange = trimmed(bytes, fields[dimensions].lowerBound, fields[dimensions].upperBound)
        let label = String(decoding: bytes[labelRange], as: UTF8.self)
        guard let labelIndex = header.labelIndex[label] else {
            throw fail(label.isEmpty ? "no label after the last dimension" : "label '\(label)' is not in @classLabel (\(classes.joined(separator: " ")))")
        }
        var columns: [[Float]] = []
        columns.reserveCapacity(dimensions)
        for dimension in 0..<dimensions {
            var column: [Float] = []
            column.reserveCapacity(header.fixedLength ?? 64)
            var valueStart = fields[dimension].lowerBound
            let fieldEnd = fields[dimension].upperBound
            if trimmed(bytes, valueStart, fieldEnd).isEmpty { throw fail("dimension \(dimension + 1) has no values") }
            var position = valueStart
            while position <= fieldEnd {
                if position == fieldEnd || bytes[position] == UInt8(ascii: ",") {
                    let token = trimmed(bytes, valueStart, position)
                    let step = column.count + 1
                    if token.isEmpty { throw fail("dimension \(dimension + 1) step \(step) is empty") }
                    let text = String(decoding: bytes[token], as: UTF8.self)
                    if text == "?" {
                        throw fail("dimension \(dimension + 1) step \(step) is missing ('?'); missing values are not supported, fill or drop them first")
                    }
                    guard let value = Float(text) else {
                        throw fail("dimension \(dimension + 1) step \(step): '\(text)' is not a number")
                    }
                    guard value.isFinite else {
                        throw fail("dimension \(dimension + 1) step \(step) is \(text); values must be finite")
                    }
                    guard column.count < maximumLength else {
                        throw fail("dimension \(dimension + 1) has more than \(maximumLength) values")
                    }
                    column.append(value)
                    valueStart = position + 1
                }
                position += 1
            }
            if header.equalLength == true, let expected = header.seriesLength ?? header.fixedLength, column.count != expected {
                throw fail("dimension \(dimension + 1) has \(column.count) values, expected \(expected)")
            }
            if let first = columns.first, column.count != first.count {
                throw fail("dimension \(dimension + 1) has \(column.count) values, dimension 1 has \(first.count)")
            }
            if header.equalLength == true && header.fixedLength == nil { header.fixedLength = column.count }
            columns.append(column)
        }
        let length = columns[0].count
        var values = [Float](repeating: 0, count: length * dimensions)
        for (dimension, column) in columns.enumerated() {
            for (step, value) in column.enumerated() { values[step * dimensions + dimension] = value }
        }
        return (values, length, labelIndex)
    }

    /// `start..<end` without leading and trailing spaces, tabs and carriage returns.
    private static func trimmed(_ bytes: [UInt8], _ start: Int, _ end: Int) -> Range<Int> {
        var low = start, high = end
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0D }
        while low < high && isSpace(bytes[low]) { low += 1 }
        while high > low && isSpace(bytes[high - 1]) { high -= 1 }
        return low..<high
    }
}
