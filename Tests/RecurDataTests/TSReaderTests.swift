import RecurTestSupport
import Testing

@testable import RecurData

/// The `.ts` reader on the archive's real files and on one broken file per error.
@Suite struct TSReaderTests {
    /// A small two-dimensional file with `lines` after the header.
    static func file(_ lines: [String], header: [String] = ["@problemName Toy", "@univariate false", "@dimensions 2", "@equalLength true", "@seriesLength 3", "@classLabel true up down"]) -> [UInt8] {
        Array((["# a comment"] + header + ["@data"] + lines).joined(separator: "\n").utf8)
    }

    static func error(_ lines: [String], header: [String]? = nil) -> String? {
        do {
            _ = try TSReader.parse(header.map { file(lines, header: $0) } ?? file(lines), file: "Toy_TRAIN.ts")
            return nil
        } catch {
            return error.description
        }
    }

    @Test func readsValuesStepMajorWithLabelsInClassLabelOrder() throws {
        let data = try TSReader.parse(Self.file(["1,2,3:4,5,6:down", " 7, 8 ,9:10,11,12:up\r"]), file: "Toy_TRAIN.ts")
        #expect(data.count == 2 && data.steps == 3 && data.features == 2 && data.classCount == 2)
        #expect(data.classNames == ["up", "down"])
        #expect(data.labels == [1, 0])
        #expect(data.lengths == nil)
        #expect(data.values == [1, 4, 2, 5, 3, 6, 7, 10, 8, 11, 9, 12])
    }

    @Test func unequalLengthsArePaddedWithZerosAndKeepTheirLengths() throws {
        let header = ["@dimensions 1", "@equalLength false", "@classLabel true a b"]
        let data = try TSReader.parse(Self.file(["1,2:a", "3,4,5,6:b", "7:a"], header: header), file: "x.ts")
        #expect(data.steps == 4 && data.lengths == [2, 4, 1])
        #expect(data.values == [1, 2, 0, 0, 3, 4, 5, 6, 7, 0, 0, 0])
    }

    @Test func eachErrorNamesTheFileTheLineAndWhatIsWrong() {
        // The header is 7 lines (a comment, 6 headers), then @data: data starts on line 9.
        #expect(Self.error(["1,2,3:4,5:up"]) == "Toy_TRAIN.ts line 9: dimension 2 has 2 values, expected 3")
        #expect(Self.error(["1,2,3:4,5,6:up", "1,2,3:4,5,6:Jumping"]) == "Toy_TRAIN.ts line 10: label 'Jumping' is not in @classLabel (up down)")
        #expect(Self.error(["1,?,3:4,5,6:up"])?.hasPrefix("Toy_TRAIN.ts line 9: dimension 1 step 2 is missing ('?')") == true)
        #expect(Self.error(["1,2,3:4,NaN,6:up"]) == "Toy_TRAIN.ts line 9: dimension 2 step 2 is NaN; values must be finite")
        #expect(Self.error(["1,2,inf:4,5,6:up"]) == "Toy_TRAIN.ts line 9: dimension 1 step 3 is inf; values must be finite")
        #expect(Self.error(["1,2,1e39:4,5,6:up"]) == "Toy_TRAIN.ts line 9: dimension 1 step 3 is 1e39; values must be finite")
        #expect(Self.error(["1,x,3:4,5,6:up"]) == "Toy_TRAIN.ts line 9: dimension 1 step 2: 'x' is not a number")
        #expect(Self.error(["1,2,3:up"]) == "Toy_TRAIN.ts line 9: 1 dimensions and a label, expected 2 dimensions then the label")
        #expect(Self.error(["1,,3:4,5,6:up"]) == "Toy_TRAIN.ts line 9: dimension 1 step 2 is empty")
        #expect(Self.error([":4,5,6:up"]) == "Toy_TRAIN.ts line 9: dimension 1 has no values")
        #expect(Self.error(["1,2,3:4,5,6:"]) == "Toy_TRAIN.ts line 9: no label after the last dimension")
        #expect(Self.error([]) == "Toy_TRAIN.ts: no series after @data")
        #expect(Self.error(["1,2,3:4,5,6:up", "@data"]) == "Toy_TRAIN.ts line 10: header line after @data")
        let unequal = ["@dimensions 2", "@equalLength false", "@classLabel true up down"]
        #expect(Self.error(["1,2,3:4,5:up"], header: unequal) == "Toy_TRAIN.ts line 6: dimension 2 has 2 values, dimension 1 has 3")
        #expect(Self.error([], header: ["@timeStamps true"]) == "Toy_TRAIN.ts line 2: @timeStamps true is not supported (series with time stamps)")
        #expect(Self.error([], header: ["@classLabel false"])?.hasPrefix("Toy_TRAIN.ts line 2: @classLabel false") == true)
        #expect(Self.error([], header: ["@targetLabel true"])?.contains("regression") == true)
        #expect(Self.error([], header: ["@classLabel true a a"]) == "Toy_TRAIN.ts line 2: label 'a' is listed twice in @classLabel")
        #expect(Self.error([], header: ["@dimensions two"]) == "Toy_TRAIN.ts line 2: @dimensions must be followed by a whole number of at least 1")
        #expect(Self.error([], header: ["@colour blue"]) == "Toy_TRAIN.ts line 2: unknown header @colour")
        #expect(Self.error(["1:a"], header: ["@dimensions 1"]) == "Toy_TRAIN.ts line 4: a series before @classLabel")
        #expect((try? TSReader.parse(Array("just text".utf8), file: "t.ts")) == nil)
        #expect((try? TSReader.parse([], file: "t.ts")) == nil)
    }

