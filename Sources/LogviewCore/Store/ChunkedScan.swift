/// Parses one large segment in chunks on several threads and stitches the chunks in order, with
/// the same result, entry for entry, as `SourceIndexer.scan`.
///
/// The segment is cut at newlines. Chunk 0 is parsed by the source's own parser (its state carries
/// over from earlier segments); every other chunk by a fresh parser, into its own columns and ids.
/// A fresh parser may read a chunk's first lines differently: they may continue the previous
/// chunk's last entry (a stack frame, a PostgreSQL DETAIL of the same backend). So stitching
/// re-reads each chunk's first lines with the parser that read everything before it, until that
/// parser starts an entry on a line where the chunk's parse also started one; from there on the
/// two agree (the format promises `resynchronizesAtEntryStart`), and the chunk's entries are
/// appended as they are. The rescan is usually one line; a chunk that lies wholly inside one
/// entry is rescanned whole.
enum ChunkedScan {
    /// Scans `segment` (in memory) into `columns`/`ids` and returns the parser whose state follows
    /// its last line.
    static func scan(
        _ segment: Segment, number: Int, parser: any LineParser, makeParser: () throws -> any LineParser,
        indexing: IndexingOptions, columns: inout EntryColumns, ids: inout IDTable
    ) throws -> any LineParser {
        var progress = SegmentProgress(firstEntry: columns.count)
        let current = try scanBlock(
            segment.data.memory!, base: 0, number: number, parser: parser, makeParser: makeParser, indexing: indexing,
            columns: &columns, ids: &ids, progress: &progress)
        if progress.leadingOrphan { SourceIndexer.dateOrphan(progress.firstEntry, in: &columns, segment: segment) }
        return current
    }

    /// How far the scan of one segment has come, carried from block to block.
    struct SegmentProgress {
        /// The segment's first entry in the columns.
        let firstEntry: Int
        /// Physical lines scanned so far.
        var lines = 0
        /// Whether the segment's first entry is an orphan (dated once the segment is scanned).
        var leadingOrphan = false
    }

    /// Scans `bytes` (whole lines, starting at byte `base` of segment `number`) in chunks on
    /// several threads. A block after the segment's first continues its last entry: its first
    /// chunk is then stitched like every other, by re-reading its first lines with `parser`.
    static func scanBlock(
        _ bytes: UnsafeRawBufferPointer, base: Int, number: Int, parser: any LineParser,
        makeParser: () throws -> any LineParser, indexing: IndexingOptions, columns: inout EntryColumns,
        ids: inout IDTable, progress: inout SegmentProgress
    ) throws -> any LineParser {
        let continuing = columns.count > progress.firstEntry
        let bounds = chunkBounds(bytes, chunkBytes: indexing.chunkBytes)
        let chunkCount = bounds.count - 1
        var parsers: [any LineParser] = continuing ? [] : [parser]
        while parsers.count < max(chunkCount, 1) { parsers.append(try makeParser()) }

        let results = UnsafeMutableBufferPointer<Chunk?>.allocate(capacity: chunkCount)
        results.initialize(repeating: nil)
        defer {
            results.deinitialize()
            results.deallocate()
        }
        let shared = SharedChunks(
            results: results, parsers: parsers, bytes: bytes, bounds: bounds, segment: number, base: base,
            collectsIDs: ids.collects)
        ParallelWork.run(count: chunkCount, threads: indexing.threads) { k in shared.parse(k) }

        let firstEntry = progress.firstEntry
        var total = 0, totalKeys = 0, totalIDs = 0
        for k in 0..<chunkCount {
            total += results[k]?.columns.count ?? 0
            totalKeys += results[k]?.columns.keys.count ?? 0
            totalIDs += results[k]?.ids.count ?? 0
        }
        columns.reserveCapacity(columns.count + total, keys: columns.keys.count + totalKeys)
        ids.reserveCapacity(ids.count + totalIDs)
        var current = parser
        var linesBefore = progress.lines
        for k in 0..<chunkCount {
            guard let chunk = results[k] else { continue }
            if k == 0 && !continuing {
                progress.leadingOrphan = chunk.scanned.leadingOrphan
                columns.appendChunk(chunk.columns, from: 0, lineBase: linesBefore, ids: chunk.ids, into: &ids)
            } else {
                // Re-read the chunk's first lines with the parser of everything before it.
                var pos = bounds[k]
                let end = bounds[k + 1]
                var cursor = 0
                var lineNumber = linesBefore
                var agreed: Int? = nil
                while pos < end {
                    let nl = bytes.firstIndex(of: 0x0A, from: pos).map { min($0, end) } ?? end
                    let next = min(nl + 1, end)
                    lineNumber += 1
                    while cursor < chunk.columns.count, Int(chunk.columns.offsets[cursor]) - base < pos { cursor += 1 }
                    let startsHere =
                        cursor < chunk.columns.count && Int(chunk.columns.offsets[cursor]) - base == pos
                        && !(cursor == 0 && chunk.scanned.leadingOrphan)
                    if startsHere, wouldStart(bytes, line: pos, parser: current) {
                        agreed = cursor
                        break
                    }
                    _ = SourceIndexer.scanLines(
                        bytes, from: pos, to: next, segment: number, parser: current, columns: &columns, ids: &ids,
                        firstLine: lineNumber, open: columns.count > firstEntry, base: base)
                    pos = next
                }
                if let agreed {
                    // `current` read the agreed line only to classify it; the chunk's own parser
                    // has read the chunk to its end, so it carries the state from here on.
                    columns.appendChunk(chunk.columns, from: agreed, lineBase: linesBefore, ids: chunk.ids, into: &ids)
                    current = parsers[k]
                }
            }
            linesBefore += chunk.scanned.lines
            results[k] = nil  // its columns are copied: free them now, not with the last chunk
        }
        progress.lines = linesBefore
        return current
    }

