extension SourceIndexer {
    /// Indexes a file-backed segment by reading it in blocks of whole lines (`IndexingOptions
    /// .readBytes`; a longer line grows its block), indexing each block and dropping it: the
    /// file's bytes are never all in memory. Entry for entry the same as scanning the whole file
    /// at once. A file that shrinks while it is read ends where its bytes ran out.
    static func scanInBlocks(
        _ segment: Segment, number: Int, parser: any LineParser, makeParser: () throws -> any LineParser,
        indexing: IndexingOptions, columns: inout EntryColumns, ids: inout IDTable
    ) throws -> any LineParser {
        let data = segment.data
        var buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(1, min(indexing.readBytes, data.count)), alignment: 16)
        defer { buffer.deallocate() }
        var progress = ChunkedScan.SegmentProgress(firstEntry: columns.count, lines: segment.firstLine - 1)
        var current = parser
        let chunked = indexing.threads > 1 && parser.resynchronizesAtEntryStart
        var base = 0  // the segment offset of buffer[0]
        var filled = 0
        while true {
            if filled == buffer.count {
                // One line longer than the block: grow the block until its newline is in.
                let bigger = UnsafeMutableRawBufferPointer.allocate(byteCount: buffer.count * 2, alignment: 16)
                bigger.copyMemory(from: UnsafeRawBufferPointer(buffer))
                buffer.deallocate()
                buffer = bigger
            }
            let wanted = min(buffer.count - filled, data.count - (base + filled))
            let got = data.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[filled..<(filled + wanted)]), at: base + filled)
            filled += got
            let atEnd = got < wanted || base + filled >= data.count
            let block = UnsafeRawBufferPointer(rebasing: buffer[0..<filled])
            var cut = filled
            if !atEnd {
                guard let lastNewline = block.lastIndex(of: 0x0A) else { continue }
                cut = lastNewline + 1
            }
            let lines = UnsafeRawBufferPointer(rebasing: buffer[0..<cut])
            if chunked && cut > indexing.chunkBytes {
                current = try ChunkedScan.scanBlock(
                    lines, base: base, number: number, parser: current, makeParser: makeParser, indexing: indexing,
                    columns: &columns, ids: &ids, progress: &progress)
            } else {
                let continuing = columns.count > progress.firstEntry
                let result = scanLines(
                    lines, from: 0, to: cut, segment: number, parser: current, columns: &columns, ids: &ids,
                    firstLine: progress.lines + 1, open: continuing, base: base)
                if !continuing { progress.leadingOrphan = result.leadingOrphan }
                progress.lines += result.lines
            }
            if atEnd { break }
            reserveForRest(of: data.count, after: base + cut, from: progress.firstEntry, in: &columns, ids: &ids)
            // The bytes after the block's last newline start the next block.
            if cut < filled { buffer.baseAddress!.copyMemory(from: buffer.baseAddress! + cut, byteCount: filled - cut) }
            base += cut
            filled -= cut
        }
        if progress.leadingOrphan { dateOrphan(progress.firstEntry, in: &columns, segment: segment) }
        return current
    }

    /// Sizes the columns for the whole segment, projected from what was read so far (6% over),
    /// so they do not grow by doubling block after block: doubling leaves up to half the
    /// capacity unused and holds old and new storage at once while it copies. The projection is
    /// renewed after every block and acted on only when it outgrows the capacity.
    /// The id table is sized the same way: growing it by doubling rehashed every id ten times
    /// over and zeroed a fresh table each time.
    private static func reserveForRest(
        of total: Int, after read: Int, from firstEntry: Int, in columns: inout EntryColumns, ids: inout IDTable
    ) {
        let entries = columns.count - firstEntry
        guard let scale = projectionScale(total: total, read: read), entries > 0 else { return }
        if ids.collects, ids.count > 0 {
            ids.reserveCapacity(Int(Double(ids.count) * scale) + 16, bytes: Int(Double(ids.storedBytes) * scale) + 64)
        }
        let firstKey = Int(columns.keyStarts[firstEntry])
        let wanted = firstEntry + Int(Double(entries) * scale) + 16
        let wantedKeys = firstKey + Int(Double(columns.keys.count - firstKey) * scale) + 16
        guard wanted > columns.capacity || wantedKeys > columns.keys.capacity else { return }
        columns.reserveCapacity(wanted, keys: wantedKeys, exactly: true)
    }

    /// How many times the first block's entries the whole segment is projected to hold, or nil
    /// when the first block is too small a sample: a file that opens with a short line and then
    /// a line longer than a block would otherwise project billions of entries from one.
    static func projectionScale(total: Int, read: Int) -> Double? {
        guard read > 0, read >= min(total, projectionSampleBytes) else { return nil }
        return Double(total) / Double(read) * 1.06
    }

    static let projectionSampleBytes = 1 << 20
}
