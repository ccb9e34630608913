import LogviewCore

/// The rows of a pane: positions in `Timeline.order` that pass the pane's filter and the pivot.
///
/// Built once when a filter or pivot changes (a range when nothing filters entries one by one, so
/// an unfiltered pane costs nothing), extended when live entries are appended, and searched by
/// time with binary search (timeline positions are in time order).
public struct PaneRows: Sendable {
    enum Storage: Sendable {
        case range(Range<Int>)
        case list([Int32])
    }

    var storage: Storage
    /// The timeline's `count` when these rows were built or last extended.
    var builtCount: Int
    /// Rows (indices into this pane) at level error or worse, ascending: the histogram marks
    /// buckets with errors by binary search instead of scanning them.
    var errorRows: [Int32] = []

    public var count: Int {
        switch storage {
        case .range(let r): return r.count
        case .list(let l): return l.count
        }
    }

    /// The timeline position of row `i`.
    @inline(__always)
    public func position(_ i: Int) -> Int {
        switch storage {
        case .range(let r): return r.lowerBound + i
        case .list(let l): return Int(l[i])
        }
    }

    /// The first row whose timeline position is at or after `p`. O(log n).
    public func row(atOrAfterPosition p: Int) -> Int {
        switch storage {
        case .range(let r): return min(max(p - r.lowerBound, 0), r.count)
        case .list(let l):
            var lo = 0, hi = l.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if Int(l[mid]) < p { lo = mid + 1 } else { hi = mid }
            }
            return lo
        }
    }

    /// The row nearest in time to `t` (ties: the earlier). O(log n).
    public func row(nearest t: Timestamp, in timeline: Timeline) -> Int {
        guard count > 0 else { return 0 }
        let p = timeline.position(atOrAfter: t)
        let r = row(atOrAfterPosition: p)
        if r >= count { return count - 1 }
        if r == 0 { return 0 }
        let after = timeline.times[position(r)] - t.nanoseconds
        let before = t.nanoseconds - timeline.times[position(r - 1)]
        return before <= after ? r - 1 : r
    }

    /// Builds the rows of `filter` under `pivots` (all of them apply).
    static func build(_ timeline: Timeline, filter: PaneFilter, pivots: [Pivot]) -> PaneRows {
        let test = RowTest(timeline, filter: filter, pivots: pivots)
        var rows = PaneRows(storage: .range(0..<0), builtCount: timeline.count)
        if let members = test.members {
            rows.storage = .list(members.filter { test.passes(Int($0)) })
        } else if test.checksEachEntry {
            var list: [Int32] = []
            for p in test.bounds where test.passes(p) { list.append(Int32(truncatingIfNeeded: p)) }
            rows.storage = .list(list)
        } else {
            rows.storage = .range(test.bounds)
        }
        rows.collectErrors(timeline, from: 0)
        return rows
    }

    /// Appends the error rows among rows `from...`.
    mutating func collectErrors(_ timeline: Timeline, from: Int) {
        for r in from..<count {
            let ref = timeline.order[position(r)]
            if timeline.sources[ref.source].entries.level(ref.entry) >= .error { errorRows.append(Int32(r)) }
        }
    }

    /// Whether some row in `range` is an error. O(log n).
    func hasError(in range: Range<Int>) -> Bool {
        var lo = 0, hi = errorRows.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if Int(errorRows[mid]) < range.lowerBound { lo = mid + 1 } else { hi = mid }
        }
        return lo < errorRows.count && Int(errorRows[lo]) < range.upperBound
    }

    /// Adds the rows among timeline positions `builtCount..<timeline.count` (entries appended
    /// live). Returns how many were added.
    mutating func extend(_ timeline: Timeline, filter: PaneFilter, pivots: [Pivot]) -> Int {
        let before = count
        let added = appendNew(timeline, filter: filter, pivots: pivots)
        collectErrors(timeline, from: before)
        return added
    }

    private mutating func appendNew(_ timeline: Timeline, filter: PaneFilter, pivots: [Pivot]) -> Int {
        let from = builtCount
        builtCount = timeline.count
        guard from < timeline.count else { return 0 }
        let test = RowTest(timeline, filter: filter, pivots: pivots, memberSet: true)
        let newRange = max(from, test.bounds.lowerBound)..<min(timeline.count, test.bounds.upperBound)
        guard !newRange.isEmpty else { return 0 }
        switch storage {
        case .range(let r) where !test.checksEachEntry && test.memberSet == nil && r.upperBound == from:
            storage = .range(r.lowerBound..<newRange.upperBound)
            return newRange.count
        case .range(let r) where r.isEmpty && !test.checksEachEntry && test.memberSet == nil:
            storage = .range(newRange)
            return newRange.count
        default:
            var list: [Int32]
            if case .list(let l) = storage { list = l } else { list = (0..<count).map { Int32(position($0)) } }
            let before = list.count
            for p in newRange where test.passes(p) { list.append(Int32(truncatingIfNeeded: p)) }
            storage = .list(list)
            return list.count - before
        }
    }
}

