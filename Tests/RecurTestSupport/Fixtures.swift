import Foundation
import Testing

/// Where the tests find the package and the reference material that is not
/// in the repository: PyTorch fixtures and MNIST.
///
/// A test that needs one asks with ``require(_:environment:sourceLocation:)``
/// or ``requireMNIST(environment:sourceLocation:)``. When it is missing the
/// test never passes silently: with `CI=true` it fails with a
/// ``Missing`` error that says how to make the file; otherwise it prints
/// that message as a warning line and is cancelled (shown as skipped).
public enum Fixtures {
    /// The package's root folder, found from this source file's path.
    public static var packageRoot: String {
        // .../<root>/Tests/RecurTestSupport/Fixtures.swift
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .path
    }

    /// `../shared` next to the package root.
    public static var sharedPath: String {
        URL(fileURLWithPath: packageRoot).deletingLastPathComponent().appendingPathComponent("shared").path
    }

    /// The folders a fixture is looked for in, in order: only
    /// `$RECUR_FIXTURES` when it is set (and not empty), else
    /// `../shared/fixtures`, then `fixtures/` under the package root (where
    /// `scripts/make-fixtures.py` writes by default).
    public static func fixtureDirectories(environment: [String: String] = ProcessInfo.processInfo.environment)
        -> [String]
    {
        if let configured = environment["RECUR_FIXTURES"], !configured.isEmpty { return [absolute(configured)] }
        return [sharedPath + "/fixtures", packageRoot + "/fixtures"]
    }

    /// The path of the fixture file `name` in the first of
    /// ``fixtureDirectories(environment:)`` that holds it, or nil.
    public static func fixture(
        _ name: String, environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> String? {
        fixtureDirectories(environment: environment).map { $0 + "/" + name }
            .first { FileManager.default.fileExists(atPath: $0) }
    }

    /// The MNIST folders looked in, in order: `$MNIST_DIR` when set, then `../shared/data/mnist`.
    public static func mnistDirectories(environment: [String: String] = ProcessInfo.processInfo.environment)
        -> [String]
    {
        let configured = environment["MNIST_DIR"].flatMap { $0.isEmpty ? nil : absolute($0) }
        return (configured.map { [$0] } ?? []) + [sharedPath + "/data/mnist"]
    }

    /// The four MNIST files (each may also be uncompressed, without `.gz`).
    public static let mnistFiles = [
        "train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte",
    ]

    /// The first of ``mnistDirectories(environment:)`` that holds the four MNIST files, or nil.
    public static func mnistDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        mnistDirectories(environment: environment).first { directory in
            mnistFiles.allSatisfy { name in
                [name + ".gz", name].contains { FileManager.default.fileExists(atPath: directory + "/" + $0) }
            }
        }
    }

    /// What a test needed and did not find, with how to make it.
    public struct Missing: Error, CustomStringConvertible {
        public var description: String
    }

    /// Whether a missing fixture or MNIST fails the test: when `CI` is `true`.
    public static func missingFails(environment: [String: String] = ProcessInfo.processInfo.environment) -> Bool {
        environment["CI"] == "true"
    }

    /// The path of the fixture `name` (see ``fixtureDirectories(environment:)``).
    /// - Throws: ``Missing`` when it is absent and ``missingFails(environment:)``;
    ///   otherwise prints the same message and cancels the running test.
    @discardableResult
    public static func require(
        _ name: String, environment: [String: String] = ProcessInfo.processInfo.environment,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> String {
        if let path = fixture(name, environment: environment) { return path }
        let places = fixtureDirectories(environment: environment).joined(separator: ", ")
        try unavailable(
            "PyTorch fixture \(name) not found (looked in \(places)); make it with "
                + "`python3 scripts/make-fixtures.py` (writes fixtures/) or point RECUR_FIXTURES at a folder holding it",
            environment: environment, sourceLocation: sourceLocation)
    }

    /// The MNIST folder (see ``mnistDirectories(environment:)``).
    /// - Throws: as ``require(_:environment:sourceLocation:)``.
    @discardableResult
    public static func requireMNIST(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> String {
        if let directory = mnistDirectory(environment: environment) { return directory }
        let places = mnistDirectories(environment: environment).joined(separator: ", ")
        try unavailable(
            "MNIST not found (looked in \(places)); set MNIST_DIR to a folder with the four IDX files, "
                + "or fetch them with `scripts/fetch-mnist.sh DIR` and set MNIST_DIR=DIR",
            environment: environment, sourceLocation: sourceLocation)
    }

    /// The folder of the UEA/UCR data set `name` (`BasicMotions`, `JapaneseVowels`, `GunPoint`):
    /// `$UEA_DIR/name` when `UEA_DIR` is set, else `../shared/data/uea/name`.
    /// - Throws: as ``require(_:environment:sourceLocation:)``.
    @discardableResult
    public static func requireUEA(
        _ name: String, environment: [String: String] = ProcessInfo.processInfo.environment,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> String {
        let root = environment["UEA_DIR"].flatMap { $0.isEmpty ? nil : absolute($0) } ?? sharedPath + "/data/uea"
        let folder = root + "/" + name
        if FileManager.default.fileExists(atPath: folder + "/\(name)_TRAIN.ts") { return folder }
        try unavailable(
            "UEA data set \(name) not found in \(root) (expected \(name)/\(name)_TRAIN.ts and _TEST.ts); "
                + "set UEA_DIR to a folder holding it (aeon ships the files in aeon/datasets/data/)",
            environment: environment, sourceLocation: sourceLocation)
    }

    /// Prints `message` and cancels the test: for what CI itself lacks (PyTorch), never a silent pass.
    public static func skip(_ message: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> Never {
        print("warning: ⚠️ SKIPPED at \(sourceLocation.fileID):\(sourceLocation.line): \(message)")
        try Test.cancel(Comment(rawValue: message), sourceLocation: sourceLocation)
    }

    /// Throws `message` as ``Missing`` under CI; otherwise prints it and cancels the test.
    private static func unavailable(
        _ message: String, environment: [String: String], sourceLocation: SourceLocation
    ) throws -> Never {
        if missingFails(environment: environment) { throw Missing(description: message + " (CI=true: failing)") }
        print("warning: ⚠️ SKIPPED at \(sourceLocation.fileID):\(sourceLocation.line): \(message)")
        try Test.cancel(Comment(rawValue: message), sourceLocation: sourceLocation)
    }

    /// `path` made absolute against the current directory and standardised,
    /// so it still names the same place for a process started elsewhere.
    private static func absolute(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.path
    }
}
