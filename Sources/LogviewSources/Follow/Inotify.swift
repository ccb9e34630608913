#if canImport(Glibc)
import Glibc
#endif

/// A thin typed wrapper over Linux inotify (`inotify_init1`, `inotify_add_watch`,
/// `inotify_rm_watch`, `read`); failures are returned as values.
final class Inotify {
    /// One event: which watch, what happened, and the name inside a watched directory.
    struct Event: Equatable {
        var watch: Int32
        var mask: UInt32
        var name: String
    }

    /// The inotify descriptor, non-blocking, to `poll` on.
    let descriptor: Int32

    /// `inotify_init1(IN_NONBLOCK | IN_CLOEXEC)`; the errno on failure.
    static func make() -> Result<Inotify, Errno> {
        let fd = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        if fd < 0 { return .failure(Errno(errno)) }
        return .success(Inotify(descriptor: fd))
    }

    private init(descriptor: Int32) { self.descriptor = descriptor }

    deinit { close(descriptor) }

    /// What a directory watch reports: its files created, moved, deleted, written, re-permissioned.
    static let directoryEvents: UInt32 =
        UInt32(IN_CREATE | IN_MOVED_FROM | IN_MOVED_TO | IN_DELETE | IN_MODIFY | IN_ATTRIB | IN_CLOSE_WRITE)
        | UInt32(IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR)

    /// `inotify_add_watch`: the watch descriptor (the same one again for a path already watched).
    func addWatch(_ path: String, mask: UInt32) -> Result<Int32, Errno> {
        let wd = inotify_add_watch(descriptor, path, mask)
        return wd < 0 ? .failure(Errno(errno)) : .success(wd)
    }

    /// `inotify_rm_watch`.
    func removeWatch(_ watch: Int32) { _ = inotify_rm_watch(descriptor, watch) }

    /// Reads every queued event (empty when none); the errno if reading failed otherwise than
    /// "nothing queued". Allocates the names only.
    func readEvents() -> Result<[Event], Errno> {
        var events: [Event] = []
        let size = 64 * 1024
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 8)
        defer { buffer.deallocate() }
        while true {
            let n = read(descriptor, buffer, size)
            if n < 0 {
                if errno == EINTR { continue }
                if errno == EAGAIN || errno == EWOULDBLOCK { return .success(events) }
                return events.isEmpty ? .failure(Errno(errno)) : .success(events)
            }
            if n == 0 { return .success(events) }
            var pos = 0
            let header = MemoryLayout<inotify_event>.size
            while pos + header <= n {
                let wd = buffer.loadUnaligned(fromByteOffset: pos, as: Int32.self)
                let mask = buffer.loadUnaligned(fromByteOffset: pos + 4, as: UInt32.self)
                let length = Int(buffer.loadUnaligned(fromByteOffset: pos + 12, as: UInt32.self))
                var name = ""
                if length > 0 {
                    let start = buffer.advanced(by: pos + header).assumingMemoryBound(to: UInt8.self)
                    let bytes = UnsafeBufferPointer(start: start, count: length)
                    let end = bytes.firstIndex(of: 0) ?? length
                    name = String(decoding: UnsafeBufferPointer(rebasing: bytes[0..<end]), as: UTF8.self)
                }
                events.append(Event(watch: wd, mask: mask, name: name))
                pos += header + length
            }
        }
    }
}

/// A C `errno` value with its text.
struct Errno: Error, Equatable, CustomStringConvertible {
    var code: Int32
    init(_ code: Int32) { self.code = code }
    var description: String { String(cString: strerror(code)) }
}
