import LogviewCore

extension App {
    /// The next state after `key`: the key map picks the command (the prompt and the help
    /// overlay take keys first).
    public mutating func handle(_ key: Key) {
        if case .resize(let r, let c) = key { return apply(.resize(rows: r, columns: c)) }
        if prompt != nil { return apply(.promptKey(key)) }
        if showHelp {
            switch key {
            case .escape, .character("q"), .function(1), .enter: showHelp = false
            case .character("j"), .down: helpScroll += 1
            case .character("k"), .up: helpScroll = max(helpScroll - 1, 0)
            case .pageDown, .character(" "): helpScroll += 10
            case .pageUp: helpScroll = max(helpScroll - 10, 0)
            default: break
            }
            return
        }
        let prefix = windowPrefix
        windowPrefix = false
        apply(KeyMap.command(for: key, windowPrefix: prefix))
    }

    /// The next state after `command`. Pure apart from reading the timeline.
    public mutating func apply(_ command: Command) {
        switch command {
        case .promptKey, .none, .resize, .windowPrefix: break
        default: message = nil
        }
        switch command {
        case .none: break
        case .quit: shouldQuit = true
        case .move(let n): moveCursor(to: panes[focus].cursor + n)
        case .page(let n): moveCursor(to: panes[focus].cursor + n * max(contentRect(focus, in: frame).height - 1, 1), scroll: n)
        case .top: moveCursor(to: 0)
        case .bottom: moveCursor(to: panes[focus].rows.count - 1)
        case .scrollSideways(let n): panes[focus].sideScroll = max(panes[focus].sideScroll + n, 0)
        case .scrollHome: panes[focus].sideScroll = 0
        case .scrollEnd:
            guard let ref = selectedEntry(focus) else { return }
            let width = EntryText.firstLine(timeline, ref) { VisibleText.width($0, limit: Int.max) }
            let shown = contentRect(focus, in: frame).width - messageColumn
            panes[focus].sideScroll = max(width - shown + 1, 0)
        case .toggleWrap:
            wrap.toggle()
            ensureAllVisible()
        case .toggleExpand:
            if let ref = selectedEntry(focus) {
                if expanded.contains(ref) { expanded.remove(ref) } else { expanded.insert(ref) }
                ensureAllVisible()
            }
        case .toggleDetail:
            showDetail.toggle()
            detailScroll = 0
            ensureAllVisible()
        case .scrollDetail(let n):
            detailScroll = showDetail ? max(detailScroll + n, 0) : 0
        case .toggleHelp:
            showHelp.toggle()
            helpScroll = 0
        case .toggleHistogram:
            showHistogram.toggle()
            ensureAllVisible()
        case .focusNext: focus = (focus + 1) % panes.count
        case .focusPrevious: focus = (focus + panes.count - 1) % panes.count
        case .focus(let d): focusToward(d)
        case .split(let axis): split(axis)
        case .closePane: closePane()
        case .pivotRequest: pivotRequest()
        case .pivotWindow: pivotWindow()
        case .popPivot: popPivot()
        case .widenWindow: resizeWindow(wider: true)
        case .narrowWindow: resizeWindow(wider: false)
        case .openPrompt(let kind): prompt = Prompt(kind: kind, text: "")
        case .promptKey(let key): promptKey(key)
        case .searchNext: searchAgain(reverse: false)
        case .searchPrevious: searchAgain(reverse: true)
        case .cycleLevel: cycleLevel()
        case .toggleSource(let s):
            guard s < timeline.sources.count else { return }
            var f = panes[focus].filter
            if f.hiddenSources.contains(s) { f.hiddenSources.remove(s) } else { f.hiddenSources.insert(s) }
            setFilter(f)
        case .toggleBookmark:
            guard let ref = selectedEntry(focus) else { return }
            if bookmarks.contains(ref) { bookmarks.remove(ref) } else { bookmarks.insert(ref) }
        case .nextBookmark: nextBookmark()
        case .toggleFollow:
            if followState == .live {
                isLive = false
                unseen = 0
                message = Message(text: "following stopped (F follows again)", isError: false)
            } else {
                // Off or paused: follow from the newest entry, like G.
                isLive = true
                moveCursor(to: panes[focus].rows.count - 1)
                unseen = 0
            }
        case .readBack: readBack()
        case .run(let line): run(line)
        case .resize(let r, let c):
            screenRows = r
            screenColumns = c
            ensureAllVisible()
        case .windowPrefix: windowPrefix = true
        }
    }

