import Dispatch
import LogviewCore
import Synchronization

/// Where a file holds ids: the offsets of the first and the last occurrence of any of them, and
/// which ids (needle indexes) occur.
struct IDHits: Equatable, Sendable {
    var first: Int
    var last: Int
    var needles: Set<Int>

    /// Both hits taken together (`other` may be nil: nothing found there).
    func merged(with other: IDHits?) -> IDHits {
        guard let other else { return self }
        return IDHits(first: min(first, other.first), last: max(last, other.last), needles: needles.union(other.needles))
    }
}

/// What a scan of files for ids found: per file and needle, the first and last occurrence. The
/// needles are those asked for, then those `idHits` picked up from the lines that hold them.
struct IDScan: Sendable {
    var needles: [[UInt8]]
    /// Per file, needle index -> its hits in the file.
    var hits: [[Int: IDHits]]
    /// Per file, its `NewlineIndex` (when counted).
    var newlines: [NewlineIndex]

    /// Per file, the hits of the needles `wanted` taken together (nil: none of them occurs).
    func hits(of wanted: Set<Int>) -> [IDHits?] {
        hits.map { file in
            file.filter { wanted.contains($0.key) }.values.reduce(nil as IDHits?) { $1.merged(with: $0) }
        }
    }
}

extension SegmentBytes {
    /// The byte at `offset` (nil past the end): one read, for the rare question whether a hit's
    /// line starts where a block does.
    func byte(at offset: Int) -> UInt8? {
        var b: UInt8 = 0
        return withUnsafeMutableBytes(of: &b) { read(into: $0, at: offset) } == 1 ? b : nil
    }
}

extension SourceLoader {
    /// Bytes a thread takes at a time from the files being scanned for ids.
    static let idScanPiece = 8 << 20
    /// Bytes read at once inside a piece: small enough to stay in the cache while each needle
    /// passes over them.
    static let idScanBlock = 256 << 10
    /// The longest id picked up from a line to be scanned for (ids are a few dozen bytes).
    static let maxLinkedID = 256

