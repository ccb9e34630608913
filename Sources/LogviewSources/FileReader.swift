#if canImport(Glibc)
import Glibc
#endif
import LogviewCore

/// Opens logs read-only (never writes, truncates or locks one) as file-backed segments that are
/// read on demand with `pread`, and reads small files (configs, zones, `.gz`) whole. `mmap` is
/// avoided because a log truncated under a mapping raises SIGBUS (DESIGN.md #1).
public enum FileReader {
    public enum Error: Swift.Error, Equatable, CustomStringConvertible {
        case notFound(String)
        case permissionDenied(String, group: String?)
        case isDirectory(String)
        case readFailed(String, String)

        public var description: String {
            switch self {
            case .notFound(let p):
                "cannot open \(p): no such file (check the path, or that the service logs there)"
            case .permissionDenied(let p, let group):
                "cannot open \(p): permission denied ("
                    + (group.map { "its group is '\($0)': add yourself with 'sudo usermod -aG \($0) $USER' and log in again, or run with sudo" }
                        ?? "run with sudo, or ask for read access") + ")"
            case .isDirectory(let p): "\(p) is a directory"
            case .readFailed(let p, let why): "cannot read \(p): \(why)"
            }
        }
    }

    /// The file's bytes, copied into memory, and its modification time (small files, `.gz`).
    public static func read(_ path: String) throws(Error) -> ([UInt8], Timestamp) {
        let fd = try openReadOnly(path)
        defer { close(fd) }
        let (buffer, used, st) = try readToEnd(fd, path: path)
        defer { buffer.deallocate() }
        return (Array(UnsafeRawBufferPointer(rebasing: buffer[0..<used])), modified(st))
    }

    /// The file as a segment backed by the file itself (its bytes as long as it is now, read back
    /// when shown) and its modification time. The segment keeps the descriptor open, so a rename
    /// by rotation does not take the bytes away.
    ///
    /// Past `descriptorBudget` descriptors held, a file is read into memory and closed instead:
    /// memory grows, but no file goes unread for want of descriptors, and follow, inotify and
    /// sockets still have some.
    public static func open(_ path: String) throws(Error) -> (SegmentBytes, Timestamp) {
        let (fd, st) = try openWithStatus(path)
        if SegmentBytes.openDescriptors >= descriptorBudget() {
            defer { close(fd) }
            let (buffer, used, now) = try readToEnd(fd, path: path)
            return (wrap(buffer, count: used), modified(now))
        }
        return (SegmentBytes(file: fd, count: Int(st.st_size), path: path), modified(st))
    }

    /// Half the process's descriptor limit (what is left serves following, the journal, sockets
    /// and slices of segments, which hold descriptors of their own), at least 16.
    static func descriptorBudget() -> Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur != rlim_t.max else { return Int.max }
        return max(16, Int(clamping: limit.rlim_cur) / 2)
    }

    /// Opens a log read-only (no controlling terminal, closed on exec).
    static func openReadOnly(_ path: String) throws(Error) -> Int32 {
        let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)
        if fd < 0 { throw error(errno, path) }
        return fd
    }

    /// Opens a file that is not a directory, with its `stat`; the caller owns the descriptor.
    static func openWithStatus(_ path: String) throws(Error) -> (Int32, stat) {
        let fd = try openReadOnly(path)
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            let e = errno
            close(fd)
            throw error(e, path)
        }
        if (st.st_mode & S_IFMT) == S_IFDIR {
            close(fd)
            throw .isDirectory(path)
        }
        return (fd, st)
    }

    /// Reads `fd` from offset 0 to EOF into a buffer the caller owns (`wrap` it); also returns the
    /// file's `stat` (its identity, for following).
    static func readToEnd(_ fd: Int32, path: String) throws(Error) -> (UnsafeMutableRawBufferPointer, Int, stat) {
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw error(errno, path) }
        if (st.st_mode & S_IFMT) == S_IFDIR { throw .isDirectory(path) }
        // A log can grow while it is read: read until EOF, growing the buffer, not just st_size.
        var capacity = max(Int(st.st_size) + 1, 64 * 1024)
        var buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: capacity, alignment: 16)
        var used = 0
        while true {
            if used == capacity {
                let bigger = UnsafeMutableRawBufferPointer.allocate(byteCount: capacity * 2, alignment: 16)
                bigger.copyMemory(from: UnsafeRawBufferPointer(buffer))
                buffer.deallocate()
                buffer = bigger
                capacity *= 2
            }
            let n = pread(fd, buffer.baseAddress! + used, min(capacity - used, 16 << 20), off_t(used))
            if n < 0 {
                if errno == EINTR { continue }
                let e = errno
                buffer.deallocate()
                throw .readFailed(path, String(cString: strerror(e)))
            }
            if n == 0 { break }
            used += n
        }
        return (buffer, used, st)
    }

    /// The first `count` bytes of a buffer from `readToEnd` as segment bytes that free it.
    static func wrap(_ buffer: UnsafeMutableRawBufferPointer, count: Int) -> SegmentBytes {
        SegmentBytes(bytes: UnsafeRawBufferPointer(rebasing: buffer[0..<count])) { b in
            UnsafeMutableRawPointer(mutating: b.baseAddress)?.deallocate()
        }
    }

    static func modified(_ st: stat) -> Timestamp {
        Timestamp(seconds: Int64(st.st_mtim.tv_sec), nanoseconds: Int64(st.st_mtim.tv_nsec))
    }

    static func error(_ code: Int32, _ path: String) -> Error {
        switch code {
        case ENOENT, ENOTDIR: return .notFound(path)
        case EACCES, EPERM: return .permissionDenied(path, group: groupName(of: path))
        case EISDIR: return .isDirectory(path)
        default: return .readFailed(path, String(cString: strerror(code)))
        }
    }

    /// The group owning the file (e.g. `adm` for /var/log/nginx), to tell the operator what to join.
    static func groupName(of path: String) -> String? {
        var st = stat()
        guard stat(path, &st) == 0, let g = getgrgid(st.st_gid), let name = g.pointee.gr_name else { return nil }
        let s = String(cString: name)
        return s == "root" ? nil : s
    }
}
