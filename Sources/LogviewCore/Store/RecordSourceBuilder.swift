/// Builds a source from records that are not lines of a file (journal entries, remote results).
///
/// Each record's message bytes are copied into an arena that becomes the source's one segment,
/// so the rest of the pipeline (merge, query, writers) treats them like file entries. Records may
/// arrive in any time order. Not thread-safe.
public struct RecordSourceBuilder {
    private var arena: UnsafeMutableRawBufferPointer
    private var used = 0
    private var columns = EntryColumns()
    private var ids = IDTable()
    private let parser: (any LineParser)?
    public let name: String
    public let formatName: String

    /// `parser` (optional) reads each message's first line for level and ids, as the matching
    /// format would read a file line; the record's own timestamp stays authoritative.
    public init(name: String, formatName: String, parser: (any LineParser)?) {
        self.name = name
        self.formatName = formatName
        self.parser = parser
        arena = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 16)
    }

    public var count: Int { columns.count }

    /// Adds one record. `level` is used when the message's own format gives none.
    /// `extraIDs` are ids from structured fields (`REQUEST_ID=`), with their kinds. `parser`, when
    /// given, reads this record instead of the builder's (a source whose records come in several
    /// formats, like a Loki selector spanning several jobs).
    public mutating func append(
        message: UnsafeRawBufferPointer, timestamp: Timestamp, precision: TimePrecision, level: Level,
        session: UInt64 = 0, extraIDs: [(UnsafeRawBufferPointer, IDKind)] = [], parser recordParser: (any LineParser)? = nil
    ) {
        reserve(message.count + 1)
        let offset = used
        if message.count > 0 { (arena.baseAddress! + used).copyMemory(from: message.baseAddress!, byteCount: message.count) }
        used += message.count
        let stored = UnsafeRawBufferPointer(rebasing: arena[offset..<used])
        var facts = LineFacts()
        var lines = 1
        var firstEnd = stored.firstIndex(of: 0x0A, from: 0) ?? stored.count
        var k = firstEnd
        while k < stored.count {
            lines += 1
            k = stored.firstIndex(of: 0x0A, from: k + 1) ?? stored.count
        }
        if firstEnd > 0, stored[firstEnd - 1] == 0x0D { firstEnd -= 1 }
        var messageStart = 0
        var skip = 0
        while skip < firstEnd, stored[skip] == 0 { skip += 1 }
        let firstLine = stored.slice(skip, firstEnd)
        if let parser = recordParser ?? parser, parser.scan(firstLine, into: &facts) == .start {
            messageStart = min(facts.messageStart + skip, firstEnd)
        }
        let parsedLevel = facts.level
        let parsedIDs = facts.ids
        facts.timestamp = timestamp
        facts.precision = precision
        facts.level = parsedLevel == .unknown ? level : parsedLevel
        if session != 0 { facts.session = session }
        columns.append(facts: facts, segment: 0, offset: Int64(offset), length: stored.count, line: 0,
            messageStart: messageStart)
        if lines > 1 { for _ in 1..<lines { columns.extendLast(toLength: stored.count) } }
        for i in 0..<parsedIDs.count {
            columns.appendKeyToLast(ids.intern(firstLine.slice(parsedIDs[i].range), kind: parsedIDs[i].kind))
        }
        for (bytes, kind) in extraIDs where bytes.count > 0 {
            columns.appendKeyToLast(ids.intern(bytes, kind: kind))
        }
    }

    /// Appends every record of `other` after this builder's records, as if appended here (a
    /// source read in parallel parts and joined in order). Copies their bytes once; ids are
    /// re-interned per distinct id, not per record. `other` must not be used afterwards.
    public mutating func append(contentsOf other: consuming RecordSourceBuilder) {
        let shift = Int64(used)
        reserve(other.used)
        if other.used > 0 { (arena.baseAddress! + used).copyMemory(from: other.arena.baseAddress!, byteCount: other.used) }
        used += other.used
        var keyMap: [UInt32] = []
        keyMap.reserveCapacity(other.ids.count)
        for k in 0..<UInt32(other.ids.count) {
            var text = other.ids.text(of: k)
            let kind = other.ids.kind(of: k)
            keyMap.append(text.withUTF8 { ids.intern(UnsafeRawBufferPointer($0), kind: kind) })
        }
        let o = other.columns
        for i in 0..<o.count {
            var facts = LineFacts()
            facts.timestamp = o.timestamp(i)
            facts.precision = o.precision(i)
            facts.level = o.level(i)
            facts.session = o.sessions[i]
            let length = Int(o.lengths[i])
            columns.append(facts: facts, segment: 0, offset: o.offsets[i] + shift, length: length, line: 0,
                messageStart: Int(o.messageStarts[i]))
            if o.lineCounts[i] > 1 { for _ in 1..<Int(o.lineCounts[i]) { columns.extendLast(toLength: length) } }
            for key in o.keys(of: i) { columns.appendKeyToLast(keyMap[Int(key)]) }
        }
        other.arena.deallocate()
    }

    private mutating func reserve(_ n: Int) {
        guard used + n > arena.count else { return }
        var size = arena.count * 2
        while size < used + n { size *= 2 }
        let bigger = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 16)
        if used > 0 { bigger.baseAddress!.copyMemory(from: arena.baseAddress!, byteCount: used) }
        arena.deallocate()
        arena = bigger
    }

    /// The finished source. `label` names the segment (e.g. `journal:backend.service`); `details`
    /// supplies per-entry fields for JSON and the detail view.
    public consuming func finish(label: String, details: (any EntryDetailProvider)?) -> SourceIndex {
        // A small batch (a live follow step) keeps only what it uses, not the arena's spare room.
        if used < arena.count / 2 {
            let exact = UnsafeMutableRawBufferPointer.allocate(byteCount: max(used, 1), alignment: 16)
            if used > 0 { exact.baseAddress!.copyMemory(from: arena.baseAddress!, byteCount: used) }
            arena.deallocate()
            arena = exact
        }
        let bytes = SegmentBytes(bytes: UnsafeRawBufferPointer(rebasing: arena[0..<used])) { b in
            UnsafeMutableRawPointer(mutating: b.baseAddress)?.deallocate()
        }
        let segment = Segment(path: label, data: bytes, modified: Timestamp(nanoseconds: 0))
        return SourceIndex(
            name: name, formatName: formatName, segments: [segment], entries: columns, ids: ids,
            parser: parser ?? NoParser(), details: details)
    }
}

/// Supplies what a record-backed entry has instead of a file and line (a journal cursor and fields).
public protocol EntryDetailProvider: AnyObject, Sendable {
    /// Appends the JSON members that replace `"file"` and `"line"`, without a leading comma,
    /// e.g. `"cursor":"s=...","fields":{"_PID":"1234"}`.
    func appendJSONMembers(entry: Int, to out: inout [UInt8])
    /// All fields of an entry for the detail view.
    func fields(of entry: Int) -> [Field]
    /// Forgets the first `count` entries (a long follow trimmed them), so entry i + count becomes
    /// entry i; false if this provider cannot, and the source is then kept whole.
    func dropFirst(_ count: Int) -> Bool
}

extension EntryDetailProvider {
    public func dropFirst(_ count: Int) -> Bool { false }
}

final class NoParser: LineParser {
    func scan(_ line: UnsafeRawBufferPointer, into facts: inout LineFacts) -> LineKind { .start }
}
