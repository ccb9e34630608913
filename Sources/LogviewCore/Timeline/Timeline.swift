/// All sources merged into one time order.
///
/// The merge is stable: equal timestamps keep source order, then file order (DESIGN.md #4).
/// Lines out of order inside a file are placed by their timestamp.
public final class Timeline: @unchecked Sendable {
    public private(set) var sources: [SourceIndex]
    /// Every entry of every source, in time order.
    public internal(set) var order: [EntryRef]
    /// Timestamps parallel to `order`, for binary search.
    public internal(set) var times: [Int64]
    /// Ids are adopted into one key space at once; the links (union-find, sessions, HTTP matches)
    /// are built on first use, so a print run that never pivots by id does not pay for them.
    public var correlation: Correlation {
        linkCorrelation()
        return linkedCorrelation
    }
    var linkedCorrelation: Correlation
    var correlationLinked = false
    /// Per source, what `dropOldest` removed from memory (Timeline+Trim).
    public internal(set) var dropped: [DroppedEntries] = []
    /// Bumped by every `ingest`; views compare it to know when to refresh.
    public internal(set) var generation = 0
    /// The lowest position the last `ingest` changed (entries before it kept their positions).
    public internal(set) var firstChangedPosition = 0
    /// The entry the last `ingest` extended with continuation lines (it keeps its place), or nil.
    public internal(set) var extendedEntry: EntryRef?

    public init(sources: [SourceIndex]) {
        self.sources = sources
        linkedCorrelation = Correlation(adopting: sources)
        (order, times) = Timeline.merge(sources)
    }

    public var count: Int { order.count }

    func linkCorrelation() {
        guard !correlationLinked else { return }
        correlationLinked = true
        linkedCorrelation.add(sources: sources, ranges: sources.map { 0..<$0.entries.count })
    }

    /// Adds a source that appeared after start (a file created while following, a new remote
    /// stream) and merges its entries; returns its number. Not thread-safe, like `ingest`.
    @discardableResult
    public func addSource(_ source: SourceIndex) -> Int {
        linkCorrelation()
        let s = sources.count
        sources.append(source)
        linkedCorrelation.adoptLocalKeys(of: source)
        linkedCorrelation.add(sources: sources, ranges: sources.indices.map { $0 == s ? 0..<source.entries.count : 0..<0 })
        var refs = (0..<source.entries.count).map { EntryRef(source: s, entry: source.entry(atTimeRank: $0)) }
        sortInTimeOrder(&refs)
        merge(refs)
        generation += 1
        return s
    }

    /// Adds entries read live to source `s`: `segment` holds whole entries (the reader holds back
    /// an entry until its last line is in), numbered from `firstLine` of their file. Parsing
    /// continues with the source's own parser, so multi-line state carries over. Returns the new
    /// entries in time order. Not thread-safe: call from the thread that owns the timeline.
    ///
    /// Continuation lines at the top of `segment` (a stack trace whose first lines came in the
    /// previous batch) extend the source's last entry in place; `extendedEntry` then names it.
    /// `continuing` false (the first lines after the file was truncated) starts afresh instead.
    @discardableResult
    public func ingest(source s: Int, segment: Segment, firstLine: Int, continuing: Bool = true) -> [EntryRef] {
        let src = sources[s]
        let before = src.entries.count
        let lastTime = src.entries.timestamps.last
        linkCorrelation()
        extendedEntry = nil
        // Prefix a copy of the last entry so continuation lines can join it (entries are contiguous).
        var scanned = segment
        var resumeAt = 0
        if before > 0, continuing, segment.data.count > 0 {
            let length = Int(src.entries.lengths[before - 1])
            let joined = src.withBytes(of: before - 1) { last -> Segment? in
                // A file that lost the entry's bytes reads as a placeholder of another length:
                // offsets into the copy would be wrong, so the batch starts afresh.
                guard last.count == length else { return nil }
                let total = last.count + 1 + segment.data.count
                let p = UnsafeMutableRawBufferPointer.allocate(byteCount: total, alignment: 16)
                if last.count > 0 { p.baseAddress!.copyMemory(from: last.baseAddress!, byteCount: last.count) }
                p[last.count] = 0x0A
                _ = segment.data.read(into: UnsafeMutableRawBufferPointer(rebasing: p[(last.count + 1)...]), at: 0)
                let data = SegmentBytes(bytes: UnsafeRawBufferPointer(p)) { b in UnsafeMutableRawPointer(mutating: b.baseAddress)?.deallocate() }
                return Segment(path: segment.path, data: data, modified: segment.modified)
            }
            if let joined {
                scanned = joined
                resumeAt = length + 1
            }
        }
        let lastLines = before > 0 ? src.entries.lineCounts[before - 1] : 0
        let lastKeys = before > 0 ? src.entries.keys(of: before - 1).count : 0
        linkedCorrelation.withIDs { ids in
            SourceIndexer.scan(scanned, number: src.segments.count, parser: src.parser, columns: &src.entries,
                ids: &ids, firstLine: firstLine, resumeAt: resumeAt)
        }
        src.segments.append(scanned)
        var correlated = before..<src.entries.count
        if before > 0, src.entries.lineCounts[before - 1] != lastLines {
            extendedEntry = EntryRef(source: s, entry: before - 1)
            generation += 1
            if src.entries.keys(of: before - 1).count != lastKeys { correlated = before - 1..<src.entries.count }
        }
        let range = before..<src.entries.count
        guard !range.isEmpty else {
            if correlated.count > 0 { linkedCorrelation.add(sources: sources, ranges: sources.indices.map { $0 == s ? correlated : 0..<0 }) }
            return []
        }
        src.noteAppended(range, after: lastTime)
        linkedCorrelation.add(sources: sources, ranges: sources.indices.map { $0 == s ? correlated : 0..<0 })
        var refs = range.map { EntryRef(source: s, entry: $0) }
        sortInTimeOrder(&refs)
        merge(refs)
        generation += 1
        return refs
    }