    /// Scans every byte of `files` for `needles`, each block read once for all of them, on up to
    /// `threads` threads (the files are cut into pieces of `piece` bytes that the threads take in
    /// turn; blocks overlap by a needle's length, so a needle across two blocks or pieces is
    /// found). With `countingNewlines`, each file's `NewlineIndex` is counted on the way.
    ///
    /// `linked`, given a file and a whole line that holds one of `needles`, names other ids the
    /// line holds (the trace id logged with a request id): they are added to the needles for the
    /// pieces not yet taken, and the pieces already scanned are scanned for them afterwards, so
    /// the answer holds every occurrence of every needle, and the ids correlation will join to
    /// the request are usually found without another scan of the whole files.
    static func idHits(in files: [SegmentBytes], _ needles: [[UInt8]], threads: Int, countingNewlines: Bool = false,
        linked: (@Sendable (_ file: Int, _ line: UnsafeRawBufferPointer) -> [[UInt8]])? = nil,
        piece: Int = idScanPiece, block: Int = idScanBlock) -> IDScan
    {
        let pieces = files.enumerated().flatMap { i, file in
            stride(from: 0, to: file.count, by: piece).map { (file: i, start: $0) }
        }
        let asked = needles.count
        let known = Mutex(needles)
        let found = Mutex([[Int: IDHits]](repeating: [:], count: files.count))
        let newlines = Mutex(files.map { [Int](repeating: 0, count: ($0.count + piece - 1) / piece) })
        /// Per piece, how many of the needles its first pass looked for.
        let passed = Mutex([Int](repeating: 0, count: pieces.count))
        // Room after a block for a needle across its end: the longest asked for, or picked up.
        let room = max(needles.map(\.count).max() ?? 1, maxLinkedID)

        /// Scans piece `p` for the needles from `from` on (all known ones when nil: the first pass).
        @Sendable func scan(_ p: Int, from: Int?, _ buffer: UnsafeMutableRawBufferPointer, into mine: inout [[Int: IDHits]],
            lines: inout Int)
        {
            let all = known.withLock { $0 }
            let first = from ?? 0
            let searcher = MultiLiteralSearcher(Array(all[first...]))
            let overlap = max(0, searcher.longest - 1)
            let (f, start) = pieces[p]
            let data = files[f]
            let end = min(data.count, start + piece)
            var at = start
            while at < end {
                // Occurrences starting before `owned` belong to this block; later ones to the next.
                let owned = min(end, at + block) - at
                let got = data.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[0..<min(buffer.count, owned + overlap)]), at: at)
                if got == 0 { break }
                let bytes = UnsafeRawBufferPointer(rebasing: buffer[0..<got])
                if countingNewlines && from == nil {
                    lines += ByteCount.occurrences(of: 0x0A, in: UnsafeRawBufferPointer(rebasing: bytes[0..<min(got, owned)]))
                }
                searcher.forEachMatch(in: bytes) { n, offset in
                    guard offset < owned else { return }
                    let needle = first + n
                    mine[f][needle] = IDHits(first: at + offset, last: at + offset, needles: [needle]).merged(with: mine[f][needle])
                    guard let linked, from == nil, needle < asked,
                        let line = Self.line(around: offset, in: bytes, atLineStart: at == 0 || data.byte(at: at - 1) == 0x0A)
                    else { return }
                    let ids = linked(f, line).filter { !$0.isEmpty && $0.count <= maxLinkedID }
                    if !ids.isEmpty { known.withLock { all in for id in ids where !all.contains(id) { all.append(id) } } }
                }
                at += owned
            }
            if from == nil { passed.withLock { $0[p] = all.count } }
        }
        /// Every worker takes pieces (or, in the second pass, pieces and the needle they lack) in turn.
        func run(_ work: [(piece: Int, from: Int?)]) {
            let taken = Atomic<Int>(0)
            let worker: @Sendable (Int) -> Void = { _ in
                let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: block + room, alignment: 64)
                defer { buffer.deallocate() }
                var mine = [[Int: IDHits]](repeating: [:], count: files.count)
                var counted: [(file: Int, piece: Int, newlines: Int)] = []
                while true {
                    let next = taken.wrappingAdd(1, ordering: .relaxed).oldValue
                    guard next < work.count else { break }
                    var lines = 0
                    scan(work[next].piece, from: work[next].from, buffer, into: &mine, lines: &lines)
                    if work[next].from == nil {
                        counted.append((pieces[work[next].piece].file, pieces[work[next].piece].start / piece, lines))
                    }
                }
                found.withLock { all in
                    for f in all.indices { all[f].merge(mine[f]) { $0.merged(with: $1) } }
                }
                newlines.withLock { all in for c in counted { all[c.file][c.piece] = c.newlines } }
            }
            let workers = max(1, min(threads, work.count))
            if workers == 1 { worker(0) } else { DispatchQueue.concurrentPerform(iterations: workers, execute: worker) }
        }
        run(pieces.indices.map { ($0, nil) })
        let total = known.withLock { $0.count }
        let behind = passed.withLock { $0 }
        run(pieces.indices.filter { behind[$0] < total }.map { ($0, behind[$0]) })
        let perPiece = newlines.withLock { $0 }
        return IDScan(
            needles: known.withLock { $0 }, hits: found.withLock { $0 },
            newlines: zip(files, perPiece).map { NewlineIndex(piece: piece, perPiece: $1, count: $0.count) })
    }

    /// The whole line around `offset` in `bytes` (without its newline and a CR before it); nil
    /// when it runs past either end of `bytes` (cut by the block: its ids are simply not followed
    /// early), unless `bytes` starts a line (`atLineStart`).
    static func line(around offset: Int, in bytes: UnsafeRawBufferPointer, atLineStart: @autoclosure () -> Bool)
        -> UnsafeRawBufferPointer?
    {
        var start = offset
        while start > 0, bytes[start - 1] != 0x0A { start -= 1 }
        guard start > 0 || atLineStart(), var end = bytes.firstIndex(of: 0x0A, from: offset) else { return nil }
        if end > start, bytes[end - 1] == 0x0D { end -= 1 }
        return UnsafeRawBufferPointer(rebasing: bytes[start..<end])
    }
}