/// Whether a timeline position belongs in a pane: the filter and pivots compiled for speed.
struct RowTest {
    let timeline: Timeline
    let filter: PaneFilter
    /// Timeline positions inside every time bound.
    let bounds: Range<Int>
    /// Sorted positions of the request(s) selected, when a request narrows the pane.
    var members: [Int32]?
    /// The same as a set (for live extension).
    var memberSet: Set<EntryRef>?
    let checksEachEntry: Bool

    init(_ timeline: Timeline, filter: PaneFilter, pivots: [Pivot], memberSet wantSet: Bool = false) {
        self.timeline = timeline
        self.filter = filter
        var since = filter.since ?? .distantPast, until = filter.until ?? .distantFuture
        var groups: [[UInt32]] = []
        if !filter.requestIDs.isEmpty {
            groups.append(filter.requestIDs.compactMap { timeline.correlation.group(of: $0) })
        }
        for pivot in pivots {
            switch pivot {
            case .window(let c, let w):
                since = max(since, c.advanced(by: TimeSpan(nanoseconds: -w.nanoseconds)))
                until = min(until, c.advanced(by: w))
            case .request(let g, _):
                groups.append([g])
            }
        }
        let lo = since == .distantPast ? 0 : timeline.position(atOrAfter: since)
        let hi = until == .distantFuture ? timeline.count : timeline.position(atOrAfter: until.advanced(by: TimeSpan(nanoseconds: 1)))
        bounds = lo..<max(lo, hi)
        if !groups.isEmpty {
            // Intersect the request sets (each set: the union of its groups' entries).
            var current: Set<EntryRef>?
            for set in groups {
                var refs = Set<EntryRef>()
                for g in set { refs.formUnion(timeline.correlation.entries(ofGroup: g)) }
                current = current.map { $0.intersection(refs) } ?? refs
            }
            let refs = current ?? []
            if wantSet { memberSet = refs }
            var positions: [Int32] = []
            positions.reserveCapacity(refs.count)
            for ref in refs {
                if let p = timeline.position(of: ref), bounds.contains(p) { positions.append(Int32(p)) }
            }
            positions.sort()
            members = positions
        }
        checksEachEntry = !filter.hiddenSources.isEmpty || filter.minimumLevel != nil || !filter.include.isEmpty
            || !filter.exclude.isEmpty
    }

    func passes(_ p: Int) -> Bool {
        let ref = timeline.order[p]
        if let set = memberSet, !set.contains(ref) { return false }
        if !checksEachEntry { return true }
        if filter.hiddenSources.contains(ref.source) { return false }
        let src = timeline.sources[ref.source]
        if let min = filter.minimumLevel, src.entries.level(ref.entry) < min { return false }
        if filter.include.isEmpty && filter.exclude.isEmpty { return true }
        return src.withBytes(of: ref.entry) { bytes in
            for pattern in filter.include where !pattern.matches(bytes) { return false }
            for pattern in filter.exclude where pattern.matches(bytes) { return false }
            return true
        }
    }
}
