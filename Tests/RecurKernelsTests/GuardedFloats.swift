#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `count` floats whose readable memory ends exactly `readableSlack` floats
/// after the last one: an inaccessible page follows, so a kernel that reads
/// further than its documented contract crashes the test instead of quietly
/// reading a neighbour's data. The slack holds NaNs, so a kernel that lets a
/// value it may read (but must not use) into a result fails too.
final class GuardedFloats {
    let pointer: UnsafeMutablePointer<Float>
    let count: Int
    private let mapping: UnsafeMutableRawPointer
    private let mappingBytes: Int

    init(_ values: [Float], readableSlack: Int = 0) {
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let bytes = (values.count + readableSlack) * MemoryLayout<Float>.stride
        let dataPages = max(1, (bytes + page - 1) / page)
        mappingBytes = (dataPages + 1) * page
        let mapped = mmap(nil, mappingBytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
        guard let mapped, mapped != UnsafeMutableRawPointer(bitPattern: -1) else {
            fatalError("mmap of \(mappingBytes) bytes failed: errno \(errno)")
        }
        let guardPage = mapped + dataPages * page
        guard mprotect(guardPage, page, PROT_NONE) == 0 else { fatalError("mprotect failed: errno \(errno)") }
        mapping = mapped
        count = values.count
        pointer = (guardPage - bytes).bindMemory(to: Float.self, capacity: values.count + readableSlack)
        pointer.update(from: values, count: values.count)
        (pointer + values.count).update(repeating: .nan, count: readableSlack)
    }

    deinit { munmap(mapping, mappingBytes) }

    var values: [Float] { Array(UnsafeBufferPointer(start: pointer, count: count)) }
    subscript(index: Int) -> Float { pointer[index] }
}
