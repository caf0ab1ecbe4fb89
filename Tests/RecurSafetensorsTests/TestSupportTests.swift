import Foundation
import RecurTestSupport
import Testing

/// The shared helpers every test target uses.
@Suite struct TestSupportTests {
    @Test func floatComparisons() {
        #expect(maxAbsDifference([1, 2, 3], [1, 2.5, 2]) == 1)
        #expect(maxAbsDifference([1], [1, 2]) == .infinity)
        #expect(maxAbsDifference([.nan], [1]) == .infinity)
        #expect(relativeError([1, 2, 3], [1, 2.5, 4]) == 0.25)
        #expect(relativeError([0, 0], [0, 0]) == 0)
        #expect(relativeError([1e-30], [0]) > 1)
    }

    @Test func temporaryDirectoryIsRemoved() throws {
        var path = ""
        do {
            let directory = try TemporaryDirectory()
            path = directory.path
            #expect(path.hasPrefix("/tmp/recur-test-"))
            try Data([1]).write(to: URL(fileURLWithPath: directory.file("a")))
            #expect(FileManager.default.fileExists(atPath: directory.file("a")))
        }
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test func packageRootHoldsTheManifest() {
        #expect(FileManager.default.fileExists(atPath: Fixtures.packageRoot + "/Package.swift"))
        if let fixtures = Fixtures.fixturesDirectory {
            #expect(Fixtures.fixture("rnn-h32-l2-b8.safetensors") == fixtures + "/rnn-h32-l2-b8.safetensors")
        }
        #expect(Fixtures.fixture("no-such-fixture.safetensors") == nil)
    }
}
