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
public enum SourceIndexer {
    /// `clockOffset` is added to every timestamp (a server whose clock was wrong); a uniform
    /// shift keeps the source's order.
    public static func index(
        name: String, format: any LogFormat, options: FormatOptions, segments: [Segment],
        clockOffset: TimeSpan = .zero
    ) throws -> SourceIndex {
        let parser = try format.makeParser(options)
        var columns = EntryColumns()
        var ids = IDTable()
        for (s, segment) in segments.enumerated() {
            scan(segment, number: s, parser: parser, columns: &columns, ids: &ids)
        }
        if clockOffset != .zero {
            for i in columns.timestamps.indices { columns.timestamps[i] &+= clockOffset.nanoseconds }
        }
        return SourceIndex(
            name: name, formatName: format.name, segments: segments, entries: columns, ids: ids, parser: parser)
    }

    /// Scans one segment. `firstLine` numbers its first line (segments read live continue their
    /// file's numbering); an orphan at the top is dated like the entry after it, else `segment.modified`.
    /// With `resumeAt > 0` the segment's bytes before `resumeAt` are a copy of the last entry of
    /// `columns` (then a newline): scanning starts at `resumeAt`, and continuation lines at the top
    /// extend that entry, which is moved onto this segment (live ingestion of a split entry).
    static func scan(_ segment: Segment, number: Int, parser: any LineParser, columns: inout EntryColumns,
        ids: inout IDTable, firstLine: Int = 1, resumeAt: Int = 0)
    {
        let bytes = segment.data.bytes
        guard let base = bytes.baseAddress, bytes.count > resumeAt else { return }
        let firstEntry = columns.count
        var orphanIndex: Int? = nil
        var open = false
        var openStart = 0
        var pos = resumeAt
        // The copied last entry stays open until a line starts a new entry.
        var resumable = resumeAt > 0 && columns.count > 0
        var lineNumber = firstLine - 1
        while pos < bytes.count {
            let nl: Int
            if let p = memchr(base + pos, 0x0A, bytes.count - pos) {
                nl = base.distance(to: UnsafeRawPointer(p))
            } else {
                nl = bytes.count
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
                resumable = false
                if kind != .start {
                    columns.moveLast(toSegment: number, offset: 0)
                    open = true
                    openStart = 0
                }
            }
            if kind == .start || !open {
                if kind != .start {
                    facts = LineFacts()  // an orphan: dated below
                    orphanIndex = columns.count
                }
                columns.append(
                    facts: facts, segment: number, offset: Int64(pos), length: end - pos, line: lineNumber,
                    messageStart: kind == .start ? min(facts.messageStart + (skip - pos), end - pos) : 0)
                open = true
                openStart = pos
                if kind == .start, facts.peer != nil || facts.requestLine != nil || facts.duration != nil {
                    columns.requests[columns.count - 1] = RequestFacts(
                        matchHash: matchHash(line, peer: facts.peer, request: facts.requestLine),
                        duration: facts.duration)
                }
            } else {
                columns.extendLast(toLength: end - openStart)
            }
            for k in 0..<facts.ids.count {
                let (range, idKind) = facts.ids[k]
                columns.appendKeyToLast(ids.intern(line.slice(range), kind: idKind))
            }
            pos = nl + 1
        }
        if let orphan = orphanIndex {
            // Only the first entry of a segment can be an orphan: date it like the entry after it.
            let next = orphan + 1 < columns.count ? columns.timestamps[orphan + 1] : nil
            columns.setTimestamp(orphan, next ?? segment.modified.nanoseconds)
            _ = firstEntry
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
