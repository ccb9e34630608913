#if canImport(Glibc)
import Glibc
#endif
import LogviewCore

/// Follows one path by name, like `tail -F`: new whole lines become segments for the timeline.
///
/// Rotation by rename (or delete) and re-create is seen as a new identity at the path: the old
/// file is read to its end through the still-open descriptor (a writer may add to it until it
/// reopens) and closed once the new file has content. `copytruncate` is seen as the file shrinking
/// below the read offset, or the bytes just before the offset changing. A last line without its
/// newline is held until the newline comes, or shown after `partialLineGrace`. Read-only: the
/// file is opened `O_RDONLY`, never written, truncated or locked.
final class FollowedFile {
    /// Whole lines read from one file, numbered from `firstLine`.
    struct Batch {
        var segment: Segment
        var firstLine: Int
        /// False for the first lines after a truncation: they cannot continue an entry read before.
        var continuing = true
    }

    /// One open file at the path (the current one, or a rotated one being read to its end).
    struct OpenFile {
        var descriptor: Int32
        var identity: FileIdentity
        var offset: Int64
        var nextLine: Int
        var partial: [UInt8]
        /// When the held partial line started waiting (ms), nil when none is held.
        var partialSince: Int64?
        /// The last bytes before `offset`; a change means the file was truncated and rewritten.
        var tail: [UInt8]
        /// When this file stopped being the current one (ms).
        var retiredAt: Int64 = 0
        /// Set by a truncation until the next batch, which then starts afresh.
        var restarted = false
    }

    static let tailLength = 32
    /// Largest read per file per pump; the rest comes on the next pump (which then runs at once).
    static let maximumBatch = 32 << 20
    /// A path gone this long is reported (a rotation re-creates it within milliseconds).
    static let missingWarningAfter: Int64 = 2_000
    /// A rotated or deleted file is closed at the latest after this long (frees its disk space).
    static let retiringLimit: Int64 = 10_000

    let path: String
    /// The timeline source these lines belong to; nil until the file first has lines.
    var source: Int?
    /// The spec that named this file (its name, format, zone, clock offset, request-id patterns),
    /// for a source added later; nil for a file that was loaded as a source already.
    let spec: SourceSpec?
    private(set) var current: OpenFile?
    private(set) var retiring: [OpenFile] = []
    private var missingSince: Int64?
    private var reportedMissing = false
    private var reportedUnreadable: String?
    private var reportedFull = false
    private var lastSpaceCheck: Int64?
    /// A pump was too soon after the last space check: check once more when its second is over.
    private var spaceCheckDue = false
    /// True when the last pump stopped at `maximumBatch` with more to read.
    private(set) var hasMore = false
    let partialLineGrace: Int64

    init(path: String, source: Int?, spec: SourceSpec?, point: FollowPoint?, partialLineGrace: Int64, now: Int64) {
        self.path = path
        self.source = source
        self.spec = spec
        self.partialLineGrace = partialLineGrace
        if let p = point {
            current = OpenFile(
                descriptor: p.descriptor, identity: p.identity, offset: p.offset, nextLine: p.nextLine,
                partial: p.partial, partialSince: p.partial.isEmpty ? nil : now, tail: [])
            current!.tail = FollowedFile.readTail(p.descriptor, before: p.offset)
        }
    }

    deinit {
        if let c = current { close(c.descriptor) }
        for r in retiring { close(r.descriptor) }
    }

    /// Takes over a file the loader read (a source added while following).
    func adopt(_ point: FollowPoint, source: Int, now: Int64) {
        if let c = current { close(c.descriptor) }
        self.source = source
        current = OpenFile(
            descriptor: point.descriptor, identity: point.identity, offset: point.offset, nextLine: point.nextLine,
            partial: point.partial, partialSince: point.partial.isEmpty ? nil : now, tail: [])
        current!.tail = FollowedFile.readTail(point.descriptor, before: point.offset)
    }

