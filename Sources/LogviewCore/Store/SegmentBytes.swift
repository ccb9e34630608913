/// The bytes of one physical log file (or a decompressed `.gz`), owned for the life of the index.
///
/// Entries refer to these bytes by offset; text is only made from them for rows shown or printed.
/// The storage is a stable pointer, so scans hand out `UnsafeRawBufferPointer`s without copying.
public final class SegmentBytes: @unchecked Sendable {
    public let bytes: UnsafeRawBufferPointer
    private let release: @Sendable (UnsafeRawBufferPointer) -> Void

    /// Takes ownership of `bytes`; `release` runs once when the segment is freed (free, munmap).
    public init(bytes: UnsafeRawBufferPointer, release: @escaping @Sendable (UnsafeRawBufferPointer) -> Void) {
        self.bytes = bytes
        self.release = release
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

    deinit { release(bytes) }

    public var count: Int { bytes.count }
}

/// One file of a source: where its bytes came from and the bytes.
public struct Segment: Sendable {
    /// The path shown to people and in JSON `file` (the `.gz` path for decompressed data).
    public var path: String
    public var data: SegmentBytes
    /// Last modification time; completes year-less timestamps and dates orphan lines.
    public var modified: Timestamp

    public init(path: String, data: SegmentBytes, modified: Timestamp) {
        self.path = path
        self.data = data
        self.modified = modified
    }
}
