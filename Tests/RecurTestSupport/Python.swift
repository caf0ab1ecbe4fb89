import Foundation

/// Runs `python3` for the interoperability tests (files read and written by
/// Python's `safetensors`, checkpoints loaded into PyTorch).
///
/// Suites that need it skip themselves with `.enabled(if: Python.hasSafetensors)`
/// on machines without Python or its packages.
public enum Python {
    /// A script that exited with a non-zero status.
    public struct Failure: Error, CustomStringConvertible {
        public var status: Int32
        /// Standard output and standard error together.
        public var output: String
        public var description: String { "python3 exited with status \(status): \(output)" }
    }

    /// Whether `python3` can import `safetensors` and `numpy`.
    public static let hasSafetensors: Bool = (try? run("import safetensors, numpy")) != nil

    /// Whether `python3` can also import `torch`.
    public static let hasTorch: Bool = hasSafetensors && (try? run("import torch")) != nil

    /// Runs `script` with `arguments` (its `sys.argv[1...]`); returns its standard output.
    /// - Throws: ``Failure`` with the combined output when it exits with a non-zero status,
    ///   or the error of starting the process.
    public static func run(_ script: String, arguments: [String] = []) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        guard process.terminationStatus == 0 else { throw Failure(status: process.terminationStatus, output: text) }
        return text
    }
}
