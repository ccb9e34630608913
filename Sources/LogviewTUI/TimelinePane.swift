import LogviewCore

/// A pane of the merged timeline: one row per entry (time, source, level, message); long
/// messages scroll sideways or wrap, expanded entries show their continuation lines.
enum TimelinePane {
    static func draw(_ app: App, pane p: Int, frame: App.Frame, into screen: inout Screen) {
        guard let outer = frame.panes[p] else { return }
        let rect = app.contentRect(p, in: frame)
        let pane = app.panes[p]
        if app.panes.count > 1 { drawTitle(app, pane: p, rect: outer, into: &screen) }
        guard pane.rows.count > 0 else {
            screen.put(app.timeline.count == 0 ? "(no entries)" : "(no entries match this pane's filters)",
                row: rect.row, column: rect.column + 1, role: .dim, limit: rect.column + rect.width)
            return
        }
        var y = rect.row
        var r = pane.top
        let limit = rect.row + rect.height
        if app.showsDroppedNotice(p) {
            screen.put(app.droppedNotice, row: y, column: rect.column + 1, role: .dim, limit: rect.column + rect.width)
            y += 1
        }
        while y < limit && r < pane.rows.count {
            y += drawEntry(app, pane: p, row: r, at: y, rect: rect, maxLines: limit - y, into: &screen)
            r += 1
        }
    }

    static func drawTitle(_ app: App, pane p: Int, rect: Rect, into screen: inout Screen) {
        let focused = p == app.focus
        let role: Role = focused ? .focusedBorder : .border
        let end = rect.column + rect.width
        for c in rect.column..<end { screen.put("─", row: rect.row, column: c, role: role) }
        let filter = app.panes[p].filter
        var title = " \(p + 1)"
        if let name = app.panes[p].title { title += " " + VisibleText.string(name) + ":" }
        let shown = app.sourceNames.indices.filter { !filter.hiddenSources.contains($0) }
        title += shown.count == app.sourceNames.count ? " all sources" : " " + shown.map { VisibleText.string(app.sourceNames[$0]) }.joined(separator: ",")
        let summary = PaneFilter.summaryWithoutSources(filter)
        if !summary.isEmpty { title += " " + summary }
        title += " (\(app.panes[p].rows.count)) "
        screen.put(title, row: rect.row, column: rect.column + 1, role: role, limit: end)
    }

    /// Draws entry row `r` from screen line `y`; returns the lines used.
    static func drawEntry(_ app: App, pane p: Int, row r: Int, at y: Int, rect: Rect, maxLines: Int, into screen: inout Screen) -> Int {
        let timeline = app.timeline
        let pane = app.panes[p]
        let ref = timeline.order[pane.rows.position(r)]
        let src = timeline.sources[ref.source]
        let level = src.entries.level(ref.entry)
        let end = rect.column + rect.width
        var x = rect.column
        if app.bookmarks.contains(ref) { screen.put("*", row: y, column: x, role: .bookmark, limit: end) }
        x += 1
        let time = EntryText.time(timeline.timestamp(ref), zone: app.zone, fractionDigits: app.fractionDigits)
        screen.put(time, row: y, column: x, role: .time, limit: end)
        x += app.timeWidth + 1
        screen.put(VisibleText.string(src.name), row: y, column: x, role: app.sourceRole(ref.source), limit: min(x + app.sourceWidth, end))
        x += app.sourceWidth + 1
        screen.put(level.tag, row: y, column: x, role: .level(level), limit: end)
        x += 6
        let messageColumn = rect.column + app.messageColumn
        let lineCount = Int(src.entries.lineCounts[ref.entry])
        let folded = lineCount > 1 && !app.wrap && !app.expanded.contains(ref)
        let hint = folded ? " +\(lineCount - 1)" : ""
        // A folded multi-line entry says so at the right edge; the message stops before it.
        let messageWidth = max(end - messageColumn - hint.count, 0)
        let messageRole: Role = level >= .warning ? .level(level) : .text
        let lines = app.height(pane: p, row: r, width: rect.width, limit: maxLines)
        let wrappedLines = app.expanded.contains(ref) ? lines - (lineCount - 1) : lines
        var used = 0
        if messageWidth > 0 {
            for k in 0..<max(wrappedLines, 1) where used < maxLines {
                let text = EntryText.firstLine(timeline, ref) { bytes in
                    VisibleText.slice(bytes, skip: pane.sideScroll + k * messageWidth, columns: messageWidth)
                }
                drawText(text, app: app, row: y + used, column: messageColumn, end: end, role: messageRole, into: &screen)
                used += 1
            }
            if app.expanded.contains(ref) {
                var k = 1
                while k < lineCount && used < maxLines {
                    let text = EntryText.line(timeline, ref, k) { VisibleText.slice($0, skip: pane.sideScroll, columns: messageWidth) }
                    drawText(text, app: app, row: y + used, column: messageColumn, end: end, role: .text, into: &screen)
                    used += 1
                    k += 1
                }
            } else if folded {
                screen.put(hint, row: y, column: end - hint.count, role: .dim, limit: end)
            }
        }
        used = max(used, 1)
        if r == pane.cursor {
            for line in 0..<used { screen.mark(row: y + line, from: rect.column, to: end, .selected) }
        }
        if let search = app.search {
            for line in 0..<used { highlight(search.pattern, row: y + line, from: messageColumn, to: end, into: &screen) }
        }
        return used
    }

    static func drawText(_ text: [UInt8], app: App, row: Int, column: Int, end: Int, role: Role, into screen: inout Screen) {
        screen.put(utf8: text, row: row, column: column, role: role, limit: end)
    }

    /// Marks the matches of `pattern` in the text drawn on a screen line.
    static func highlight(_ pattern: Pattern, row: Int, from: Int, to: Int, into screen: inout Screen) {
        guard from < to else { return }
        // Read back the cells drawn: their text is what the operator sees.
        var bytes: [UInt8] = []
        var columnOf: [Int] = []
        for c in from..<to {
            let cell = screen[row, c]
            guard cell.width > 0 else { continue }
            for b in cell.text.utf8 {
                bytes.append(b)
                columnOf.append(c)
            }
        }
        columnOf.append(to)
        bytes.withUnsafeBytes { b in
            var start = 0
            while start < b.count, let m = pattern.firstMatch(in: b, from: start) {
                guard !m.isEmpty else { break }
                let lo = columnOf[m.lowerBound]
                let hi = m.upperBound < columnOf.count - 1 ? columnOf[m.upperBound] : to
                screen.mark(row: row, from: lo, to: max(hi, lo + 1), .match)
                start = m.upperBound
            }
        }
    }
}

extension PaneFilter {
    /// The filter's summary without the source list (the pane title lists sources itself).
    static func summaryWithoutSources(_ f: PaneFilter) -> String {
        var g = f
        g.hiddenSources = []
        return g.summary(sourceNames: [])
    }
}
