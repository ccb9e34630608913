import LogviewCore

/// Draws an `App` into a `Screen`: a pure function of the state (DESIGN.md #6). Work is
/// proportional to the screen: only the rows shown are read, sanitised and measured.
public enum Renderer {
    public static func render(_ app: App) -> Screen {
        var screen = Screen(rows: app.screenRows, columns: app.screenColumns)
        if app.isTooSmall {
            let text = "terminal too small: \(app.screenColumns)x\(app.screenRows), logview needs at least 20x5"
            var row = 0
            var line = ""
            for word in text.split(separator: " ") {
                if !line.isEmpty && line.count + 1 + word.count > screen.columns {
                    screen.put(line, row: row, column: 0, role: .errorMessage)
                    row += 1
                    line = ""
                }
                line += (line.isEmpty ? "" : " ") + word
            }
            screen.put(line, row: row, column: 0, role: .errorMessage)
            return screen
        }
        let frame = app.frame
        if let row = frame.banner { drawBanner(app, row: row, into: &screen) }
        if let rect = frame.histogram { HistogramStrip.draw(app, in: rect, into: &screen) }
        for p in app.panes.indices {
            TimelinePane.draw(app, pane: p, frame: frame, into: &screen)
        }
        for d in frame.dividers {
            for r in d.rows { screen.put("│", row: r, column: d.column, role: .border) }
        }
        if let rect = frame.detail { DetailPane.draw(app, in: rect, into: &screen) }
        StatusLine.draw(app, row: frame.status, into: &screen)
        drawBottomLine(app, row: frame.bottom, into: &screen)
        if app.showHelp { HelpOverlay.draw(app, into: &screen) }
        return screen
    }

    static func drawBanner(_ app: App, row: Int, into screen: inout Screen) {
        screen.fill(row: row, role: .pivotBanner)
        let chain = app.pivots.map { $0.summary(zone: app.zone) }.joined(separator: " › ")
        screen.put(" PIVOT \(chain)  (Backspace: back)", row: row, column: 0, role: .pivotBanner)
    }

    static func drawBottomLine(_ app: App, row: Int, into screen: inout Screen) {
        if let p = app.prompt {
            let text = p.kind.label + VisibleText.string(p.text)
            // Keep the end of a long prompt in view.
            let width = DisplayWidth.of(text)
            let skip = max(width - (screen.columns - 1), 0)
            var bytes = Array(text.utf8)
            let shown = bytes.withUnsafeMutableBytes { VisibleText.slice(UnsafeRawBufferPointer($0), skip: skip, columns: screen.columns - 1) }
            let end = screen.put(utf8: shown, row: row, column: 0, role: .text)
            screen.cursorRow = row
            screen.cursorColumn = end
            return
        }
        if let m = app.message {
            screen.put(m.text, row: row, column: 0, role: m.isError ? .errorMessage : .text)
            return
        }
        screen.put("F1 help  q quit  / search  r request  w window  s/v split  Enter detail", row: row, column: 0, role: .dim)
    }
}

/// The status line: sources with their counts, the focused pane's filters, pivots and position.
enum StatusLine {
    static func draw(_ app: App, row: Int, into screen: inout Screen) {
        screen.fill(row: row, role: .statusBar)
        let timeline = app.timeline
        let pane = app.panes[app.focus]
        var parts: [String] = []
        if let l = app.loading {
            parts.append((l.total > 0 ? "loading \(l.done)/\(l.total) sources" : "loading") + (app.isPreview ? ", newest part shown" : ""))
        } else {
            parts.append(timeline.sources.map { "\(VisibleText.string($0.name)) \($0.entries.count)" }.joined(separator: " "))
        }
        var paneText = app.panes.count > 1 ? "pane \(app.focus + 1)/\(app.panes.count) " : ""
        paneText += pane.rows.count == 0 ? "no entries" : "\(pane.cursor + 1)/\(pane.rows.count)"
        parts.append(paneText)
        let filter = pane.filter.summary(sourceNames: app.sourceNames)
        if !filter.isEmpty { parts.append(filter) }
        if let since = pane.filter.since { parts.append("since \(EntryText.time(since, zone: app.zone, fractionDigits: 0))") }
        if let until = pane.filter.until { parts.append("until \(EntryText.time(until, zone: app.zone, fractionDigits: 0))") }
        if !app.pivots.isEmpty { parts.append("\(app.pivots.count) pivot\(app.pivots.count > 1 ? "s" : "")") }
        parts.append("window ±\(TimeSpanText.format(app.windowHalfWidth))")
        if let s = app.search { parts.append("search /\(VisibleText.string(s.pattern.source))/") }
        if app.wrap { parts.append("wrap") }
        switch app.followState {
        case .off: parts.append("follow: off")
        case .live: parts.append("follow: live")
        case .paused(let n): parts.append(n > 0 ? "follow: paused, \(n) new (G)" : "follow: paused (G)")
        }
        screen.put(" " + parts.joined(separator: " │ "), row: row, column: 0, role: .statusBar)
    }
}
