/// Which entries belong to which request, across sources (DESIGN.md #5).
///
/// Ids are interned into one key space. Ids seen in one entry are linked (union-find), so a
/// request id finds entries that carry only its trace id. Entries that carry no id are linked by
/// two rules:
/// - **session**: an entry of the same session (PostgreSQL backend pid) after an entry of the
///   request, before the session's first entry of another request, and inside the request's
///   time span (its `COMMIT`, a `DETAIL`-only record);
/// - **HTTP match**: an error-log line whose client and request line equal exactly one request's
///   access-log line, at a time inside that request's span (nginx error.log).
///
/// Built incrementally (`add`), so live entries correlate as they arrive. Because a request's span
/// is only complete once its last entry is in (nginx writes its line at the request's end, after
/// the `COMMIT`), entries that fall after a span are kept as candidates and linked when the span
/// grows to cover them.
public struct Correlation: Sendable {
    public private(set) var ids = IDTable()
    /// Union-find parent of each key; a root is its own parent.
    private var parent: [UInt32] = []
    /// Entries carrying a key of the group, and entries linked to it, per group root.
    /// Kept as one singly linked list per group in flat arrays, so no group allocates: the list
    /// of root r runs from `memberHead[r]` along `memberNext`, ending at `memberTail[r]`; -1 = none.
    private var memberHead: [Int32] = []
    private var memberTail: [Int32] = []
    private var memberNext: [Int32] = []
    private var memberRefs: [EntryRef] = []
    /// Time span of each group (root): earliest start, latest end (ns).
    /// Indexed by key; meaningful at roots; `Span.none` where no entry set one.
    private var spans: [Span] = []
    /// Per source and session: a key of the request the session is serving, and id-less entries
    /// after that request's span seen so far (they may still fall inside it once it grows).
    private var sessions: [Int: [UInt64: SessionState]] = [:]
    /// Finished requests (access lines) by (client, request line) hash.
    private var accessByMatch: [UInt64: [(key: UInt32, start: Int64, end: Int64)]] = [:]
    /// Error-log lines not linked yet (their access line may arrive later); bounded.
    private var unmatched: [(ref: EntryRef, hash: UInt64, time: Int64, unit: Int64)] = []
    public private(set) var inferredLinkCount = 0

    struct Span: Sendable {
        var start: Int64
        var end: Int64
        static let none = Span(start: .max, end: .min)
        var isNone: Bool { start == .max && end == .min }
    }

    private func span(of g: UInt32) -> Span? {
        guard Int(g) < spans.count else { return nil }
        let s = spans[Int(g)]
        return s.isNone ? nil : s
    }

    struct SessionState: Sendable {
        var key: UInt32
        var pending: [(ref: EntryRef, time: Int64)] = []
    }

    static let pendingPerSession = 64
    static let unmatchedLimit = 8192

    init(sources: [SourceIndex]) {
        self.init(adopting: sources)
        add(sources: sources, ranges: sources.map { 0..<$0.entries.count })
    }

    /// Only moves the sources' ids into the shared key space; `add` links their entries later.
    init(adopting sources: [SourceIndex]) {
        for src in sources { adoptLocalKeys(of: src) }
    }

    /// Moves a source's ids from its own key space into the shared one.
    mutating func adoptLocalKeys(of src: SourceIndex) {
        if ids.count == 0 {
            // The first source's keys become the shared ones as they are: no re-interning.
            ids = src.localIDs
            src.localIDs = IDTable()
            return
        }
        let local = src.localIDs
        var map = [UInt32](repeating: 0, count: local.count)
        ids.reserveCapacity(ids.count + local.count)
        for k in 0..<UInt32(local.count) { map[Int(k)] = ids.intern(k, of: local) }
        src.entries.remapKeys(map)
        src.localIDs = IDTable()
    }

