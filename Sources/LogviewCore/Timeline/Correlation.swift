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
public struct Correlation: Sendable {
    public private(set) var ids = IDTable()
    /// Group (union-find root) of each key.
    private var groupOfKey: [UInt32] = []
    /// Entries carrying a key of the group, and entries linked to it, per group root.
    private var members: [UInt32: [EntryRef]] = [:]
    /// Time span of each group: earliest start, latest end (ns).
    private var spans: [UInt32: (start: Int64, end: Int64)] = [:]
    public private(set) var inferredLinkCount = 0

    init(sources: [SourceIndex]) {
        // 1. One global key space.
        for src in sources {
            var map = [UInt32](repeating: 0, count: src.localIDs.count)
            for k in 0..<src.localIDs.count {
                let text = Array(src.localIDs.text(of: UInt32(k)).utf8)
                map[k] = text.withUnsafeBytes { ids.intern($0, kind: src.localIDs.kind(of: UInt32(k))) }
            }
            src.entries.remapKeys(map)
            src.localIDs = IDTable()
        }
        // 2. Link ids seen together.
        var parent = (0..<UInt32(ids.count)).map { $0 }
        func find(_ x: UInt32) -> UInt32 {
            var r = x
            while parent[Int(r)] != r { r = parent[Int(r)] }
            var c = x
            while parent[Int(c)] != r {
                let n = parent[Int(c)]
                parent[Int(c)] = r
                c = n
            }
            return r
        }
        for src in sources {
            let e = src.entries
            for i in 0..<e.count where e.keyStarts[i + 1] - e.keyStarts[i] > 1 {
                let ks = e.keys(of: i)
                let a = find(ks.first!)
                for k in ks.dropFirst() {
                    let b = find(k)
                    if a != b { parent[Int(max(a, b))] = min(a, b) }
                }
            }
        }
        groupOfKey = (0..<UInt32(ids.count)).map { find($0) }
        // 3. Members and spans of each group.
        for (s, src) in sources.enumerated() {
            let e = src.entries
            for i in 0..<e.count where e.hasKeys(i) {
                let g = groupOfKey[Int(e.keys[Int(e.keyStarts[i])])]
                members[g, default: []].append(EntryRef(source: s, entry: i))
                let t = e.timestamps[i]
                let start = t - (e.requests[i]?.duration?.nanoseconds ?? 0)
                let end = t + e.precision(i).unit.nanoseconds - 1
                if let old = spans[g] {
                    spans[g] = (min(old.start, start), max(old.end, end))
                } else {
                    spans[g] = (start, end)
                }
            }
        }
        linkSessions(sources)
        linkHTTPMatches(sources)
    }

    /// The group of an id, if it occurs anywhere.
    public func group(of id: String) -> UInt32? { ids.key(of: id).map { groupOfKey[Int($0)] } }

    /// The group an entry belongs to by the ids it carries.
    public func group(of ref: EntryRef, in sources: [SourceIndex]) -> UInt32? {
        let e = sources[ref.source].entries
        guard e.hasKeys(ref.entry) else { return nil }
        return groupOfKey[Int(e.keys[Int(e.keyStarts[ref.entry])])]
    }

    /// Every entry of the group: those carrying its ids and those linked to it. Unordered.
    public func entries(ofGroup g: UInt32) -> [EntryRef] { members[g] ?? [] }

    /// All ids (request and trace) of a group, for display.
    public func ids(ofGroup g: UInt32) -> [String] {
        groupOfKey.indices.filter { groupOfKey[$0] == g }.map { ids.text(of: UInt32($0)) }
    }

    private mutating func link(_ ref: EntryRef, to g: UInt32) {
        members[g, default: []].append(ref)
        inferredLinkCount += 1
    }

    private mutating func linkSessions(_ sources: [SourceIndex]) {
        for (s, src) in sources.enumerated() {
            let e = src.entries
            var current: [UInt64: UInt32] = [:]
            for k in 0..<e.count {
                let i = src.entry(atTimeRank: k)
                let session = e.sessions[i]
                guard session != 0 else { continue }
                if e.hasKeys(i) {
                    current[session] = groupOfKey[Int(e.keys[Int(e.keyStarts[i])])]
                } else if let g = current[session], let span = spans[g] {
                    let t = e.timestamps[i]
                    if t >= span.start && t <= span.end {
                        link(EntryRef(source: s, entry: i), to: g)
                    } else if t > span.end {
                        current[session] = nil
                    }
                }
            }
        }
    }

    private mutating func linkHTTPMatches(_ sources: [SourceIndex]) {
        // Access lines (they carry ids) by (client, request line).
        var byMatch: [UInt64: [(group: UInt32, start: Int64, end: Int64)]] = [:]
        for src in sources {
            let e = src.entries
            for (i, r) in e.requests where r.matchHash != 0 && e.hasKeys(i) && r.duration != nil {
                let g = groupOfKey[Int(e.keys[Int(e.keyStarts[i])])]
                let end = e.timestamps[i] + e.precision(i).unit.nanoseconds - 1
                byMatch[r.matchHash, default: []].append((g, e.timestamps[i] - r.duration!.nanoseconds, end))
            }
        }
        guard !byMatch.isEmpty else { return }
        for (s, src) in sources.enumerated() {
            let e = src.entries
            for (i, r) in e.requests where r.matchHash != 0 && !e.hasKeys(i) && r.duration == nil {
                guard let candidates = byMatch[r.matchHash] else { continue }
                let t = e.timestamps[i]
                let unit = e.precision(i).unit.nanoseconds
                // The error line's clock may truncate: it matches if its interval overlaps the span.
                var found: UInt32? = nil
                var ambiguous = false
                for c in candidates where t <= c.end && t + unit - 1 >= c.start {
                    if let f = found, f != c.group { ambiguous = true }
                    found = c.group
                }
                if let g = found, !ambiguous { link(EntryRef(source: s, entry: i), to: g) }
            }
        }
    }
}
