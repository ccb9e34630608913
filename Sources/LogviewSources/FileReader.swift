#if canImport(Glibc)
import Glibc
#endif
import LogviewCore

/// Reads whole files with large `pread`s into memory logview owns (read-only: never writes,
/// truncates or locks a log). `mmap` is avoided because a log truncated under a mapping raises
/// SIGBUS (DESIGN.md #1).
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

    /// The file's bytes and modification time.
    public static func read(_ path: String) throws(Error) -> (SegmentBytes, Timestamp) {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)
        if fd < 0 { throw error(errno, path) }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw error(errno, path) }
        if (st.st_mode & S_IFMT) == S_IFDIR { throw .isDirectory(path) }
        let modified = Timestamp(seconds: Int64(st.st_mtim.tv_sec), nanoseconds: Int64(st.st_mtim.tv_nsec))
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
        let data = SegmentBytes(bytes: UnsafeRawBufferPointer(rebasing: buffer[0..<used])) { b in
            UnsafeMutableRawPointer(mutating: b.baseAddress)?.deallocate()
        }
        return (data, modified)
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