    /// Correlates new entries: `ranges[s]` are the entry indices of source `s` to add (keys global).
    mutating func add(sources: [SourceIndex], ranges: [Range<Int>]) {
        while parent.count < ids.count { parent.append(UInt32(parent.count)) }
        if memberHead.count < ids.count {
            memberHead.append(contentsOf: repeatElement(-1, count: ids.count - memberHead.count))
            memberTail.append(contentsOf: repeatElement(-1, count: ids.count - memberTail.count))
        }
        if spans.count < ids.count { spans.append(contentsOf: repeatElement(Span.none, count: ids.count - spans.count)) }
        // Pass 1: ids seen together, members, spans, finished requests.
        var touched = false
        var newAccess = false
        for (s, range) in ranges.enumerated() where !range.isEmpty {
            let e = sources[s].entries
            // The request facts of the range by position: one pass over the dictionary instead
            // of a hashed lookup per entry.
            var requestAt: [RequestFacts?] = []
            if !e.requests.isEmpty {
                requestAt = [RequestFacts?](repeating: nil, count: range.count)
                for (i, r) in e.requests where range.contains(i) { requestAt[i - range.lowerBound] = r }
            }
            let hasRequests = !requestAt.isEmpty
            for i in range where e.hasKeys(i) {
                let ks = e.keys(of: i)
                var root = find(ks.first!)
                for k in ks.dropFirst() { root = union(root, find(k)) }
                appendMember(EntryRef(source: s, entry: i), to: root)
                let t = e.timestamps[i]
                let request = hasRequests ? requestAt[i - range.lowerBound] : nil
                let start = t - (request?.duration?.nanoseconds ?? 0)
                let end = t + e.precision(i).unit.nanoseconds - 1
                extendSpan(root, Span(start: start, end: end))
                touched = true
                if let r = request, r.matchHash != 0, r.duration != nil {
                    accessByMatch[r.matchHash, default: []].append((ks.first!, start, end))
                    newAccess = true
                }
            }
        }
        // Pass 2: the session rule, in each source's time order.
        for (s, range) in ranges.enumerated() where !range.isEmpty {
            linkSessions(source: s, sources[s], range)
        }
        if touched { revisitPendingSessions() }
        // Pass 3: error-log lines, new ones and (when new access lines came) earlier misses.
        for (s, range) in ranges.enumerated() where !range.isEmpty && !sources[s].entries.requests.isEmpty {
            let e = sources[s].entries
            for i in range {
                guard !e.hasKeys(i), let r = e.requests[i], r.matchHash != 0, r.duration == nil else { continue }
                let item = (EntryRef(source: s, entry: i), r.matchHash, e.timestamps[i], e.precision(i).unit.nanoseconds)
                if !linkByMatch(item) {
                    unmatched.append(item)
                }
            }
        }
        if newAccess && !unmatched.isEmpty {
            var waiting = unmatched
            unmatched = []
            waiting.removeAll { linkByMatch($0) }
            unmatched = waiting
        }
        if unmatched.count > Correlation.unmatchedLimit {
            unmatched.removeFirst(unmatched.count - Correlation.unmatchedLimit)
        }
    }

    /// Lets the timeline intern ids of live entries straight into the shared key space.
    mutating func withIDs<R>(_ body: (inout IDTable) -> R) -> R { body(&ids) }

    // MARK: Queries

    /// The group of an id, if it occurs anywhere.
    public func group(of id: String) -> UInt32? { ids.key(of: id).map { root($0) } }

    /// The group an entry belongs to by the ids it carries.
    public func group(of ref: EntryRef, in sources: [SourceIndex]) -> UInt32? {
        let e = sources[ref.source].entries
        guard e.hasKeys(ref.entry) else { return nil }
        return root(e.keys[Int(e.keyStarts[ref.entry])])
    }

    /// Every entry of the group: those carrying its ids and those linked to it. Unordered.
    public func entries(ofGroup g: UInt32) -> [EntryRef] {
        let r = Int(root(g))
        guard r < memberHead.count else { return [] }
        var out: [EntryRef] = []
        var m = memberHead[r]
        while m >= 0 {
            out.append(memberRefs[Int(m)])
            m = memberNext[Int(m)]
        }
        return out
    }

    /// All ids (request and trace) of a group, for display.
    public func ids(ofGroup g: UInt32) -> [String] {
        let r = root(g)
        return (0..<UInt32(parent.count)).filter { root($0) == r }.map { ids.text(of: $0) }
    }

    // MARK: Union-find

    private func root(_ x: UInt32) -> UInt32 {
        guard Int(x) < parent.count else { return x }
        var r = x
        while parent[Int(r)] != r { r = parent[Int(r)] }
        return r
    }

    private mutating func find(_ x: UInt32) -> UInt32 {
        let r = root(x)
        var c = x
        while parent[Int(c)] != r {
            let n = parent[Int(c)]
            parent[Int(c)] = r
            c = n
        }
        return r
    }

