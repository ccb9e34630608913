extension Timeline {
    /// Appends a batch of record-backed entries (a Loki page, a tail frame, gatewayd entries built
    /// with `RecordSourceBuilder`) to source `s`, so a remote source grows as its pages arrive.
    /// The batch's segment joins the source's segments and its ids join the shared key space.
    /// Returns the new entries in time order. Not thread-safe, like `ingest`.
    @discardableResult
    public func appendRecords(_ batch: SourceIndex, to s: Int) -> [EntryRef] {
        let src = sources[s]
        guard batch.entries.count > 0 else { return [] }
        let before = src.entries.count
        let lastTime = src.entries.timestamps.last
        linkCorrelation()
        linkedCorrelation.adoptLocalKeys(of: batch)
        src.entries.append(batch.entries, segmentOffset: src.segments.count)
        src.segments.append(contentsOf: batch.segments)
        src.noteAppended(before..<src.entries.count, after: lastTime)
        let range = before..<src.entries.count
        linkedCorrelation.add(sources: sources, ranges: sources.indices.map { $0 == s ? range : 0..<0 })
        var refs = range.map { EntryRef(source: s, entry: $0) }
        sortInTimeOrder(&refs)
        merge(refs)
        generation += 1
        return refs
    }
}

extension EntryColumns {
    /// Appends every entry of `other`, renumbering its segments after the ones already here.
    mutating func append(_ other: EntryColumns, segmentOffset: Int) {
        let base = count
        let keyBase = UInt32(keys.count)
        timestamps.append(contentsOf: other.timestamps)
        segments.append(contentsOf: other.segments.map { $0 + UInt32(segmentOffset) })
        offsets.append(contentsOf: other.offsets)
        lengths.append(contentsOf: other.lengths)
        lines.append(contentsOf: other.lines)
        lineCounts.append(contentsOf: other.lineCounts)
        meta.append(contentsOf: other.meta)
        messageStarts.append(contentsOf: other.messageStarts)
        sessions.append(contentsOf: other.sessions)
        keyStarts.append(contentsOf: other.keyStarts.dropFirst().map { $0 + keyBase })
        keys.append(contentsOf: other.keys)
        for (i, r) in other.requests { requests[base + i] = r }
    }
}
