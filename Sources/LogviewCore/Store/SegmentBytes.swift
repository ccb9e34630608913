#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// The bytes of one physical log file (or a decompressed `.gz`, or records held in memory), for the
/// life of the index.
///
/// Entries refer to these bytes by offset; text is only made from them for rows shown or printed.
/// A plain file is not copied into the heap: the segment keeps a read-only descriptor and bytes
/// are read back with `pread` (through a `SegmentReader`) when a row is shown or printed. Data
/// with no plain file behind it (decompressed `.gz`, journal and remote records, live batches)
/// is held in memory, at a stable pointer.
public final class SegmentBytes: @unchecked Sendable {
    private enum Storage {
        case memory(UnsafeRawBufferPointer, release: @Sendable (UnsafeRawBufferPointer) -> Void)
        /// A read-only descriptor owned by the segment; the segment's byte 0 is the file's `start`.
        case file(descriptor: Int32, start: Int64, path: String)
    }

    private let storage: Storage
    public let count: Int
    /// Names the segment in readers' windows: an address can be reused after a segment is freed.
    let serial = SegmentBytes.serials.wrappingAdd(1, ordering: .relaxed).oldValue
    /// Set once the file was truncated or rewritten in place: its offsets no longer hold the
    /// indexed bytes, so every read answers as if the bytes were gone (readers show the placeholder).
    private let stale = Atomic<Bool>(false)

    /// Takes ownership of `bytes`; `release` runs once when the segment is freed (free, munmap).
    public init(bytes: UnsafeRawBufferPointer, release: @escaping @Sendable (UnsafeRawBufferPointer) -> Void) {
        storage = .memory(bytes, release: release)
        count = bytes.count
    }

    /// Copies an array (tests, decompressed data).
    public convenience init(copying array: [UInt8]) {
        let p = UnsafeMutableRawBufferPointer.allocate(byteCount: max(array.count, 1), alignment: 16)
        array.withUnsafeBytes { src in if src.count > 0 { p.copyMemory(from: src) } }
        // The release closure gets the same base pointer back; deallocating it frees the allocation.
        self.init(bytes: UnsafeRawBufferPointer(rebasing: p[0..<array.count])) { b in
            UnsafeMutableRawPointer(mutating: b.baseAddress)?.deallocate()
        }
    }

    /// Bytes `start..<start + count` of the file open on `descriptor`, which the segment now owns
    /// (closed when the segment is freed). logview only reads it; `path` names it in the
    /// placeholder shown when the file lost bytes under us.
    public init(file descriptor: Int32, start: Int64 = 0, count: Int, path: String) {
        storage = .file(descriptor: descriptor, start: start, path: path)
        self.count = count
        SegmentBytes.descriptorsHeld.add(1, ordering: .relaxed)
    }

    deinit {
        switch storage {
        case .memory(let bytes, let release): release(bytes)
        case .file(let fd, _, _):
            close(fd)
            SegmentBytes.descriptorsHeld.subtract(1, ordering: .relaxed)
        }
    }

    /// Descriptors file-backed segments hold now (loaders keep under the process's limit with it).
    public static var openDescriptors: Int { descriptorsHeld.load(ordering: .relaxed) }
    private static let descriptorsHeld = Atomic<Int>(0)

    /// The bytes when they are held in memory; nil for a file-backed segment (read those through
    /// a `SegmentReader` or `read(into:at:)`).
    public var memory: UnsafeRawBufferPointer? {
        if case .memory(let bytes, _) = storage { return bytes }
        return nil
    }

    public var isFileBacked: Bool { memory == nil }

    /// True once `markStale` was called: reads return nothing, readers show the placeholder.
    @inline(__always)
    public var isStale: Bool { stale.load(ordering: .relaxed) }

    /// Marks a file-backed segment whose file was truncated (copytruncate) or rewritten under us:
    /// the same offsets now hold other text, which must not be shown under the old entries.
    public func markStale() {
        if isFileBacked { stale.store(true, ordering: .relaxed) }
    }

    /// The device and inode of the file behind a file-backed segment; nil for one in memory.
    public var fileIdentity: (device: UInt64, inode: UInt64)? {
        guard case .file(let fd, _, _) = storage else { return nil }
        var st = stat()
        guard fstat(fd, &st) == 0 else { return nil }
        return (UInt64(st.st_dev), UInt64(st.st_ino))
    }

