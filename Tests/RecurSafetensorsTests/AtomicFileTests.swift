import Foundation
import RecurSafetensors
import RecurTestSupport
import Testing

@Suite struct AtomicFileTests {
    private func entries(_ directory: TemporaryDirectory) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
    }

    @Test func writesAndReplaces() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("data.bin")
        try AtomicFile.write([1, 2, 3], to: path)
        #expect(try AtomicFile.readAll(path: path) == [1, 2, 3])
        let large = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        try AtomicFile.write(large, to: path)
        #expect(try AtomicFile.readAll(path: path) == large)
        try AtomicFile.write([], to: path)
        #expect(try AtomicFile.readAll(path: path) == [])
        #expect(try entries(directory) == ["data.bin"])
    }

    @Test func aDirectoryAtThePathIsRefusedAndLeftAlone() throws {
        // A directory is never replaced: the write is refused before any temporary file is made.
        let directory = try TemporaryDirectory()
        let path = directory.file("target")
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
        try AtomicFile.write([9], to: path + "/inside")
        let error = #expect(throws: FileError.self) { try AtomicFile.write([1, 2], to: path) }
        #expect(error?.path == path)
        #expect(error?.description == "\(path): write failed: Is a directory")
        #expect(try entries(directory) == ["target"])
        #expect(try AtomicFile.readAll(path: path + "/inside") == [9])
    }

    @Test func failedOpenLeavesTheOldFile() throws {
        let directory = try TemporaryDirectory()
        let plain = directory.file("plain")
        try AtomicFile.write([5, 6], to: plain)
        // The parent is a regular file: the temporary file cannot be created.
        let error = #expect(throws: FileError.self) { try AtomicFile.write([1], to: plain + "/child") }
        #expect(error?.code == ENOTDIR)
        #expect(error?.path == plain + "/child")
        #expect(error?.description.hasSuffix("failed: Not a directory") == true)
        #expect(try AtomicFile.readAll(path: plain) == [5, 6])
        #expect(try entries(directory) == ["plain"])
    }

    @Test func missingDirectoryIsReported() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("missing/file")
        let error = #expect(throws: FileError.self) { try AtomicFile.write([1], to: path) }
        #expect(error?.code == ENOENT)
        #expect(error?.description.contains("No such file or directory") == true)
        #expect(try entries(directory) == [])
    }

    @Test func readErrorsAreClear() throws {
        let directory = try TemporaryDirectory()
        #expect(throws: FileError(path: directory.file("none"), operation: "open", code: ENOENT)) {
            try AtomicFile.readAll(path: directory.file("none"))
        }
        #expect(throws: FileError(path: directory.path, operation: "read", code: EISDIR)) {
            try AtomicFile.readAll(path: directory.path)
        }
        #expect(FileError(path: "/x", operation: "read", code: EISDIR).description == "/x: read failed: Is a directory")
        #expect(throws: FileError.self) { try SafetensorsFile.read(path: directory.file("none")) }
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/proc/self/status")))
    func readsFilesWithoutAKnownSize() throws {
        // /proc files report size 0 but have contents.
        let bytes = try AtomicFile.readAll(path: "/proc/self/status")
        #expect(String(decoding: bytes, as: UTF8.self).hasPrefix("Name:"))
    }

    @Test func concurrentWritersLeaveOneCompleteFile() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("shared.bin")
        let contents = (0..<8).map { writer in [UInt8](repeating: UInt8(writer), count: 10_000 + writer) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for bytes in contents {
                group.addTask { for _ in 0..<5 { try AtomicFile.write(bytes, to: path) } }
            }
            try await group.waitForAll()
        }
        #expect(contents.contains(try AtomicFile.readAll(path: path)))
        #expect(try entries(directory) == ["shared.bin"])
    }
}
