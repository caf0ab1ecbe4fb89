import Foundation

/// A fresh, uniquely named directory under `/tmp`, removed with its contents
/// when the last reference goes away.
public final class TemporaryDirectory: Sendable {
    /// The directory's absolute path.
    public let path: String

    /// Creates the directory; `prefix` starts its name, to tell tests apart.
    public init(prefix: String = "recur-test") throws {
        var template = Array("/tmp/\(prefix)-XXXXXX".utf8CString)
        guard let created = mkdtemp(&template) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: "/tmp/\(prefix)-XXXXXX"])
        }
        path = String(cString: created)
    }

    /// The path of `name` inside the directory (the file is not created).
    public func file(_ name: String) -> String { path + "/" + name }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}