    /// Joins two groups; the smaller key becomes the root and inherits members and span.
    private mutating func union(_ a: UInt32, _ b: UInt32) -> UInt32 {
        if a == b { return a }
        let (keep, gone) = a < b ? (a, b) : (b, a)
        parent[Int(gone)] = keep
        let (k, g) = (Int(keep), Int(gone))
        if memberHead[g] >= 0 {
            if memberTail[k] >= 0 { memberNext[Int(memberTail[k])] = memberHead[g] } else { memberHead[k] = memberHead[g] }
            memberTail[k] = memberTail[g]
            memberHead[g] = -1
            memberTail[g] = -1
        }
        if let span = span(of: gone) {
            spans[Int(gone)] = .none
            extendSpan(keep, span)
        }
        return keep
    }

    /// Adds an entry at the end of root `r`'s list. O(1), no allocation but array growth.
    private mutating func appendMember(_ ref: EntryRef, to r: UInt32) {
        let n = Int32(truncatingIfNeeded: memberRefs.count)
        memberRefs.append(ref)
        memberNext.append(-1)
        let tail = memberTail[Int(r)]
        if tail >= 0 { memberNext[Int(tail)] = n } else { memberHead[Int(r)] = n }
        memberTail[Int(r)] = n
    }

    private mutating func extendSpan(_ g: UInt32, _ s: Span) {
        let old = spans[Int(g)]
        spans[Int(g)] = Span(start: min(old.start, s.start), end: max(old.end, s.end))
    }

    private mutating func link(_ ref: EntryRef, to g: UInt32) {
        appendMember(ref, to: root(g))
        inferredLinkCount += 1
    }

    // MARK: Rules

    private mutating func linkSessions(source s: Int, _ src: SourceIndex, _ range: Range<Int>) {
        let e = src.entries
        // Visit the new entries in time order (a file can be out of order locally).
        var order: [Int]
        if let timeOrder = src.timeOrder, range == 0..<e.count, timeOrder.count == e.count {
            order = timeOrder.map { Int($0) }  // already the stable time order of all entries
        } else {
            order = Array(range)
            if src.timeOrder != nil { order.sort { e.timestamps[$0] != e.timestamps[$1] ? e.timestamps[$0] < e.timestamps[$1] : $0 < $1 } }
        }
        var states = sessions[s] ?? [:]
        for i in order {
            let session = e.sessions[i]
            guard session != 0 else { continue }
            if e.hasKeys(i) {
                states[session] = SessionState(key: e.keys[Int(e.keyStarts[i])])
            } else if var state = states[session], let span = span(of: root(state.key)) {
                let t = e.timestamps[i]
                if t >= span.start && t <= span.end {
                    link(EntryRef(source: s, entry: i), to: state.key)
                } else if t > span.end, state.pending.count < Correlation.pendingPerSession {
                    state.pending.append((EntryRef(source: s, entry: i), t))
                    states[session] = state
                }
            }
        }
        sessions[s] = states
    }

    /// Links waiting session entries that the spans now cover.
    private mutating func revisitPendingSessions() {
        for (s, var states) in sessions {
            var changed = false
            for (session, var state) in states where !state.pending.isEmpty {
                guard let span = span(of: root(state.key)) else { continue }
                let before = state.pending.count
                var keep: [(ref: EntryRef, time: Int64)] = []
                for p in state.pending {
                    if p.time <= span.end { link(p.ref, to: state.key) } else { keep.append(p) }
                }
                if keep.count != before {
                    state.pending = keep
                    states[session] = state
                    changed = true
                }
            }
            if changed { sessions[s] = states }
        }
    }

    /// Links an error-log line to the one request whose span covers it; false if none or several.
    private mutating func linkByMatch(_ item: (ref: EntryRef, hash: UInt64, time: Int64, unit: Int64)) -> Bool {
        guard let candidates = accessByMatch[item.hash] else { return false }
        // The error line's clock may truncate: it matches if its interval overlaps the span.
        var found: UInt32? = nil
        for c in candidates where item.time <= c.end && item.time + item.unit - 1 >= c.start {
            let g = root(c.key)
            if let f = found, f != g { return false }
            found = g
        }
        guard let g = found else { return false }
        link(item.ref, to: g)
        return true
    }
}
