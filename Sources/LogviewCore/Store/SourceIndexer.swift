#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a source's segments line by line through its format's parser and fills entry columns.
///
/// Lines are found with `memchr`; a trailing CR and leading NUL bytes (a `copytruncate`
/// artefact) are not shown to the parser. Lines that continue no entry (the top of a file that
/// starts mid-trace, a binary file) become an entry of their own dated by their neighbours, so no
/// byte of input is dropped.
///
/// A large segment of a format whose parser resynchronises at entry starts is cut into chunks at
/// line boundaries and the chunks are parsed on several threads (`ChunkedScan`); the result is
/// the same, entry for entry, as the sequential scan.
public enum SourceIndexer {
    /// `clockOffset` is added to every timestamp (a server whose clock was wrong); a uniform
    /// shift keeps the source's order.
    public static func index(
        name: String, format: any LogFormat, options: FormatOptions, segments: [Segment],
        clockOffset: TimeSpan = .zero, indexing: IndexingOptions = IndexingOptions()
    ) throws -> SourceIndex {
        var parser = try format.makeParser(options)
        var columns = EntryColumns()
        var ids = IDTable(collecting: indexing.correlationIDs)
        for (s, segment) in segments.enumerated() {
            if segment.data.isFileBacked {
                parser = try scanInBlocks(
                    segment, number: s, parser: parser, makeParser: { try format.makeParser(options) },
                    indexing: indexing, columns: &columns, ids: &ids)
            } else if indexing.threads > 1, parser.resynchronizesAtEntryStart, segment.data.count > indexing.chunkBytes {
                parser = try ChunkedScan.scan(
                    segment, number: s, parser: parser, makeParser: { try format.makeParser(options) },
                    indexing: indexing, columns: &columns, ids: &ids)
            } else {
                scan(segment, number: s, parser: parser, columns: &columns, ids: &ids)
            }
        }
        if clockOffset != .zero {
            for i in columns.timestamps.indices { columns.timestamps[i] &+= clockOffset.nanoseconds }
        }
        return SourceIndex(
            name: name, formatName: format.name, segments: segments, entries: columns, ids: ids, parser: parser)
    }

    /// Scans one in-memory segment. `firstLine` numbers its first line (segments read live continue their
    /// file's numbering); an orphan at the top is dated like the entry after it, else `segment.modified`.
    /// With `resumeAt > 0` the segment's bytes before `resumeAt` are a copy of the last entry of
    /// `columns` (then a newline): scanning starts at `resumeAt`, and continuation lines at the top
    /// extend that entry, which is moved onto this segment (live ingestion of a split entry).
    static func scan(_ segment: Segment, number: Int, parser: any LineParser, columns: inout EntryColumns,
        ids: inout IDTable, firstLine: Int = 1, resumeAt: Int = 0)
    {
        // Live batches and resumed entries are in memory; a file is read in blocks by `index`.
        guard let bytes = segment.data.memory, bytes.count > resumeAt else { return }
        let result = scanLines(
            bytes, from: resumeAt, to: bytes.count, segment: number, parser: parser, columns: &columns, ids: &ids,
            firstLine: firstLine, open: false, resumable: resumeAt > 0 && columns.count > 0)
        if result.leadingOrphan { dateOrphan(columns.count - result.entries, in: &columns, segment: segment) }
    }

    /// Only the first entry of a segment can be an orphan: it is dated like the entry after it.
    static func dateOrphan(_ orphan: Int, in columns: inout EntryColumns, segment: Segment) {
        let next = orphan + 1 < columns.count ? columns.timestamps[orphan + 1] : nil
        columns.setTimestamp(orphan, next ?? segment.modified.nanoseconds)
    }

    /// What `scanLines` did.
    struct LinesScanned {
        /// Physical lines read.
        var lines = 0
        /// Entries appended.
        var entries = 0
        /// Whether the first entry appended is an orphan (lines before any entry start, `open` false).
        var leadingOrphan = false
    }

