/// What the operator asked to see: filters that combine (all must pass).
public struct Query: Sendable {
    public var since: Timestamp?
    public var until: Timestamp?
    /// Request or trace ids: entries of their requests (linked ids and linked entries included).
    public var requestIDs: [String] = []
    /// Every pattern must match the entry's text.
    public var include: [Pattern] = []
    /// No pattern may match.
    public var exclude: [Pattern] = []
    public var minimumLevel: Level?
    /// Source names to keep (empty: all).
    public var sources: Set<String> = []

    public init() {}
}

extension Timeline {
    /// The entries the query selects, in time order.
    ///
    /// A request-id query starts from the correlation index; otherwise the time bounds are found by
    /// binary search and only that slice is filtered.
    public func select(_ q: Query) -> [EntryRef] {
        let lo = q.since.map { position(atOrAfter: $0) } ?? 0
        let hi = q.until.map { position(atOrAfter: $0.advanced(by: TimeSpan(nanoseconds: 1))) } ?? count
        var candidates: [EntryRef]
        if !q.requestIDs.isEmpty {
            var set = Set<EntryRef>()
            for id in q.requestIDs {
                if let g = correlation.group(of: id) { set.formUnion(correlation.entries(ofGroup: g)) }
            }
            candidates = Array(set)
            sortInTimeOrder(&candidates)
            let since = q.since?.nanoseconds ?? .min, until = q.until?.nanoseconds ?? .max
            candidates.removeAll {
                let t = sources[$0.source].entries.timestamps[$0.entry]
                return t < since || t > until
            }
        } else {
            guard lo < hi else { return [] }
            candidates = Array(order[lo..<hi])
        }
        let wantedSources: Set<Int>? =
            q.sources.isEmpty ? nil : Set(sources.indices.filter { q.sources.contains(sources[$0].name) })
        if q.minimumLevel == nil && q.include.isEmpty && q.exclude.isEmpty && wantedSources == nil {
            return candidates
        }
        return candidates.filter { ref in
            if let w = wantedSources, !w.contains(ref.source) { return false }
            let src = sources[ref.source]
            if let min = q.minimumLevel, src.entries.level(ref.entry) < min { return false }
            if q.include.isEmpty && q.exclude.isEmpty { return true }
            return src.withBytes(of: ref.entry) { bytes in
                for p in q.include where !p.matches(bytes) { return false }
                for p in q.exclude where p.matches(bytes) { return false }
                return true
            }
        }
    }
}
