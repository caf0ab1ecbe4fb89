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
        #expect(Fixtures.fixture("no-such-fixture.safetensors") == nil)
    }

    /// `$RECUR_FIXTURES` alone when set; else `../shared/fixtures`, then `fixtures/` in the package.
    @Test func fixtureLookupOrder() throws {
        let shared = Fixtures.sharedPath + "/fixtures", local = Fixtures.packageRoot + "/fixtures"
        #expect(Fixtures.fixtureDirectories(environment: [:]) == [shared, local])
        #expect(Fixtures.fixtureDirectories(environment: ["RECUR_FIXTURES": ""]) == [shared, local])

        let directory = try TemporaryDirectory(prefix: "recur-fixtures")
        let environment = ["RECUR_FIXTURES": directory.path]
        #expect(Fixtures.fixtureDirectories(environment: environment) == [directory.path])
        #expect(Fixtures.fixture("a.safetensors", environment: environment) == nil)
        try Data([1]).write(to: URL(fileURLWithPath: directory.file("a.safetensors")))
        #expect(Fixtures.fixture("a.safetensors", environment: environment) == directory.file("a.safetensors"))
        #expect(try Fixtures.require("a.safetensors", environment: environment) == directory.file("a.safetensors"))
        // A set $RECUR_FIXTURES is the only place looked in, even for a file the default places hold.
        #expect(Fixtures.fixture("rnn-h32-l2-b8.safetensors", environment: environment) == nil)
        if FileManager.default.fileExists(atPath: shared + "/rnn-h32-l2-b8.safetensors") {
            #expect(Fixtures.fixture("rnn-h32-l2-b8.safetensors", environment: [:]) == shared + "/rnn-h32-l2-b8.safetensors")
        }
    }

    @Test func mnistLookupOrder() throws {
        let shared = Fixtures.sharedPath + "/data/mnist"
        #expect(Fixtures.mnistDirectories(environment: [:]) == [shared])
        let directory = try TemporaryDirectory(prefix: "recur-mnist")
        let environment = ["MNIST_DIR": directory.path]
        #expect(Fixtures.mnistDirectories(environment: environment) == [directory.path, shared])
        for name in Fixtures.mnistFiles.dropLast() {
            try Data([1]).write(to: URL(fileURLWithPath: directory.file(name + ".gz")))
        }
        #expect(Fixtures.mnistDirectory(environment: environment) != directory.path)
        try Data([1]).write(to: URL(fileURLWithPath: directory.file(Fixtures.mnistFiles[3])))
        #expect(Fixtures.mnistDirectory(environment: environment) == directory.path)
    }

    /// Under `CI=true` a missing fixture or MNIST is an error that says how
    /// to make it; elsewhere `require` warns and cancels the test instead.
    @Test func missingIsAFailureUnderCI() throws {
        #expect(Fixtures.missingFails(environment: ["CI": "true"]))
        #expect(!Fixtures.missingFails(environment: [:]))
        #expect(!Fixtures.missingFails(environment: ["CI": "false"]))

        let directory = try TemporaryDirectory(prefix: "recur-fixtures")
        let fixture = #expect(throws: Fixtures.Missing.self) {
            try Fixtures.require("absent.safetensors", environment: ["CI": "true", "RECUR_FIXTURES": directory.path])
        }
        let message = try #require(fixture?.description)
        #expect(message.contains("absent.safetensors") && message.contains(directory.path))
        #expect(message.contains("python3 scripts/make-fixtures.py") && message.contains("RECUR_FIXTURES"))

        // ../shared/data/mnist is always a candidate, so MNIST is only missing where that is absent.
        let environment = ["CI": "true", "MNIST_DIR": directory.path + "/none"]
        if let found = Fixtures.mnistDirectory(environment: environment) {
            #expect(try Fixtures.requireMNIST(environment: environment) == found)
        } else {
            let mnist = #expect(throws: Fixtures.Missing.self) { try Fixtures.requireMNIST(environment: environment) }
            let message = try #require(mnist?.description)
            #expect(message.contains(directory.path + "/none") && message.contains("scripts/fetch-mnist.sh"))
        }
    }
}