    // MARK: Cursor and scrolling

    /// Moves the focused pane's cursor (clamped), keeps it visible and brings the other panes
    /// to the entry nearest its time.
    mutating func moveCursor(to row: Int, scroll pages: Int = 0) {
        let count = panes[focus].rows.count
        let target = min(max(row, 0), max(count - 1, 0))
        if pages != 0 {
            // Paging moves the view with the cursor, like less.
            let h = max(contentRect(focus, in: frame).height - 1, 1)
            panes[focus].top = min(max(panes[focus].top + pages * h, 0), max(count - 1, 0))
        }
        if target != panes[focus].cursor { detailScroll = 0 }
        panes[focus].cursor = target
        ensureVisible(focus)
        if target == count - 1 { unseen = 0 }
        synchroniseOthers()
    }

    /// Every other pane selects the entry nearest in time to the focused pane's selection.
    mutating func synchroniseOthers() {
        guard panes.count > 1, let ref = selectedEntry(focus) else { return }
        let t = timeline.timestamp(ref)
        for p in panes.indices where p != focus {
            panes[p].cursor = panes[p].rows.row(nearest: t, in: timeline)
            ensureVisible(p)
        }
    }

    /// Scrolls pane `p` so its cursor is on screen. Costs the visible rows, not the pane.
    mutating func ensureVisible(_ p: Int) {
        let rect = contentRect(p, in: frame)
        let count = panes[p].rows.count
        panes[p].cursor = min(max(panes[p].cursor, 0), max(count - 1, 0))
        let cursor = panes[p].cursor
        let height = max(rect.height, 1)
        if panes[p].top > cursor { panes[p].top = cursor }
        var used = count > 0 ? self.height(pane: p, row: cursor, width: rect.width, limit: height) : 1
        var first = cursor
        while first > panes[p].top {
            let h = self.height(pane: p, row: first - 1, width: rect.width, limit: height)
            if used + h > height { break }
            used += h
            first -= 1
        }
        if first > panes[p].top { panes[p].top = first }
        panes[p].top = min(max(panes[p].top, 0), max(count - 1, 0))
        // No blank space below the last row while rows above are hidden (after a resize).
        var total = 0
        var r = panes[p].top
        while r < count && total < height {
            total += self.height(pane: p, row: r, width: rect.width, limit: height)
            r += 1
        }
        if r >= count {
            while panes[p].top > 0 {
                let h = self.height(pane: p, row: panes[p].top - 1, width: rect.width, limit: height)
                if total + h > height { break }
                total += h
                panes[p].top -= 1
            }
        }
        // The line about dropped entries takes the first screen line when the first row is shown.
        if showsDroppedNotice(p) && count > 0 {
            var used = 0
            for r in 0...cursor { used += self.height(pane: p, row: r, width: rect.width, limit: height) }
            if used > height - 1 { panes[p].top = 1 }
        }
    }

    mutating func ensureAllVisible() {
        for p in panes.indices { ensureVisible(p) }
    }

    // MARK: Panes

    mutating func split(_ axis: Axis) {
        guard panes.count < 6 else {
            message = Message(text: "at most 6 panes", isError: true)
            return
        }
        let new = panes.count
        panes.append(panes[focus])
        layout = layout.splitting(focus, axis: axis, new: new)
        focus = new
        ensureAllVisible()
    }

    mutating func closePane() {
        guard panes.count > 1 else {
            message = Message(text: "the last pane stays (q quits)", isError: true)
            return
        }
        layout = layout.removing(focus)
        panes.remove(at: focus)
        for k in pivotHistory.indices where pivotHistory[k].panes.count > focus {
            pivotHistory[k].panes.remove(at: focus)
            pivotHistory[k].focus = min(pivotHistory[k].focus, pivotHistory[k].panes.count - 1)
        }
        focus = min(focus, panes.count - 1)
        ensureAllVisible()
    }

