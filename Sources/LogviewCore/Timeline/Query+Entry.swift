extension Timeline {
    /// Whether one entry passes the query's filters other than `requestIDs` (time bounds, sources,
    /// level, patterns); live front ends test arriving entries with it. Request ids are answered by
    /// `entries(ofRequests:)`, because correlation can link an entry after it arrived.
    public func passesFilters(_ ref: EntryRef, _ q: Query) -> Bool {
        let src = sources[ref.source]
        let t = src.entries.timestamps[ref.entry]
        if let since = q.since, t < since.nanoseconds { return false }
        if let until = q.until, t > until.nanoseconds { return false }
        if !q.sources.isEmpty, !q.sources.contains(src.name) { return false }
        if let min = q.minimumLevel, src.entries.level(ref.entry) < min { return false }
        if q.include.isEmpty && q.exclude.isEmpty { return true }
        return src.withBytes(of: ref.entry) { bytes in
            for p in q.include where !p.matches(bytes) { return false }
            for p in q.exclude where p.matches(bytes) { return false }
            return true
        }
    }

    /// Every entry linked to any of `ids` now (their requests' groups), unordered.
    public func entries(ofRequests ids: [String]) -> Set<EntryRef> {
        var set = Set<EntryRef>()
        for id in ids {
            if let g = correlation.group(of: id) { set.formUnion(correlation.entries(ofGroup: g)) }
        }
        return set
    }
}
