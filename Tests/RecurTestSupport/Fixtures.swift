import Foundation

/// Where the tests find the package and the team's read-only reference
/// material (`../shared` next to the package: MNIST and PyTorch fixtures).
///
/// Paths that may be absent are optional, so a test can skip itself with
/// `.enabled(if: Fixtures.mnistDirectory != nil)` instead of failing on a
/// machine without them.
public enum Fixtures {
    /// The package's root folder, found from this source file's path.
    public static var packageRoot: String {
        // .../<root>/Tests/RecurTestSupport/Fixtures.swift
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .path
    }

    /// `../shared` next to the package root, if present.
    public static var sharedDirectory: String? {
        existingDirectory(URL(fileURLWithPath: packageRoot).deletingLastPathComponent().appendingPathComponent("shared").path)
    }

    /// `shared/fixtures` (PyTorch reference results as safetensors files), if present.
    public static var fixturesDirectory: String? {
        sharedDirectory.flatMap { existingDirectory($0 + "/fixtures") }
    }

    /// The path of the fixture file `name` (e.g. `rnn-h32-l2-b8.safetensors`), if present.
    public static func fixture(_ name: String) -> String? {
        guard let directory = fixturesDirectory else { return nil }
        let path = directory + "/" + name
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }

    /// The MNIST folder: `$MNIST_DIR` when set and present, else `shared/data/mnist` if present.
    public static var mnistDirectory: String? {
        if let configured = ProcessInfo.processInfo.environment["MNIST_DIR"], !configured.isEmpty,
            let directory = existingDirectory(configured)
        {
            return directory
        }
        return sharedDirectory.flatMap { existingDirectory($0 + "/data/mnist") }
    }

    /// `path` made absolute (against the current directory) when it is a
    /// directory, so it still names the same place for a process started
    /// elsewhere or a symbolic link; nil otherwise.
    private static func existingDirectory(_ path: String) -> String? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
            return nil
        }
        return URL(fileURLWithPath: path).standardizedFileURL.path
    }
}