    mutating func focusToward(_ d: Direction) {
        let rects = frame.panes
        guard let here = rects[focus] else { return }
        var best: (pane: Int, distance: Int)?
        for (p, r) in rects where p != focus {
            let distance: Int
            let overlaps: Bool
            switch d {
            case .left:
                distance = here.column - (r.column + r.width)
                overlaps = r.row < here.row + here.height && here.row < r.row + r.height
            case .right:
                distance = r.column - (here.column + here.width)
                overlaps = r.row < here.row + here.height && here.row < r.row + r.height
            case .up:
                distance = here.row - (r.row + r.height)
                overlaps = r.column < here.column + here.width && here.column < r.column + r.width
            case .down:
                distance = r.row - (here.row + here.height)
                overlaps = r.column < here.column + here.width && here.column < r.column + r.width
            }
            guard distance >= 0 && overlaps else { continue }
            // Ties go to the pane beside the current one's top-left corner, then the lower number.
            let aligned = d == .left || d == .right ? (r.row..<(r.row + r.height)).contains(here.row)
                : (r.column..<(r.column + r.width)).contains(here.column)
            let key = distance * 2 + (aligned ? 0 : 1)
            if best == nil || key < best!.distance || (key == best!.distance && p < best!.pane) { best = (p, key) }
        }
        if let b = best { focus = b.pane }
    }

    // MARK: Filters

    /// Gives the focused pane a new filter and rebuilds its rows, keeping the cursor near the
    /// entry it was on.
    mutating func setFilter(_ filter: PaneFilter, pane p: Int? = nil) {
        let p = p ?? focus
        let anchor = selectedEntry(p).map { timeline.timestamp($0) }
        panes[p].filter = filter
        panes[p].rows = PaneRows.build(timeline, filter: filter, pivots: pivots)
        place(p, near: anchor)
    }

    /// Puts pane `p`'s cursor on the row nearest `t` (or its last row).
    mutating func place(_ p: Int, near t: Timestamp?, exactly ref: EntryRef? = nil) {
        if let r = row(of: ref, pane: p) {
            panes[p].cursor = r
            panes[p].top = r
            ensureVisible(p)
            centre(p)
            return
        }
        if let t {
            panes[p].cursor = panes[p].rows.row(nearest: t, in: timeline)
        } else {
            panes[p].cursor = max(panes[p].rows.count - 1, 0)
        }
        panes[p].top = panes[p].cursor
        ensureVisible(p)
        centre(p)
    }

    /// Scrolls so the cursor sits mid-pane where there are rows enough above it.
    mutating func centre(_ p: Int) {
        let h = contentRect(p, in: frame).height
        panes[p].top = max(panes[p].cursor - h / 2, 0)
        ensureVisible(p)
    }

    mutating func cycleLevel() {
        let steps: [Level?] = [nil, .debug, .info, .notice, .warning, .error, .critical]
        var f = panes[focus].filter
        let i = steps.firstIndex { $0 == f.minimumLevel } ?? 0
        f.minimumLevel = steps[(i + 1) % steps.count]
        setFilter(f)
        message = Message(text: "minimum level: \(f.minimumLevel?.name ?? "all")", isError: false)
    }

    // MARK: Pivots

    mutating func pushPivot(_ pivot: Pivot, selecting ref: EntryRef) {
        pivotHistory.append((panes, focus))
        pivots.append(pivot)
        rebuildAll(selecting: ref)
    }

    /// Rebuilds every pane under the current pivots; the focused pane keeps `ref` selected if it
    /// is still shown, the others go to the entry nearest its time.
    mutating func rebuildAll(selecting ref: EntryRef) {
        let t = timeline.timestamp(ref)
        for p in panes.indices {
            panes[p].rows = PaneRows.build(timeline, filter: panes[p].filter, pivots: pivots)
            place(p, near: t, exactly: ref)
        }
    }

    mutating func pivotRequest() {
        guard let ref = selectedEntry(focus) else { return }
        guard let group = timeline.correlation.group(of: ref, in: timeline.sources) ?? linkedGroup(of: ref) else {
            message = Message(text: "this entry belongs to no request (no request or trace id, and no link to one)", isError: true)
            return
        }
        let ids = timeline.correlation.ids(ofGroup: group)
        let label = ids.first.map { VisibleText.string($0) } ?? "#\(group)"
        pushPivot(.request(group: group, label: label + (ids.count > 1 ? " +\(ids.count - 1) linked" : "")), selecting: ref)
    }

