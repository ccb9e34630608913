import LogviewCore

extension App {
    /// Drops the oldest entries beyond the entry budget while the focused pane follows the tail
    /// (like `less +F`); while the operator has scrolled back nothing is dropped, so what they
    /// read stays. Panes, selections, expanded entries and bookmarks stay on the same entries.
    /// Returns whether anything was dropped. Call after `timelineGrew`.
    @discardableResult
    public mutating func trimIfFollowing() -> Bool {
        guard followState == .live, pivots.isEmpty, loading == nil else { return false }
        let anchors = panes.indices.map { p in (cursor: selectedEntry(p), top: entry(pane: p, row: panes[p].top)) }
        guard let step = timeline.dropOldest(keeping: max(entryBudget, entryFloor)) else { return false }
        expanded = Set(expanded.compactMap { step.map($0) })
        bookmarks = Set(bookmarks.compactMap { step.map($0) })
        for p in panes.indices {
            let atEnd = panes[p].cursor >= panes[p].rows.count - 1
            panes[p].rows = PaneRows.build(timeline, filter: panes[p].filter, pivots: pivots)
            panes[p].top = row(of: anchors[p].top.flatMap { step.map($0) }, pane: p) ?? 0
            panes[p].cursor = atEnd ? max(panes[p].rows.count - 1, 0) : row(of: anchors[p].cursor.flatMap { step.map($0) }, pane: p) ?? 0
            ensureVisible(p)
        }
        return true
    }

    /// The entry on row `r` of pane `p`, if there is one.
    func entry(pane p: Int, row r: Int) -> EntryRef? {
        r < panes[p].rows.count ? timeline.order[panes[p].rows.position(r)] : nil
    }

    /// The row of pane `p` that shows `ref`, if it shows it.
    func row(of ref: EntryRef?, pane p: Int) -> Int? {
        guard let ref, let pos = timeline.position(of: ref) else { return nil }
        let r = panes[p].rows.row(atOrAfterPosition: pos)
        return r < panes[p].rows.count && panes[p].rows.position(r) == pos ? r : nil
    }

    /// Whether pane `p` shows the line about dropped entries above its first row.
    func showsDroppedNotice(_ p: Int) -> Bool { panes[p].top == 0 && timeline.droppedCount > 0 }

    /// The line above the first row of a trimmed timeline: how much is gone and how to get it back.
    var droppedNotice: String {
        // The budget in effect, as the variable would be written (no digit grouping).
        var text = "── \(App.grouped(timeline.droppedCount)) older entries dropped from memory (LOGVIEW_MAX_ENTRIES=\(max(entryBudget, entryFloor)))"
        if readingBack {
            text += " · reading them back from disk…"
        } else {
            text += " · press R to read them back from disk"
        }
        let recordSources = timeline.sources.indices.filter {
            let d = timeline.dropped(source: $0)
            return d.count > 0 && d.lines.isEmpty
        }
        if !recordSources.isEmpty {
            text += " (" + recordSources.map { VisibleText.string(timeline.sources[$0].name) }.joined(separator: ", ")
                + ": not from files, read back only as far as the journal or server still has them)"
        }
        return text + " ──"
    }

    /// `12,345`.
    static func grouped(_ n: Int) -> String {
        let digits = Array(String(n))
        var out = ""
        for (i, d) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out += "," }
            out.append(d)
        }
        return out
    }

    /// `R`: asks the run loop to read the sources again from disk (the dropped entries with them).
    mutating func readBack() {
        guard timeline.droppedCount > 0 else {
            message = Message(text: "nothing was dropped from memory: every entry is here", isError: false)
            return
        }
        guard !readingBack else { return }
        // Pivots name requests by keys of this timeline's correlation, which the new one numbers anew.
        guard pivots.isEmpty else {
            message = Message(text: "pop the pivots first (Backspace), then R reads the sources back", isError: true)
            return
        }
        readingBack = true
        message = Message(text: "reading the sources back from disk…", isError: false)
    }

    /// Takes the timeline read again from disk after `R`: every pane stays on the entry it was on
    /// (found by source, file, line and time), as do expanded entries and bookmarks.
    public mutating func readBackDone(_ complete: Timeline) {
        let old = timeline
        let anchors = panes.indices.map { p in (cursor: selectedEntry(p), top: entry(pane: p, row: panes[p].top)) }
        let atEnd = panes.indices.map { panes[$0].cursor >= panes[$0].rows.count - 1 }
        timeline = complete
        readingBack = false
        entryFloor = complete.count
        unseen = 0
        func carry(_ ref: EntryRef?) -> EntryRef? { ref.flatMap { App.sameEntry($0, of: old, in: complete) } }
        expanded = Set(expanded.compactMap { carry($0) })
        bookmarks = Set(bookmarks.compactMap { carry($0) })
        refreshSourceColumns()
        for p in panes.indices {
            panes[p].rows = PaneRows.build(timeline, filter: panes[p].filter, pivots: pivots)
            if atEnd[p] {
                panes[p].cursor = max(panes[p].rows.count - 1, 0)
            } else {
                panes[p].top = row(of: carry(anchors[p].top), pane: p) ?? 0
                panes[p].cursor = row(of: carry(anchors[p].cursor), pane: p)
                    ?? anchors[p].cursor.map { panes[p].rows.row(nearest: old.timestamp($0), in: timeline) } ?? 0
            }
            ensureVisible(p)
        }
        message = Message(text: "read back from disk: \(App.grouped(complete.count)) entries", isError: false)
    }

    /// Entry `ref` of `old` in `new`, a timeline of the same sources read again: the entry of the
    /// source with the same name at the same time, file and line.
    static func sameEntry(_ ref: EntryRef, of old: Timeline, in new: Timeline) -> EntryRef? {
        let src = old.sources[ref.source]
        let t = old.timestamp(ref)
        let line = src.entries.lines[ref.entry], path = src.path(of: ref.entry)
        var p = new.position(atOrAfter: t)
        while p < new.count && new.times[p] == t.nanoseconds {
            let r = new.order[p]
            let s = new.sources[r.source]
            if s.name == src.name && s.entries.lines[r.entry] == line && s.path(of: r.entry) == path { return r }
            p += 1
        }
        return nil
    }
}
