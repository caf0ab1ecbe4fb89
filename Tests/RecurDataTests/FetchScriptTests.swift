import Foundation
import RecurTestSupport
import Testing

/// `scripts/fetch-mnist.sh DIR --from MIRROR`: copies, verifies, rejects damage.
@Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: "/bin/bash"), "needs bash"))
struct FetchScriptTests {
    let script = TestFiles.packageRoot.appendingPathComponent("scripts/fetch-mnist.sh").path

    /// Runs the script with `arguments` and returns its exit status and output.
    private func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [script] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, output)
    }

    @Test func copiesAndVerifiesFromAMirror() throws {
        let mirror = try Fixtures.requireMNIST()
        let scratch = try ScratchDirectory()
        let destination = scratch.path + "/mnist"
        let first = try run([destination, "--from", mirror])
        #expect(first.status == 0, "\(first.output)")
        #expect(first.output.contains("verified"))
        let again = try run([destination, "--from", mirror])
        #expect(again.status == 0)
        #expect(again.output.components(separatedBy: "already present and valid").count == 5)
    }

    @Test func rejectsACorruptedCopy() throws {
        let mirror = try Fixtures.requireMNIST()
        let scratch = try ScratchDirectory()
        let corrupted = scratch.path + "/mirror"
        try FileManager.default.createDirectory(atPath: corrupted, withIntermediateDirectories: true)
        for name in ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte"] {
            try FileManager.default.createSymbolicLink(atPath: "\(corrupted)/\(name).gz", withDestinationPath: "\(mirror)/\(name).gz")
        }
        // A well-formed label file whose content is not MNIST's.
        try scratch.write(TestFiles.gzip(TestFiles.labels([UInt8](repeating: 3, count: 10000))), to: "mirror/t10k-labels-idx1-ubyte.gz")

        let destination = scratch.path + "/mnist"
        let result = try run([destination, "--from", corrupted])
        #expect(result.status != 0)
        #expect(result.output.contains("does not match the published SHA-256 of t10k-labels-idx1-ubyte"))
        #expect(!FileManager.default.fileExists(atPath: destination + "/t10k-labels-idx1-ubyte.gz"))
        #expect(FileManager.default.fileExists(atPath: destination + "/t10k-images-idx3-ubyte.gz"))
    }
}
