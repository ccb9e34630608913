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
    /// Opens a file to follow: its whole lines as a file-backed segment, and the follow point after
    /// them. The point's descriptor stays open (the follower owns it) so a rotation right after the
    /// open cannot lose what the writer adds to the old file; the segment has a descriptor of its
    /// own. The point's `nextLine` is known once the segment is indexed (`SourceIndex.newlineCount`).
    static func openForFollowing(_ path: String) throws(Error) -> (SegmentBytes, Timestamp, FollowPoint) {
        let (fd, st) = try openWithStatus(path)
        let segmentFD = fcntl(fd, F_DUPFD_CLOEXEC, 0)
        if segmentFD < 0 {
            let e = errno
            close(fd)
            throw error(e, path)
        }
        let size = Int(st.st_size)
        let (end, partial) = lastLineEnd(fd, size: size)
        let point = FollowPoint(
            path: path, descriptor: fd, identity: FileIdentity(st), offset: Int64(size), nextLine: 1, partial: partial)
        return (SegmentBytes(file: segmentFD, count: end, path: path), modified(st), point)
    }

    /// The end of the last newline in the file's first `size` bytes and the bytes after it (a line
    /// still being written), read backwards from `size` in blocks.
    static func lastLineEnd(_ fd: Int32, size: Int) -> (Int, [UInt8]) {
        var end = size
        // Blocks read backwards, newest first: joined once at the end (prepending each block
        // would copy a long unfinished last line again for every block).
        var blocks: [[UInt8]] = []
        func partial(after head: ArraySlice<UInt8>) -> [UInt8] {
            var joined = Array(head)
            joined.reserveCapacity(head.count + blocks.reduce(0) { $0 + $1.count })
            for b in blocks.reversed() { joined += b }
            return joined
        }
        while end > 0 {
            let from = max(0, end - (64 << 10))
            var block = [UInt8](repeating: 0, count: end - from)
            let got = block.withUnsafeMutableBytes { SegmentBytes.readFully(fd, into: $0, at: Int64(from)) }
            block.removeLast(block.count - got)
            if let nl = block.lastIndex(of: 0x0A) {
                return (from + nl + 1, partial(after: block[(nl + 1)...]))
            }
            blocks.append(block)
            end = from
        }
        return (0, partial(after: []))
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