    /// The request an id-less entry was linked to (a PostgreSQL session line, an nginx error
    /// line): the group of a nearby entry that lists it as a member. Looks at a bounded
    /// neighbourhood, so the cost does not grow with the timeline.
    func linkedGroup(of ref: EntryRef) -> UInt32? {
        guard let p = timeline.position(of: ref) else { return nil }
        var seen = Set<UInt32>()
        let correlation = timeline.correlation
        for q in max(p - 512, 0)..<min(p + 512, timeline.count) {
            guard let g = correlation.group(of: timeline.order[q], in: timeline.sources), seen.insert(g).inserted else { continue }
            if correlation.entries(ofGroup: g).contains(ref) { return g }
        }
        return nil
    }

    mutating func pivotWindow() {
        guard let ref = selectedEntry(focus) else { return }
        pushPivot(.window(center: timeline.timestamp(ref), halfWidth: windowHalfWidth), selecting: ref)
    }

    mutating func popPivot() {
        guard let last = pivotHistory.popLast() else {
            if pivots.isEmpty && search != nil { search = nil }
            return
        }
        pivots.removeLast()
        panes = last.panes
        focus = min(last.focus, panes.count - 1)
        for p in panes.indices {
            _ = panes[p].rows.extend(timeline, filter: panes[p].filter, pivots: pivots)
            ensureVisible(p)
        }
    }

    static let windowSteps: [Int64] = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200, 21600, 86400]

    mutating func resizeWindow(wider: Bool) {
        let s = windowHalfWidth.nanoseconds / 1_000_000_000
        let next = wider ? App.windowSteps.first { $0 > s } ?? s : App.windowSteps.last { $0 < s } ?? s
        setWindow(TimeSpan.seconds(next))
    }

    /// Sets the window pivot's half-width; re-applies the pivot on top if it is a window.
    mutating func setWindow(_ w: TimeSpan) {
        windowHalfWidth = w
        if case .window(let c, _) = pivots.last, let ref = selectedEntry(focus) {
            pivots[pivots.count - 1] = .window(center: c, halfWidth: w)
            rebuildAll(selecting: ref)
        }
        message = Message(text: "window ±\(TimeSpanText.format(w))", isError: false)
    }

    // MARK: Search

    mutating func searchAgain(reverse: Bool) {
        guard let s = search else {
            message = Message(text: "no search yet: / or ? starts one", isError: true)
            return
        }
        find(s.pattern, backward: s.backward != reverse, from: panes[focus].cursor)
    }

    /// Moves to the next row after (or before) `from` whose entry matches; wraps around once.
    mutating func find(_ pattern: Pattern, backward: Bool, from: Int) {
        let rows = panes[focus].rows
        let n = rows.count
        guard n > 0 else { return }
        var r = from
        for step in 1...n {
            r = backward ? (from - step + n * 2) % n : (from + step) % n
            let ref = timeline.order[rows.position(r)]
            if timeline.sources[ref.source].withBytes(of: ref.entry, { pattern.matches($0) }) {
                let wrapped = backward ? r > from : r < from
                moveCursor(to: r)
                if wrapped { message = Message(text: "search wrapped", isError: false) }
                return
            }
        }
        message = Message(text: "pattern not found: \(VisibleText.string(pattern.source))", isError: true)
    }

    // MARK: Bookmarks

    mutating func nextBookmark() {
        guard !bookmarks.isEmpty else {
            message = Message(text: "no bookmarks: m marks the selected entry", isError: true)
            return
        }
        let rows = panes[focus].rows
        let n = rows.count
        guard n > 0 else { return }
        // Bookmarks are few: find their rows by position instead of scanning the pane.
        let cursorPosition = rows.position(panes[focus].cursor)
        var candidates: [Int] = []
        for ref in bookmarks {
            guard let pos = timeline.position(of: ref) else { continue }
            let r = rows.row(atOrAfterPosition: pos)
            if r < n && rows.position(r) == pos { candidates.append(pos) }
        }
        guard !candidates.isEmpty else {
            message = Message(text: "no bookmark in this pane", isError: true)
            return
        }
        candidates.sort()
        let next = candidates.first { $0 > cursorPosition } ?? candidates[0]
        moveCursor(to: rows.row(atOrAfterPosition: next))
    }

    // MARK: Live entries

    /// Extends every pane with the entries the timeline gained; panes at their newest entry
    /// follow. Call after `LiveFeed.pump`. Rebuilds a pane only when entries were inserted
    /// before its end (late entries).
    public mutating func timelineGrew() {
        if timeline.sources.count != sourceNames.count {
            let first = sourceNames.count
            refreshSourceColumns()
            hideUnwantedSources(from: first)
        }
        for p in panes.indices {
            let atEnd = panes[p].cursor >= panes[p].rows.count - 1
            let anchor = selectedEntry(p)
            var added = 0
            if timeline.firstChangedPosition < panes[p].rows.builtCount {
                let before = panes[p].rows.count
                panes[p].rows = PaneRows.build(timeline, filter: panes[p].filter, pivots: pivots)
                added = panes[p].rows.count - before
                if let anchor, !atEnd { place(p, near: timeline.timestamp(anchor), exactly: anchor) }
            } else {
                added = panes[p].rows.extend(timeline, filter: panes[p].filter, pivots: pivots)
            }
            if atEnd {
                panes[p].cursor = max(panes[p].rows.count - 1, 0)
            } else if p == focus && loading == nil {
                unseen += added
            }
            ensureVisible(p)
        }
    }
}

