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

extension SourceLoader {
    /// Bytes a thread takes at a time from the files being scanned for ids.
    static let idScanPiece = 8 << 20
    /// Bytes read at once inside a piece: small enough to stay in the cache while each needle
    /// passes over them.
    static let idScanBlock = 256 << 10

    /// Scans every byte of `files` for the searcher's needles, each block read once for all of
    /// them, on up to `threads` threads (the files are cut into pieces of `piece` bytes that the
    /// threads take in turn; blocks overlap by a needle's length, so a needle across two blocks or
    /// pieces is found). The answer has one slot per file, nil where no needle occurs; with
    /// `countingNewlines`, also each file's `NewlineIndex`.
    static func idHits(in files: [SegmentBytes], _ searcher: MultiLiteralSearcher, threads: Int,
        countingNewlines: Bool = false, piece: Int = idScanPiece, block: Int = idScanBlock)
        -> (hits: [IDHits?], newlines: [NewlineIndex])
    {
        let pieces = files.enumerated().flatMap { i, file in
            stride(from: 0, to: file.count, by: piece).map { (file: i, start: $0) }
        }
        let taken = Atomic<Int>(0)
        let found = Mutex([IDHits?](repeating: nil, count: files.count))
        let newlines = Mutex(files.map { [Int](repeating: 0, count: ($0.count + piece - 1) / piece) })
        let overlap = max(0, searcher.longest - 1)
        let scanPieces: @Sendable (Int) -> Void = { _ in
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: block + overlap, alignment: 64)
            defer { buffer.deallocate() }
            var mine = [IDHits?](repeating: nil, count: files.count)
            var counted: [(file: Int, piece: Int, newlines: Int)] = []
            while true {
                let next = taken.wrappingAdd(1, ordering: .relaxed).oldValue
                guard next < pieces.count else { break }
                let (f, start) = pieces[next]
                let data = files[f]
                let end = min(data.count, start + piece)
                var at = start, lines = 0
                while at < end {
                    // Occurrences starting before `owned` belong to this block; later ones to the next.
                    let owned = min(end, at + block) - at
                    let got = data.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[0..<owned + overlap]), at: at)
                    if got == 0 { break }
                    if countingNewlines {
                        lines += ByteCount.occurrences(of: 0x0A, in: UnsafeRawBufferPointer(rebasing: buffer[0..<min(got, owned)]))
                    }
                    searcher.forEachMatch(in: UnsafeRawBufferPointer(rebasing: buffer[0..<got])) { needle, offset in
                        guard offset < owned else { return }
                        let hit = IDHits(first: at + offset, last: at + offset, needles: [needle])
                        mine[f] = hit.merged(with: mine[f])
                    }
                    at += owned
                }
                counted.append((f, start / piece, lines))
            }
            found.withLock { all in
                for f in all.indices { all[f] = mine[f].map { $0.merged(with: all[f]) } ?? all[f] }
            }
            newlines.withLock { all in for c in counted { all[c.file][c.piece] = c.newlines } }
        }
        let workers = max(1, min(threads, pieces.count))
        if workers == 1 { scanPieces(0) } else { DispatchQueue.concurrentPerform(iterations: workers, execute: scanPieces) }
        let perPiece = newlines.withLock { $0 }
        return (found.withLock { $0 }, zip(files, perPiece).map { NewlineIndex(piece: piece, perPiece: $1, count: $0.count) })
    }
}