    /// Scans the lines of `bytes[from..<to]` (`from` at a line start; `to` just after a newline or
    /// the end), appending entries to `columns`. Offsets are positions in `bytes` plus `base` (where
    /// `bytes` starts in its segment, when a file is read in blocks); lines are
    /// numbered from `firstLine`. `open` says whether `columns` has an entry of this segment that
    /// continuation lines may extend. `resumable`: the last entry of `columns` is copied at the start
    /// of `bytes` and a continuation at `from` extends it (see `scan`). The hot loop: no allocation
    /// per line but the columns' growth.
    static func scanLines(
        _ bytes: UnsafeRawBufferPointer, from: Int, to: Int, segment number: Int, parser: any LineParser,
        columns: inout EntryColumns, ids: inout IDTable, firstLine: Int, open startsOpen: Bool,
        resumable startsResumable: Bool = false, base offsetBase: Int = 0
    ) -> LinesScanned {
        guard let base = bytes.baseAddress, to > from else { return LinesScanned() }
        var result = LinesScanned()
        var open = startsOpen
        // Relative to `bytes`: negative for an entry that began in an earlier block.
        var openStart = open ? Int(columns.offsets[columns.count - 1]) - offsetBase : 0
        var pos = from
        var resumable = startsResumable
        var lineNumber = firstLine - 1
        while pos < to {
            let nl: Int
            if let p = memchr(base + pos, 0x0A, to - pos) {
                nl = base.distance(to: UnsafeRawPointer(p))
            } else {
                nl = to
            }
            lineNumber += 1
            var end = nl
            if end > pos, bytes[end - 1] == 0x0D { end -= 1 }
            var skip = pos
            while skip < end, bytes[skip] == 0 { skip += 1 }
            let line = bytes.slice(skip, end)
            var facts = LineFacts()
            let kind = parser.scan(line, into: &facts)
            if resumable {
                // The copied last entry stays open until a line starts a new entry.
                resumable = false
                if kind != .start {
                    columns.moveLast(toSegment: number, offset: 0)
                    open = true
                    openStart = 0
                }
            }
            if kind == .start || !open {
                if kind != .start {
                    facts = LineFacts()  // an orphan: dated by the caller
                    if result.entries == 0 { result.leadingOrphan = true }
                }
                appendEntry(
                    facts: facts, kind: kind, line: line, columns: &columns, segment: number, offset: offsetBase + pos,
                    start: pos, skip: skip, end: end, lineNumber: lineNumber)
                result.entries += 1
                open = true
                openStart = pos
            } else {
                columns.extendLast(toLength: end - openStart)
            }
            for k in 0..<(ids.collects ? facts.ids.count : 0) {
                let (range, idKind) = facts.ids[k]
                columns.appendKeyToLast(ids.intern(line.slice(range), kind: idKind))
            }
            pos = nl + 1
        }
        result.lines = lineNumber - (firstLine - 1)
        return result
    }

    @inline(__always)
    static func appendEntry(
        facts: LineFacts, kind: LineKind, line: UnsafeRawBufferPointer, columns: inout EntryColumns, segment: Int,
        offset: Int, start pos: Int, skip: Int, end: Int, lineNumber: Int
    ) {
        columns.append(
            facts: facts, segment: segment, offset: Int64(offset), length: end - pos, line: lineNumber,
            messageStart: kind == .start ? min(facts.messageStart + (skip - pos), end - pos) : 0)
        if kind == .start, facts.peer != nil || facts.requestLine != nil || facts.duration != nil {
            columns.requests[columns.count - 1] = RequestFacts(
                matchHash: matchHash(line, peer: facts.peer, request: facts.requestLine),
                duration: facts.duration)
        }
    }

    /// Hash of the client address and request line; 0 when the line has neither (nothing to match).
    static func matchHash(_ line: UnsafeRawBufferPointer, peer: ByteRange?, request: ByteRange?) -> UInt64 {
        if (peer?.isEmpty ?? true) && (request?.isEmpty ?? true) { return 0 }
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ r: ByteRange?) {
            if let r, r.start >= 0, Int(r.end) <= line.count, !r.isEmpty {
                for b in line.slice(r) {
                    h ^= UInt64(b)
                    h &*= 0x100_0000_01b3
                }
            }
            h ^= 0xFF
            h &*= 0x100_0000_01b3
        }
        mix(peer)
        mix(request)
        return h == 0 ? 1 : h
    }
}
