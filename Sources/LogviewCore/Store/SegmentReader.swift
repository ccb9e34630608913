#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// Reads entries' bytes out of segments for one thread, through a few read windows.
///
/// An in-memory segment is answered in place. A file-backed one is read with `pread` into a
/// window kept per segment, so rows read in file order (printing, scrolling, a filter pass) cost
/// one `pread` per window rather than one per entry. A window starts small after a jump (a
/// request's scattered entries) and grows to `windowBytes` while reads go forward. An entry the
/// file no longer holds whole (truncated under us, or its segment marked stale) reads as a
/// one-line placeholder.
///
/// Not thread-safe: each thread uses its own (`current`).
public final class SegmentReader {
    private struct Window {
        var serial: UInt64 = 0
        var start = 0
        var count = 0
        var buffer = UnsafeMutableRawBufferPointer(start: nil, count: 0)
        var lastUse: UInt64 = 0
    }

    public let windowBytes: Int
    /// The first read after a jump.
    let smallBytes: Int
    private var windows: [Window]
    private var clock: UInt64 = 0
    private var placeholder = UnsafeMutableRawBufferPointer(start: nil, count: 0)
    /// Set while a `withBytes` body runs: a nested read must not refill the window the body reads.
    private var busy = false

    /// `windows`: segments read at once without evicting each other (one per merged source).
    public init(windowBytes: Int = 512 << 10, windows: Int = 8) {
        self.windowBytes = max(1, windowBytes)
        smallBytes = min(self.windowBytes, 16 << 10)
        self.windows = Array(repeating: Window(), count: max(1, windows))
    }

    deinit {
        for w in windows { w.buffer.deallocate() }
        placeholder.deallocate()
    }

    /// The reader of the calling thread (made on first use, freed when the thread ends).
    public static var current: SegmentReader {
        if let p = pthread_getspecific(threadReaderKey) {
            return Unmanaged<SegmentReader>.fromOpaque(p).takeUnretainedValue()
        }
        let reader = SegmentReader()
        pthread_setspecific(threadReaderKey, Unmanaged.passRetained(reader).toOpaque())
        return reader
    }

    /// Calls `body` with bytes `offset..<offset + count` of `data`. Reads made inside `body` go
    /// around the windows, so they cannot overwrite the bytes `body` holds.
    public func withBytes<R>(_ data: SegmentBytes, offset: Int, count: Int, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        if let memory = data.memory { return body(memory.slice(offset, offset + count)) }
        if busy { return Self.withOwnCopy(data, offset: offset, count: count, body) }
        busy = true
        defer { busy = false }
        return body(bytes(data, offset: offset, count: count))
    }

    /// Bytes `offset..<offset + count` of `data`, valid until the next read through this reader.
    /// For hot loops that read one entry at a time (print mode); does not allocate once warm.
    public func bytes(_ data: SegmentBytes, offset: Int, count: Int) -> UnsafeRawBufferPointer {
        if let memory = data.memory { return memory.slice(offset, offset + count) }
        // A window may hold bytes read before the file was truncated; they are not shown either.
        if data.isStale { return missing(data, count: count) }
        clock &+= 1
        var slot = -1
        for k in windows.indices where windows[k].serial == data.serial {
            slot = k
            break
        }
        if slot >= 0 {
            let w = windows[slot]
            if offset >= w.start && offset + count <= w.start + w.count {
                windows[slot].lastUse = clock
                return UnsafeRawBufferPointer(rebasing: w.buffer[(offset - w.start)..<(offset - w.start + count)])
            }
        }
        let forward = slot >= 0 && offset >= windows[slot].start && offset <= windows[slot].start + windows[slot].count + windowBytes
        if slot < 0 { slot = windows.indices.min { windows[$0].lastUse < windows[$1].lastUse }! }
        let size = max(count, min(forward ? windowBytes : smallBytes, data.count - offset))
        var w = windows[slot]
        if w.buffer.count < size || w.buffer.count > 4 * max(windowBytes, size) {
            w.buffer.deallocate()
            w.buffer = .allocate(byteCount: max(size, smallBytes), alignment: 16)
        }
        let got = data.read(into: UnsafeMutableRawBufferPointer(rebasing: w.buffer[0..<size]), at: offset)
        w.serial = data.serial
        w.lastUse = clock
        w.start = offset
        w.count = got
        windows[slot] = w
        if got < count { return missing(data, count: count) }
        return UnsafeRawBufferPointer(rebasing: w.buffer[0..<count])
    }

    private func missing(_ data: SegmentBytes, count: Int) -> UnsafeRawBufferPointer {
        let text = data.missingBytesText(insteadOf: count)
        if placeholder.count < text.count {
            placeholder.deallocate()
            placeholder = .allocate(byteCount: text.count, alignment: 1)
        }
        text.withUnsafeBytes { placeholder.baseAddress!.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
        return UnsafeRawBufferPointer(rebasing: placeholder[0..<text.count])
    }

    /// A read into a buffer of its own (a nested read): allocates once.
    private static func withOwnCopy<R>(_ data: SegmentBytes, offset: Int, count: Int, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(count, 1), alignment: 16)
        defer { buffer.deallocate() }
        let got = data.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[0..<count]), at: offset)
        if got < count { return data.missingBytesText(insteadOf: count).withUnsafeBytes(body) }
        return body(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
    }
}

/// The key of each thread's `SegmentReader`; the reader is released when its thread ends.
private let threadReaderKey: pthread_key_t = {
    var key = pthread_key_t()
    pthread_key_create(&key) { raw in
        if let raw { Unmanaged<SegmentReader>.fromOpaque(raw).release() }
    }
    return key
}()

extension SegmentBytes {
    static let serials = Atomic<UInt64>(1)
}