    /// Merges `refs` (new entries, in timeline order) into `order`/`times` and sets
    /// `firstChangedPosition`: appended when they all come after the last entry, else the tail from
    /// the first one's time on is re-sorted with them (cheaper than one insert per late entry).
    func merge(_ refs: [EntryRef]) {
        firstChangedPosition = order.count
        guard let first = refs.first else { return }
        let t = timestamp(first).nanoseconds
        if let lastMerged = times.last, t < lastMerged || (t == lastMerged && first < order[order.count - 1]) {
            let p = position(atOrAfter: timestamp(first))
            var tail = Array(order[p...])
            tail.append(contentsOf: refs)
            sortInTimeOrder(&tail)
            order.replaceSubrange(p..., with: tail)
            times.replaceSubrange(p..., with: tail.map { sources[$0.source].entries.timestamps[$0.entry] })
            firstChangedPosition = p
        } else {
            order.append(contentsOf: refs)
            times.append(contentsOf: refs.map { sources[$0.source].entries.timestamps[$0.entry] })
        }
    }

    public func timestamp(_ ref: EntryRef) -> Timestamp {
        Timestamp(nanoseconds: sources[ref.source].entries.timestamps[ref.entry])
    }

    /// Position of the first entry at or after `t`. O(log n).
    public func position(atOrAfter t: Timestamp) -> Int {
        var lo = 0, hi = times.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if times[mid] < t.nanoseconds { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// Sorts refs into timeline order: time, then source, then file position.
    public func sortInTimeOrder(_ refs: inout [EntryRef]) {
        refs.sort { a, b in
            let ta = sources[a.source].entries.timestamps[a.entry]
            let tb = sources[b.source].entries.timestamps[b.entry]
            return ta != tb ? ta < tb : a.raw < b.raw
        }
    }

    /// K-way merge of the sources' time orders with a small binary heap.
    static func merge(_ sources: [SourceIndex]) -> ([EntryRef], [Int64]) {
        let total = sources.reduce(0) { $0 + $1.entries.count }
        var order: [EntryRef] = []
        var times: [Int64] = []
        order.reserveCapacity(total)
        times.reserveCapacity(total)
        // Heap of (time, source) with a cursor per source.
        var cursor = [Int](repeating: 0, count: sources.count)
        var heap: [(Int64, Int)] = []
        func less(_ a: (Int64, Int), _ b: (Int64, Int)) -> Bool { a.0 != b.0 ? a.0 < b.0 : a.1 < b.1 }
        func push(_ x: (Int64, Int)) {
            heap.append(x)
            var i = heap.count - 1
            while i > 0 {
                let p = (i - 1) / 2
                if less(heap[i], heap[p]) {
                    heap.swapAt(i, p)
                    i = p
                } else { break }
            }
        }
        func popMin() -> (Int64, Int) {
            let top = heap[0]
            let last = heap.removeLast()
            if !heap.isEmpty {
                heap[0] = last
                var i = 0
                while true {
                    let l = 2 * i + 1, r = l + 1
                    var m = i
                    if l < heap.count, less(heap[l], heap[m]) { m = l }
                    if r < heap.count, less(heap[r], heap[m]) { m = r }
                    if m == i { break }
                    heap.swapAt(i, m)
                    i = m
                }
            }
            return top
        }
        for (s, src) in sources.enumerated() where src.entries.count > 0 {
            push((src.entries.timestamps[src.entry(atTimeRank: 0)], s))
        }
        while !heap.isEmpty {
            let (t, s) = popMin()
            let src = sources[s]
            // Drain this source while it stays strictly before the next source's head.
            var k = cursor[s]
            let limit = heap.first
            while k < src.entries.count {
                let e = src.entry(atTimeRank: k)
                let te = src.entries.timestamps[e]
                if k > cursor[s], let (lt, ls) = limit, !(te < lt || (te == lt && s < ls)) { break }
                order.append(EntryRef(source: s, entry: e))
                times.append(te)
                k += 1
            }
            cursor[s] = k
            if k < src.entries.count { push((src.entries.timestamps[src.entry(atTimeRank: k)], s)) }
            _ = t
        }
        return (order, times)
    }
}
