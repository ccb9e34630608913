/// One `Timeline.dropOldest` step: how many entries each source lost from the front, so views
/// can carry their references (selection, marks, held entries) over to the trimmed timeline.
public struct TimelineTrim: Sendable, Equatable {
    /// Per source, entries removed from the front of its file order in this step.
    public let droppedPerSource: [Int]
    /// Per old correlation key, its key after the step (`UInt32.max` for an id that is gone).
    public let keyMap: [UInt32]

    /// Entries removed in this step.
    public var droppedCount: Int { droppedPerSource.reduce(0, +) }

    /// The same entry after the step, or nil if it was dropped.
    public func map(_ ref: EntryRef) -> EntryRef? {
        guard ref.source < droppedPerSource.count else { return ref }
        let k = droppedPerSource[ref.source]
        return ref.entry < k ? nil : EntryRef(source: ref.source, entry: ref.entry - k)
    }

    /// The correlation key after the step (any key of a group names the group), or nil if gone.
    public func map(key: UInt32) -> UInt32? {
        guard Int(key) < keyMap.count else { return nil }
        let k = keyMap[Int(key)]
        return k == .max ? nil : k
    }
}

extension Timeline {
    /// Entries dropped from memory since the timeline was built, over all sources.
    public var droppedCount: Int { dropped.reduce(0) { $0 + $1.count } }

    /// What was dropped from source `s` (nothing for a source never trimmed).
    public func dropped(source s: Int) -> DroppedEntries { s < dropped.count ? dropped[s] : DroppedEntries() }

    /// Keeps a follow session bounded: when more than `budget`·5/4 entries are held, drops the
    /// oldest in timeline order until `budget` remain (the slack makes the O(budget) compaction
    /// run once per budget/4 new entries, so its cost per entry is constant).
    ///
    /// Each source loses only a prefix of its file order that lies wholly among the oldest
    /// `count - budget` positions (a source out of time order keeps what it must), and always keeps
    /// its last entry (lines that arrive later may continue it). Segments no kept entry uses are
    /// freed and the rest renumbered; the ids only dropped entries had leave the id table and the
    /// correlation is rebuilt over the kept entries. A record source's details drop their first
    /// entries alongside (`EntryDetailProvider.dropFirst`); one whose details cannot is kept whole.
    ///
    /// Bumps `generation` and sets `firstChangedPosition` to 0 (every position may have moved).
    /// Returns the step, or nil when nothing was dropped. Not thread-safe, like `ingest`.
    @discardableResult
    public func dropOldest(keeping budget: Int) -> TimelineTrim? {
        let budget = max(budget, 1)
        guard count > budget, count - budget > budget / 4 else { return nil }  // no overflow at Int.max
        let cut = count - budget
        // Per source, the first entry that must stay: the lowest entry index at or after `cut`.
        var keepFrom = sources.map { max($0.entries.count - 1, 0) }
        for p in cut..<count {
            let r = order[p]
            if r.entry < keepFrom[r.source] { keepFrom[r.source] = r.entry }
        }
        guard keepFrom.contains(where: { $0 > 0 }) else { return nil }
        let linked = correlationLinked
        while dropped.count < sources.count { dropped.append(DroppedEntries()) }
        for (s, src) in sources.enumerated() where keepFrom[s] > 0 {
            if let details = src.details, !details.dropFirst(keepFrom[s]) {
                keepFrom[s] = 0
                continue
            }
            noteDropped(source: s, upTo: keepFrom[s])
            let kept = src.entries.removeFirst(keepFrom[s])
            src.segments = kept.map { src.segments[$0] }
            src.timeOrder = SourceIndex.stableTimeOrder(src.entries.timestamps)
        }
        guard keepFrom.contains(where: { $0 > 0 }) else { return nil }
        let keyMap = compactIDs()
        var newOrder: [EntryRef] = []
        var newTimes: [Int64] = []
        newOrder.reserveCapacity(budget)
        newTimes.reserveCapacity(budget)
        for (p, r) in order.enumerated() where r.entry >= keepFrom[r.source] {
            newOrder.append(EntryRef(source: r.source, entry: r.entry - keepFrom[r.source]))
            newTimes.append(times[p])
        }
        order = newOrder
        times = newTimes
        if linked { linkedCorrelation.add(sources: sources, ranges: sources.map { 0..<$0.entries.count }) }
        let trim = TimelineTrim(droppedPerSource: keepFrom, keyMap: keyMap)
        extendedEntry = extendedEntry.flatMap { trim.map($0) }
        firstChangedPosition = 0
        generation += 1
        return trim
    }

    /// Adds entries `0..<k` of source `s` to what it has dropped: file lines by path, merged with
    /// the previous span of the same file.
    private func noteDropped(source s: Int, upTo k: Int) {
        let src = sources[s]
        let e = src.entries
        dropped[s].count += k
        var spans = dropped[s].lines
        // Entries of one segment run together: its path is looked at once per run, not per entry.
        var i = 0
        while i < k {
            let segment = e.segments[i]
            var first = Int.max, last = 0
            while i < k && e.segments[i] == segment {
                if e.lines[i] > 0 {
                    first = min(first, Int(e.lines[i]))
                    last = max(last, Int(e.lines[i]) + Int(e.lineCounts[i]) - 1)
                }
                i += 1
            }
            guard last > 0 else { continue }
            let path = src.segments[Int(segment)].path
            if let j = spans.indices.last, spans[j].path == path {
                spans[j].first = min(spans[j].first, first)
                spans[j].last = max(spans[j].last, last)
            } else {
                spans.append(DroppedLines(path: path, first: first, last: last))
            }
        }
        dropped[s].lines = spans
    }

    /// Keeps only the ids the sources' entries still carry, re-keys the entries, and starts the
    /// correlation afresh on the smaller table; returns the old-to-new key map.
    private func compactIDs() -> [UInt32] {
        let old = linkedCorrelation.ids
        var used = [Bool](repeating: false, count: old.count)
        for src in sources {
            for k in src.entries.keys { used[Int(k)] = true }
        }
        let (table, map) = old.compacted(keeping: used)
        for src in sources where !src.entries.keys.isEmpty { src.entries.remapKeys(map) }
        var fresh = Correlation(adopting: [])
        fresh.withIDs { $0 = table }
        linkedCorrelation = fresh
        return map
    }
}

extension Timeline {
    /// The position of `ref` in `order`, or nil if it is not there. O(log n): the order is sorted
    /// by time, then by reference.
    public func position(of ref: EntryRef) -> Int? {
        guard ref.source < sources.count, ref.entry < sources[ref.source].entries.count else { return nil }
        let t = sources[ref.source].entries.timestamps[ref.entry]
        var lo = 0, hi = order.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if times[mid] < t || (times[mid] == t && order[mid] < ref) { lo = mid + 1 } else { hi = mid }
        }
        return lo < order.count && order[lo] == ref ? lo : nil
    }
}
