#if canImport(Glibc)
import Glibc
#endif
import LogviewCore

/// Where following a file continues after it was loaded: the still-open descriptor, the file's
/// identity and the end of its last whole line, so no byte is missed or read twice.
public struct FollowPoint: Sendable {
    public var path: String
    /// Read-only descriptor of the file that was read; the follower takes it over.
    public var descriptor: Int32
    public var identity: FileIdentity
    /// Bytes consumed: the end of the last whole line.
    public var offset: Int64
    /// Number of the next line (1-based).
    public var nextLine: Int
    /// Bytes after the last newline (a line still being written), held until its newline.
    public var partial: [UInt8]
}

/// Device and inode: a path names a new file after rename-and-create rotation when these change.
public struct FileIdentity: Equatable, Sendable {
    public var device: UInt64
    public var inode: UInt64

    init(_ st: stat) {
        device = UInt64(st.st_dev)
        inode = UInt64(st.st_ino)
    }
}

extension FileReader {
    /// Reads a file to follow: its whole lines as a segment, and the follow point after them. The
    /// descriptor stays open (owned by the returned point) so a rotation right after the read
    /// cannot lose what the writer adds to the old file.
    static func readForFollowing(_ path: String) throws(Error) -> (SegmentBytes, Timestamp, FollowPoint) {
        let fd = try openReadOnly(path)
        let buffer: UnsafeMutableRawBufferPointer, used: Int, st: stat
        do {
            (buffer, used, st) = try readToEnd(fd, path: path)
        } catch {
            close(fd)
            throw error
        }
        var whole = used
        while whole > 0, buffer[whole - 1] != 0x0A { whole -= 1 }
        let partial = Array(UnsafeRawBufferPointer(rebasing: buffer[whole..<used]))
        let lines = countNewlines(UnsafeRawBufferPointer(rebasing: buffer[0..<whole]))
        let point = FollowPoint(
            path: path, descriptor: fd, identity: FileIdentity(st), offset: Int64(used),
            nextLine: lines + 1, partial: partial)
        return (wrap(buffer, count: whole), modified(st), point)
    }

    /// Newlines in `bytes`, found with memchr.
    static func countNewlines(_ bytes: UnsafeRawBufferPointer) -> Int {
        guard let base = bytes.baseAddress else { return 0 }
        var n = 0
        var pos = 0
        while pos < bytes.count, let p = memchr(base + pos, 0x0A, bytes.count - pos) {
            n += 1
            pos = base.distance(to: UnsafeRawPointer(p)) + 1
        }
        return n
    }
}
