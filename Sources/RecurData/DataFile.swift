/// Whole data files read into memory, with their failures as ``DataError``.
enum DataFile {
    /// The bytes of the regular file at `path` (at most ``FileBytes/sizeLimit``).
    /// - Throws: ``DataError`` naming `path` when it is missing, unreadable,
    ///   not a regular file or too large.
    static func read(_ path: String) throws(DataError) -> [UInt8] {
        do throws(IDXError) {
            return try FileBytes.read(path)
        } catch {
            if error.problem == .missing { throw DataError(file: path, "no such file") }
            throw DataError(error)
        }
    }

    /// The last path component of `path`.
    static func baseName(_ path: String) -> String {
        var trimmed = Substring(path)
        while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed.removeLast() }
        return trimmed.split(separator: "/").last.map(String.init) ?? String(trimmed)
    }
}