    /// True when the path holds a file with at least one whole line and no source reads it yet.
    func hasFirstLines() -> Bool {
        var st = stat()
        guard stat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG, st.st_size > 0 else { return false }
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)
        guard fd >= 0 else {
            noteUnreadable(errno)
            return false
        }
        defer { close(fd) }
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        var offset: off_t = 0
        while true {
            let n = chunk.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, offset) }
            if n <= 0 { return false }
            if chunk[0..<n].contains(0x0A) { return true }
            offset += off_t(n)
        }
    }

    /// Reads what is new at the path. `problems` gets one line per new trouble (and recovery).
    func pump(now: Int64, problems: inout [String]) -> [Batch] {
        var batches: [Batch] = []
        hasMore = false
        checkPath(now: now, problems: &problems)
        batches += pendingFlushed
        pendingFlushed = []
        // Rotated files first: their lines were written before the new file's.
        if !retiring.isEmpty {
            for i in retiring.indices {
                restartIfTruncated(&retiring[i])
                batches += pendingFlushed
                pendingFlushed = []
                read(&retiring[i], into: &batches, now: now)
            }
            let successorHasContent = current.map { $0.offset > 0 || FollowedFile.size($0.descriptor) > 0 } ?? false
            if successorHasContent || retiring.contains(where: { now - $0.retiredAt >= FollowedFile.retiringLimit }) {
                // The writer has moved on (or never will): read what it wrote last and close.
                for var r in retiring where successorHasContent || now - r.retiredAt >= FollowedFile.retiringLimit {
                    read(&r, into: &batches, now: now)
                    flushPartial(&r, into: &batches)
                    close(r.descriptor)
                }
                retiring.removeAll { successorHasContent || now - $0.retiredAt >= FollowedFile.retiringLimit }
            }
        }
        if var c = current {
            restartIfTruncated(&c)
            batches += pendingFlushed
            pendingFlushed = []
            read(&c, into: &batches, now: now)
            if let since = c.partialSince, now - since >= partialLineGrace { flushPartial(&c, into: &batches) }
            current = c
            if missingSince.map({ now - $0 >= FollowedFile.retiringLimit }) ?? false {
                flushPartial(&c, into: &batches)
                close(c.descriptor)
                current = nil
            }
        }
        checkSpace(now: now, problems: &problems)
        return batches
    }

    /// Milliseconds until this file needs a pump without any event (grace, warning, closing).
    func deadline(now: Int64) -> Int64? {
        var d: Int64?
        func consider(_ t: Int64) { d = min(d ?? Int64.max, max(0, t)) }
        if hasMore { consider(0) }
        if spaceCheckDue, let last = lastSpaceCheck { consider(last + 1_000 - now) }
        if let since = current?.partialSince { consider(since + partialLineGrace - now) }
        for r in retiring { consider(r.retiredAt + FollowedFile.retiringLimit - now) }
        if let m = missingSince {
            if !reportedMissing, source != nil { consider(m + FollowedFile.missingWarningAfter - now) }
            if current != nil { consider(m + FollowedFile.retiringLimit - now) }
        }
        return d
    }

    /// Compares the path's identity with the open file's: rotation, truncation, deletion, recovery.
    private func checkPath(now: Int64, problems: inout [String]) {
        var st = stat()
        if stat(path, &st) != 0 {
            let e = errno
            if e == ENOENT || e == ENOTDIR {
                if missingSince == nil { missingSince = now }
                if !reportedMissing, source != nil, let m = missingSince, now - m >= FollowedFile.missingWarningAfter {
                    reportedMissing = true
                    problems.append("\(path) was deleted or moved away; following it again when it reappears")
                }
            } else {
                noteUnreadable(e)
            }
            return
        }
        guard (st.st_mode & S_IFMT) == S_IFREG else { return }
        if reportedMissing {
            problems.append("\(path) is back; following it again")
        }
        missingSince = nil
        reportedMissing = false
        let identity = FileIdentity(st)
        if let c = current, c.identity == identity {
            if reportedUnreadable != nil {
                problems.append("\(path) is readable again; following it")
                reportedUnreadable = nil
            }
            return
        }
        guard source != nil else { return }  // a pending file is opened by the loader
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)
        if fd < 0 {
            noteUnreadable(errno)
            return
        }
        var opened = stat()
        guard fstat(fd, &opened) == 0 else {
            close(fd)
            return
        }
        if reportedUnreadable != nil {
            problems.append("\(path) is readable again; following it")
            reportedUnreadable = nil
        }
        if var old = current {
            // Truncated and rewritten before it was renamed away (a reader that fell behind)?
            restartIfTruncated(&old)
            old.retiredAt = now
            retiring.append(old)
        }
        current = OpenFile(descriptor: fd, identity: FileIdentity(opened), offset: 0, nextLine: 1, partial: [],
            partialSince: nil, tail: [])
    }

    /// copytruncate: the file shrank below the offset, or the bytes before the offset changed. The
    /// copy holds what was read; reading starts over at the top of the new content.
    private func restartIfTruncated(_ c: inout OpenFile) {
        guard FollowedFile.size(c.descriptor) < c.offset || !FollowedFile.tailMatches(c) else { return }
        var batches: [Batch] = []
        flushPartial(&c, into: &batches)
        pendingFlushed += batches
        c.offset = 0
        c.nextLine = 1
        c.tail = []
        c.restarted = true
        truncated.append(c.identity)
    }

    /// Files found truncated since the last call: the segments loaded from them are stale.
    func takeTruncated() -> [FileIdentity] {
        defer { truncated = [] }
        return truncated
    }

    private var truncated: [FileIdentity] = []

    /// Lines flushed by a truncation, handed out with the next read.
    private var pendingFlushed: [Batch] = []
    private var pendingUnreadable: [String] = []

    private func noteUnreadable(_ code: Int32) {
        let why = String(cString: strerror(code))
        if reportedUnreadable != why {
            reportedUnreadable = why
            pendingUnreadable.append("cannot read \(path): \(why); following it again when it is readable")
        }
    }

    /// Problems noted outside `pump` (while checking a pending file).
    func takeProblems() -> [String] {
        defer { pendingUnreadable = [] }
        return pendingUnreadable
    }

    /// Reads from the offset to EOF (at most `maximumBatch`); whole lines become a batch.
    private func read(_ file: inout OpenFile, into batches: inout [Batch], now: Int64) {
        let (size, modified) = FollowedFile.sizeAndModified(file.descriptor)
        if size <= file.offset { return }
        let available = max(0, Int(min(Int64(FollowedFile.maximumBatch), size - file.offset)))
        // Sized to what fstat reports (plus a little for lines written meanwhile): a segment lives
        // as long as the timeline, so a slow log must not keep a large buffer per line.
        var capacity = file.partial.count + available + 4096
        var buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: capacity, alignment: 16)
        var used = file.partial.count
        file.partial.withUnsafeBytes { p in if p.count > 0 { buffer.baseAddress!.copyMemory(from: p.baseAddress!, byteCount: p.count) } }
        var readBytes = 0
        while readBytes < FollowedFile.maximumBatch {
            if used == capacity {
                let bigger = UnsafeMutableRawBufferPointer.allocate(byteCount: capacity * 2, alignment: 16)
                bigger.copyMemory(from: UnsafeRawBufferPointer(buffer))
                buffer.deallocate()
                buffer = bigger
                capacity *= 2
            }
            let n = pread(file.descriptor, buffer.baseAddress! + used, capacity - used, off_t(file.offset))
            if n < 0 {
                if errno == EINTR { continue }
                break
            }
            if n == 0 { break }
            used += n
            readBytes += n
            file.offset += Int64(n)
        }
        if readBytes >= FollowedFile.maximumBatch { hasMore = true }
        if readBytes > 0 {
            // The tail is the file's last bytes before the offset; a short read re-reads them.
            file.tail = used >= FollowedFile.tailLength
                ? Array(UnsafeRawBufferPointer(rebasing: buffer[(used - FollowedFile.tailLength)..<used]))
                : FollowedFile.readTail(file.descriptor, before: file.offset)
        }
        var whole = used
        while whole > 0, buffer[whole - 1] != 0x0A { whole -= 1 }
        if whole == 0 {
            if readBytes > 0 {
                file.partial = Array(UnsafeRawBufferPointer(rebasing: buffer[0..<used]))
                if file.partialSince == nil { file.partialSince = now }
            }
            buffer.deallocate()
            return
        }
        file.partial = Array(UnsafeRawBufferPointer(rebasing: buffer[whole..<used]))
        file.partialSince = file.partial.isEmpty ? nil : now
        let lines = FileReader.countNewlines(UnsafeRawBufferPointer(rebasing: buffer[0..<whole]))
        if capacity - whole > 64 * 1024 {
            // The file grew while it was read and the buffer doubled: keep only what is used.
            let fitted = UnsafeMutableRawBufferPointer.allocate(byteCount: whole, alignment: 16)
            fitted.copyMemory(from: UnsafeRawBufferPointer(rebasing: buffer[0..<whole]))
            buffer.deallocate()
            buffer = fitted
        }
        let data = FileReader.wrap(buffer, count: whole)
        batches.append(Batch(segment: Segment(path: path, data: data, modified: modified), firstLine: file.nextLine,
            continuing: !file.restarted))
        file.restarted = false
        file.nextLine += lines
    }

    /// Shows a held partial line as a line of its own (its newline did not come in time).
    private func flushPartial(_ file: inout OpenFile, into batches: inout [Batch]) {
        guard !file.partial.isEmpty else { return }
        var bytes = file.partial
        bytes.append(0x0A)
        let modified = FollowedFile.sizeAndModified(file.descriptor).1
        batches.append(Batch(segment: Segment(path: path, data: SegmentBytes(copying: bytes), modified: modified),
            firstLine: file.nextLine, continuing: !file.restarted))
        file.restarted = false
        file.nextLine += 1
        file.partial = []
        file.partialSince = nil
    }

    /// Warns once when the file's filesystem has no space left (the writer's lines are being lost),
    /// and again when space is back. Checked at most once a second, only when pumped.
    private func checkSpace(now: Int64, problems: inout [String]) {
        guard let c = current else { return }
        guard lastSpaceCheck.map({ now - $0 >= 1_000 }) ?? true else {
            spaceCheckDue = true
            return
        }
        lastSpaceCheck = now
        spaceCheckDue = false
        var vfs = statvfs()
        guard fstatvfs(c.descriptor, &vfs) == 0 else { return }
        let full = vfs.f_bavail == 0 && vfs.f_blocks > 0
        if full && !reportedFull {
            problems.append("the filesystem holding \(path) is full: the service cannot write new lines until space is freed")
        } else if !full && reportedFull {
            problems.append("the filesystem holding \(path) has space again")
        }
        reportedFull = full
    }

    static func size(_ fd: Int32) -> Int64 { sizeAndModified(fd).0 }

    static func sizeAndModified(_ fd: Int32) -> (Int64, Timestamp) {
        var st = stat()
        guard fstat(fd, &st) == 0 else { return (0, Timestamp(nanoseconds: 0)) }
        return (Int64(st.st_size), FileReader.modified(st))
    }

    static func readTail(_ fd: Int32, before offset: Int64) -> [UInt8] {
        let n = Int(min(Int64(tailLength), offset))
        guard n > 0 else { return [] }
        var bytes = [UInt8](repeating: 0, count: n)
        let got = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress, n, off_t(offset - Int64(n))) }
        return got == n ? bytes : []
    }

    /// False when the bytes before the offset differ from those read there (truncated and rewritten).
    static func tailMatches(_ file: OpenFile) -> Bool {
        guard !file.tail.isEmpty else { return true }
        return readTail(file.descriptor, before: file.offset) == file.tail
    }
}
