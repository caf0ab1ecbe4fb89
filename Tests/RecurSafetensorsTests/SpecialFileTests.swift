import Foundation
import RecurSafetensors
import RecurTestSupport
import Testing

/// Atomic writes never replace what is not a regular file, and reads never
/// block on or run away with one. Special files are made in the test's folder.
@Suite struct SpecialFileTests {
    private func isFIFO(_ path: String) -> Bool {
        var status = stat()
        return lstat(path, &status) == 0 && status.st_mode & S_IFMT == S_IFIFO
    }

    @Test func writeRefusesAFIFOAndALinkToOne() throws {
        let directory = try TemporaryDirectory(prefix: "recur-special")
        let fifo = directory.file("pipe"), link = directory.file("link")
        try #require(mkfifo(fifo, 0o644) == 0)
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: fifo)
        for path in [fifo, link] {
            #expect(throws: FileError.self) { try AtomicFile.write(Array("x".utf8), to: path) }
        }
        #expect(isFIFO(fifo))
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == fifo)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() == ["link", "pipe"])
    }

    @Test func writeGoesThroughALinkToARegularFile() throws {
        let directory = try TemporaryDirectory(prefix: "recur-special")
        let file = directory.file("file"), link = directory.file("link")
        try Data("old".utf8).write(to: URL(fileURLWithPath: file))
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: file)
        try AtomicFile.write(Array("new".utf8), to: link)
        #expect(try String(contentsOfFile: file, encoding: .utf8) == "new")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == file)
    }

    @Test func readsRefuseFIFOsAndDevicesAtOnce() throws {
        let directory = try TemporaryDirectory(prefix: "recur-special")
        let fifo = directory.file("pipe")
        try #require(mkfifo(fifo, 0o644) == 0)
        for path in [fifo, "/dev/zero"] {
            #expect(throws: FileError.self) { try AtomicFile.readAll(path: path) }
            #expect(throws: SafetensorsReadError.self) { try SafetensorsFile.readFile(path: path) }
        }
    }

    @Test func aHugeSparseFileCostsOnlyItsHeader() throws {
        let directory = try TemporaryDirectory(prefix: "recur-special")
        let path = directory.file("sparse")
        _ = FileManager.default.createFile(atPath: path, contents: Data([16, 0, 0, 0, 0, 0, 0, 0]) + Data(#"{"a":{"dtype":"#.utf8))
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.truncate(atOffset: 40 << 30)
        try handle.close()
        let start = ContinuousClock.now
        #expect(throws: SafetensorsReadError.self) { try SafetensorsFile.readFile(path: path) }
        #expect(ContinuousClock.now - start < .seconds(2))
    }

    @Test func temporaryFileNames() {
        #expect(AtomicFile.temporaryFile(named: ".checkpoint-000000002.safetensors.tmp-123-4")?.target
            == "checkpoint-000000002.safetensors")
        #expect(AtomicFile.temporaryFile(named: ".a.tmp-123-4")?.processID == 123)
        for name in ["a.tmp-1-2", ".a.tmp-x-2", ".a.tmp-1", ".tmp-1-2", ".a.tmp-1-2-3", "checkpoint-000000002.safetensors"] {
            #expect(AtomicFile.temporaryFile(named: name) == nil, "\(name)")
        }
        #expect(!AtomicFile.isStaleTemporaryFile(named: ".a.tmp-\(getpid())-1"))
    }
}