    /// Copies bytes from `offset` into `buffer` (up to its size and the segment's end) and returns
    /// how many were copied: fewer than asked only when the file shrank under us. Wraps `pread`.
    public func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int) -> Int {
        let wanted = min(buffer.count, max(0, count - offset))
        guard wanted > 0, let base = buffer.baseAddress else { return 0 }
        switch storage {
        case .memory(let bytes, _):
            base.copyMemory(from: bytes.baseAddress! + offset, byteCount: wanted)
            return wanted
        case .file(let fd, let start, _):
            if isStale { return 0 }
            return SegmentBytes.readFully(fd, into: UnsafeMutableRawBufferPointer(start: base, count: wanted),
                at: start + Int64(offset))
        }
    }

    /// `pread` until `buffer` is full or the file ends (retried on EINTR); returns the bytes read.
    public static func readFully(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer, at offset: Int64) -> Int {
        guard let base = buffer.baseAddress else { return 0 }
        var done = 0
        while done < buffer.count {
            let n = pread(fd, base + done, buffer.count - done, off_t(offset + Int64(done)))
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            done += n
        }
        return done
    }

    /// The bytes from `offset` to the end as a segment of their own, sharing nothing that frees:
    /// a file-backed one gets its own descriptor (nil if none can be had), a memory one a copy.
    public func suffix(from offset: Int) -> SegmentBytes? { slice(offset..<count) }

    /// Bytes `range` as a segment of their own (see `suffix`).
    public func slice(_ range: Range<Int>) -> SegmentBytes? {
        let lower = min(max(0, range.lowerBound), count), upper = min(max(lower, range.upperBound), count)
        switch storage {
        case .memory(let bytes, _):
            return SegmentBytes(copying: Array(bytes[lower..<upper]))
        case .file(let fd, let start, let path):
            let own = fcntl(fd, F_DUPFD_CLOEXEC, 0)
            guard own >= 0 else { return nil }
            return SegmentBytes(file: own, start: start + Int64(lower), count: upper - lower, path: path)
        }
    }

    /// Newlines from `start` to before `offset`, counted a block at a time, 16 bytes a step (line
    /// numbers of a part).
    public func newlines(from start: Int = 0, before offset: Int) -> Int {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { buffer.deallocate() }
        var n = 0, at = max(0, start)
        while at < min(offset, count) {
            let got = read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[0..<min(buffer.count, offset - at)]), at: at)
            if got == 0 { break }
            n += ByteCount.occurrences(of: 0x0A, in: UnsafeRawBufferPointer(rebasing: buffer[0..<got]))
            at += got
        }
        return n
    }

    /// The position of the first newline at or after `offset`, read in small blocks; nil if none.
    public func firstNewline(from offset: Int) -> Int? {
        var buffer = [UInt8](repeating: 0, count: 16 << 10)
        var at = offset
        while at < count {
            let got = buffer.withUnsafeMutableBytes { read(into: $0, at: at) }
            if got == 0 { return nil }
            if let nl = buffer[0..<got].firstIndex(of: 0x0A) { return at + nl }
            at += got
        }
        return nil
    }

    /// The first `n` bytes (or all, if fewer): a format sample, a magic number.
    public func prefix(_ n: Int) -> [UInt8] {
        let wanted = min(n, count)
        return [UInt8](unsafeUninitializedCapacity: wanted) { buffer, initialized in
            initialized = read(into: UnsafeMutableRawBufferPointer(buffer), at: 0)
        }
    }

    /// What `count` bytes of an entry read as when the file no longer has them (truncated or
    /// replaced in place after it was indexed): one line saying so, instead of a crash. Never
    /// `count` bytes long, so readers can tell it from the entry (`SourceIndex.messageStart`).
    func missingBytesText(insteadOf count: Int) -> [UInt8] {
        guard case .file(_, _, let path) = storage else { return [] }
        let text = Array("[logview: \(path) changed on disk; this entry's bytes are gone]".utf8)
        return text.count == count ? text + [0x20] : text
    }
}

/// One file of a source: where its bytes came from and the bytes.
public struct Segment: Sendable {
    /// The path shown to people and in JSON `file` (the `.gz` path for decompressed data).
    public var path: String
    public var data: SegmentBytes
    /// Last modification time; completes year-less timestamps and dates orphan lines.
    public var modified: Timestamp
    /// The number of the segment's first line in its file (a part of a file read for a window).
    public var firstLine = 1

    public init(path: String, data: SegmentBytes, modified: Timestamp) {
        self.path = path
        self.data = data
        self.modified = modified
    }
}