extension App {
    /// Takes the timeline loaded in the background in place of the (empty) one shown while
    /// loading: the panes keep their filters (the command line's and any set meanwhile), are
    /// rebuilt, and start at the newest entry as a viewer opened on loaded sources does.
    ///
    /// After a preview, a pane the operator moved up keeps its place in time; one at its newest
    /// entry stays there. The preview's sources may be numbered differently: sources hidden
    /// during it are carried over by name, added to those hidden before it.
    public mutating func loaded(_ complete: Timeline) {
        let anchors = panes.indices.map { p in
            preview == nil || panes[p].cursor >= panes[p].rows.count - 1 ? nil : selectedEntry(p).map { timeline.timestamp($0) }
        }
        if let before = preview {
            let previewNames = timeline.sources.map(\.name)
            for p in panes.indices {
                let names = Set(panes[p].filter.hiddenSources.compactMap { $0 < previewNames.count ? previewNames[$0] : nil })
                var hidden = p < before.count ? before[p] : []
                hidden.formUnion(complete.sources.indices.filter { names.contains(complete.sources[$0].name) })
                panes[p].filter.hiddenSources = hidden
            }
        }
        preview = nil
        timeline = complete
        loading = nil
        refreshSourceColumns()
        hideUnwantedSources(from: 0)
        pivots = []
        pivotHistory = []
        bookmarks = []
        expanded = []
        unseen = 0
        entryFloor = complete.count
        for p in panes.indices {
            panes[p].rows = PaneRows.build(timeline, filter: panes[p].filter, pivots: pivots)
            if let t = anchors[p] {
                place(p, near: t)
            } else {
                panes[p].cursor = max(panes[p].rows.count - 1, 0)
                ensureVisible(p)
            }
        }
        // Split panes show the focused pane's time from the first frame, as after any move.
        synchroniseOthers()
    }

    /// Shows the sources' newest part while the whole is still loading: the panes open at its
    /// newest entry, and the status line still says loading.
    public mutating func previewed(_ part: Timeline) {
        guard loading != nil else { return }
        preview = preview ?? panes.map(\.filter.hiddenSources)
        timeline = part
        refreshSourceColumns()
        hideUnwantedSources(from: 0)
        for p in panes.indices {
            panes[p].rows = PaneRows.build(timeline, filter: panes[p].filter, pivots: pivots)
            panes[p].cursor = max(panes[p].rows.count - 1, 0)
            ensureVisible(p)
        }
        synchroniseOthers()
    }

    /// Hides sources `from...` in each pane its layout's sources (else `--source`) did not name.
    mutating func hideUnwantedSources(from first: Int) {
        for p in panes.indices {
            let wanted = panes[p].wantedSources.isEmpty ? onlySourceNames : panes[p].wantedSources
            guard !wanted.isEmpty else { continue }
            for s in first..<timeline.sources.count where !wanted.contains(timeline.sources[s].name) {
                panes[p].filter.hiddenSources.insert(s)
            }
        }
    }

    /// Shows a line at the bottom until the next key (source problems at start, a bad theme).
    public mutating func show(message text: String, isError: Bool) {
        message = Message(text: VisibleText.string(text), isError: isError)
    }
}