    /// Whether `parser` starts an entry at the line beginning at `pos`. The parser sees the line
    /// (its state advances as it would in the sequential scan); the facts are the chunk's.
    private static func wouldStart(_ bytes: UnsafeRawBufferPointer, line pos: Int, parser: any LineParser) -> Bool {
        let nl = bytes.firstIndex(of: 0x0A, from: pos) ?? bytes.count
        var end = nl
        if end > pos, bytes[end - 1] == 0x0D { end -= 1 }
        var skip = pos
        while skip < end, bytes[skip] == 0 { skip += 1 }
        var facts = LineFacts()
        return parser.scan(bytes.slice(skip, end), into: &facts) == .start
    }

    /// Chunk starts: 0, then each about `chunkBytes` further, moved to just after a newline; the
    /// last element is the end.
    static func chunkBounds(_ bytes: UnsafeRawBufferPointer, chunkBytes: Int) -> [Int] {
        var bounds = [0]
        var target = chunkBytes
        while target < bytes.count {
            guard let nl = bytes.firstIndex(of: 0x0A, from: target) else { break }
            if nl + 1 >= bytes.count { break }
            bounds.append(nl + 1)
            target = nl + 1 + chunkBytes
        }
        bounds.append(bytes.count)
        return bounds
    }

    /// One chunk parsed on its own.
    struct Chunk {
        var columns = EntryColumns()
        var ids: IDTable
        var scanned = SourceIndexer.LinesScanned()
    }

    /// What the worker threads share: disjoint result slots, one parser per chunk, the bytes.
    private final class SharedChunks: @unchecked Sendable {
        let results: UnsafeMutableBufferPointer<Chunk?>
        let parsers: [any LineParser]
        let bytes: UnsafeRawBufferPointer
        let bounds: [Int]
        let segment: Int
        let base: Int
        let collectsIDs: Bool

        init(results: UnsafeMutableBufferPointer<Chunk?>, parsers: [any LineParser], bytes: UnsafeRawBufferPointer,
            bounds: [Int], segment: Int, base: Int, collectsIDs: Bool)
        {
            self.collectsIDs = collectsIDs
            self.base = base
            self.results = results
            self.parsers = parsers
            self.bytes = bytes
            self.bounds = bounds
            self.segment = segment
        }

        func parse(_ k: Int) {
            var chunk = Chunk(ids: IDTable(collecting: collectsIDs))
            chunk.scanned = SourceIndexer.scanLines(
                bytes, from: bounds[k], to: bounds[k + 1], segment: segment, parser: parsers[k],
                columns: &chunk.columns, ids: &chunk.ids, firstLine: 1, open: false, base: base)
            results[k] = chunk
        }
    }
}

extension EntryColumns {
    /// Room for `entries` entries and `keys` keys in all.
    /// Grows geometrically unless `exactly`, so a file read in many blocks does not copy its
    /// columns once per block; by a quarter, not double: the block reader sizes the columns from
    /// a projection, and outgrowing it by a little must not waste half of them.
    mutating func reserveCapacity(_ wanted: Int, keys wantedKeys: Int, exactly: Bool = false) {
        let entries = wanted > timestamps.capacity && !exactly ? max(wanted, timestamps.capacity + timestamps.capacity / 4) : wanted
        let keyCount = wantedKeys > keys.capacity && !exactly ? max(wantedKeys, keys.capacity + keys.capacity / 4) : wantedKeys
        timestamps.reserveCapacity(entries)
        segments.reserveCapacity(entries)
        offsets.reserveCapacity(entries)
        lengths.reserveCapacity(entries)
        lines.reserveCapacity(entries)
        lineCounts.reserveCapacity(entries)
        meta.reserveCapacity(entries)
        messageStarts.reserveCapacity(entries)
        sessions.reserveCapacity(entries)
        keyStarts.reserveCapacity(entries + 1)
        keys.reserveCapacity(keyCount)
    }

    /// Appends `other`'s entries from `first` on: line numbers shifted by `lineBase`, keys moved
    /// from `otherIDs` into `ids` in first-seen order (as the sequential scan would intern them).
    mutating func appendChunk(_ other: EntryColumns, from first: Int, lineBase: Int, ids otherIDs: IDTable, into ids: inout IDTable) {
        guard first < other.count else { return }
        let base = count
        let range = first..<other.count
        timestamps.append(contentsOf: other.timestamps[range])
        segments.append(contentsOf: other.segments[range])
        offsets.append(contentsOf: other.offsets[range])
        lengths.append(contentsOf: other.lengths[range])
        let shift = UInt32(truncatingIfNeeded: lineBase)
        lines.append(contentsOf: other.lines[range].lazy.map { $0 &+ shift })
        lineCounts.append(contentsOf: other.lineCounts[range])
        meta.append(contentsOf: other.meta[range])
        messageStarts.append(contentsOf: other.messageStarts[range])
        sessions.append(contentsOf: other.sessions[range])
        var map = [UInt32](repeating: .max, count: otherIDs.count)
        let keyBase = Int(other.keyStarts[first])
        let keyShift = UInt32(keys.count) &- UInt32(keyBase)
        for k in keyBase..<Int(other.keyStarts[other.count]) {
            let key = other.keys[k]
            let local = Int(key)
            if map[local] == .max { map[local] = ids.intern(key, of: otherIDs) }
            keys.append(map[local])
        }
        keyStarts.append(contentsOf: other.keyStarts[(first + 1)...].lazy.map { $0 &+ keyShift })
        requests.reserveCapacity(adding: other.requests.count)
        for (i, r) in other.requests where i >= first { requests[base + i - first] = r }
    }
}
