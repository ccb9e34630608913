/// One indexed source: its name, format, files and entry columns.
public final class SourceIndex: @unchecked Sendable {
    public let name: String
    public let formatName: String
    public internal(set) var segments: [Segment]
    public internal(set) var entries: EntryColumns
    /// Ids in this source's local key space until the timeline re-keys them globally.
    var localIDs: IDTable
    /// Entry indices in time order (stable), or nil when the file order already is.
    public internal(set) var timeOrder: [UInt32]?
    /// The parser that read the source, kept for `annotate` in the detail view.
    let parser: any LineParser
    /// The finest precision any entry of this source has.
    public internal(set) var finestPrecision: TimePrecision
    /// For record-backed sources (the journal): cursor and fields instead of file and line.
    public let details: (any EntryDetailProvider)?

    init(name: String, formatName: String, segments: [Segment], entries: EntryColumns, ids: IDTable,
        parser: any LineParser, details: (any EntryDetailProvider)? = nil)
    {
        self.details = details
        self.name = name
        self.formatName = formatName
        self.segments = segments
        self.entries = entries
        self.localIDs = ids
        self.parser = parser
        var finest = TimePrecision.seconds
        for m in entries.meta {
            let p = TimePrecision(rawValue: m >> 4) ?? .seconds
            if p > finest { finest = p }
            if finest == .nanoseconds { break }
        }
        finestPrecision = finest
        timeOrder = SourceIndex.stableTimeOrder(entries.timestamps)
    }

    /// The raw bytes of entry `i` (all its physical lines, without the final newline), read
    /// through the calling thread's `SegmentReader` when the segment is file-backed.
    public func withBytes<R>(of i: Int, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        SegmentReader.current.withBytes(
            segments[Int(entries.segments[i])].data, offset: Int(entries.offsets[i]), count: Int(entries.lengths[i]), body)
    }

    /// Where the message starts in `bytes`, the bytes read for entry `i`: 0 when they are not the
    /// entry's (the placeholder of a file that lost them), so the placeholder is shown whole.
    @inline(__always)
    public func messageStart(of i: Int, in bytes: UnsafeRawBufferPointer) -> Int {
        bytes.count == Int(entries.lengths[i]) ? Int(entries.messageStarts[i]) : 0
    }

    /// The bytes of entry `i` through `reader`, valid until its next read (hot loops).
    public func bytes(of i: Int, using reader: SegmentReader) -> UnsafeRawBufferPointer {
        reader.bytes(segments[Int(entries.segments[i])].data, offset: Int(entries.offsets[i]), count: Int(entries.lengths[i]))
    }

    public func path(of i: Int) -> String { segments[Int(entries.segments[i])].path }

    /// Newlines in segment `s`, from the index rather than the bytes: every physical line is in
    /// one entry, so it is the number of the segment's last line, less one if that line has no
    /// newline. Where following a file goes on numbering.
    public func newlineCount(inSegment s: Int) -> Int {
        guard let i = entries.segments.lastIndex(of: UInt32(truncatingIfNeeded: s)) else { return 0 }
        let lastLine = Int(entries.lines[i]) + Int(entries.lineCounts[i]) - 1
        let data = segments[s].data
        var last: UInt8 = 0x0A
        _ = withUnsafeMutableBytes(of: &last) { data.read(into: $0, at: data.count - 1) }
        return last == 0x0A ? lastLine : lastLine - 1
    }

    /// All fields of entry `i` for the detail view.
    public func fields(of i: Int) -> [Field] {
        if let details { return details.fields(of: i) }
        return withBytes(of: i) { parser.annotate($0) }
    }

    /// Keeps the source's time order and finest precision after entries `range` were appended:
    /// the order is extended, or rebuilt when an entry went back in time (`lastTime`: the time of
    /// the entry before `range`).
    func noteAppended(_ range: Range<Int>, after lastTime: Int64?) {
        guard !range.isEmpty else { return }
        for i in range where entries.precision(i) > finestPrecision { finestPrecision = entries.precision(i) }
        var ordered = timeOrder == nil
        if ordered, let last = lastTime, entries.timestamps[range.lowerBound] < last { ordered = false }
        if ordered { for i in range.dropFirst() where entries.timestamps[i] < entries.timestamps[i - 1] { ordered = false; break } }
        if !ordered { timeOrder = SourceIndex.stableTimeOrder(entries.timestamps) }
    }

    static func stableTimeOrder(_ ts: [Int64]) -> [UInt32]? {
        var sorted = true
        for i in ts.indices.dropFirst() where ts[i] < ts[i - 1] {
            sorted = false
            break
        }
        if sorted { return nil }
        var order = (0..<UInt32(ts.count)).map { $0 }
        order.sort { ts[Int($0)] != ts[Int($1)] ? ts[Int($0)] < ts[Int($1)] : $0 < $1 }
        return order
    }

    /// Entry index of the k-th entry in time order.
    @inline(__always)
    public func entry(atTimeRank k: Int) -> Int { timeOrder.map { Int($0[k]) } ?? k }
}