    @Test func paddingEveryShortSeriesToOneHugeOneIsRefusedBeforeAllocating() {
        let long = Array(repeating: "1", count: TSReader.maximumLength).joined(separator: ",") + ":a"
        let lines = [long] + Array(repeating: "1:b", count: 256)
        let error = Self.error(lines, header: ["@dimensions 1", "@equalLength false", "@classLabel true a b"])
        #expect(error == "Toy_TRAIN.ts: 257 series padded to the longest (1048576 steps) of 1 dimensions need more than 268435456 values")
    }

    @Test func theArchiveFilesReadWithTheirShapes() throws {
        for (name, dimensions, lengths, classes, train, test) in [
            ("BasicMotions", 6, 100...100, 4, 40, 40), ("JapaneseVowels", 12, 7...29, 9, 270, 370), ("GunPoint", 1, 150...150, 2, 50, 150),
        ] {
            let folder = try Fixtures.requireUEA(name)
            let trainData = try TSReader.read(path: "\(folder)/\(name)_TRAIN.ts")
            let testData = try TSReader.read(path: "\(folder)/\(name)_TEST.ts")
            #expect(trainData.count == train && testData.count == test, "\(name)")
            #expect(trainData.features == dimensions && trainData.classCount == classes, "\(name)")
            let allLengths = (0..<trainData.count).map(trainData.length(of:)) + (0..<testData.count).map(testData.length(of:))
            #expect(allLengths.min() == lengths.lowerBound && allLengths.max() == lengths.upperBound, "\(name)")
            #expect(trainData.classNames == testData.classNames)
            #expect(Set(trainData.labels).count == classes, "\(name)")
        }
        let gunPoint = try TSReader.read(path: try Fixtures.requireUEA("GunPoint") + "/GunPoint_TRAIN.ts")
        #expect(gunPoint.classNames == ["1", "2"])
        #expect(gunPoint.values[0] == -0.6478854)
    }

    @Test func theIssuesExampleErrorOnARealFile() throws {
        let folder = try Fixtures.requireUEA("GunPoint")
        var lines = String(decoding: try DataFile.read("\(folder)/GunPoint_TRAIN.ts"), as: UTF8.self)
            .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let line57 = lines[56]
        let fields = line57.split(separator: ":")
        lines[56] = fields[0].split(separator: ",").dropLast().joined(separator: ",") + ":" + fields[1]
        let error = #expect(throws: DataError.self) {
            try TSReader.parse(Array(lines.joined(separator: "\n").utf8), file: "GunPoint_TRAIN.ts")
        }
        #expect(error?.description == "GunPoint_TRAIN.ts line 57: dimension 1 has 149 values, expected 150")
    }
}
