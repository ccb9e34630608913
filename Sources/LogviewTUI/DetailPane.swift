import LogviewCore

/// The selected entry in full: time in both zones, source, file and line, ids, the fields its
/// format recognises (journal fields, nginx variables, PostgreSQL prefix fields), then every
/// line of the entry (JSON pretty-printed).
enum DetailPane {
    static func draw(_ app: App, in rect: Rect, into screen: inout Screen) {
        let end = rect.column + rect.width
        for c in rect.column..<end { screen.put("─", row: rect.row, column: c, role: .border) }
        guard let ref = app.selectedEntry(app.focus) else {
            screen.put(" detail: no entry ", row: rect.row, column: 1, role: .border)
            return
        }
        let all = lines(app, ref)
        let visible = rect.height - 1
        let scroll = min(app.detailScroll, max(all.count - visible, 0))
        let more = all.count > visible ? "  lines \(scroll + 1)-\(min(scroll + visible, all.count)) of \(all.count), J/K scroll" : ""
        screen.put(" detail (Enter closes)\(more) ", row: rect.row, column: 1, role: .focusedBorder)
        var y = rect.row + 1
        let bottom = rect.row + rect.height
        // Values line up after the longest field name (within reason).
        let valueColumn = rect.column + 1 + min(max(all.map { DisplayWidth.of($0.0) }.max() ?? 0, 11), 24) + 2
        for (name, value, role) in all.dropFirst(scroll) where y < bottom {
            if name.isEmpty {
                screen.put(value, row: y, column: rect.column + 1, role: role, limit: end)
            } else {
                screen.put(name, row: y, column: rect.column + 1, role: .fieldName, limit: min(valueColumn - 1, end))
                screen.put(value, row: y, column: valueColumn, role: role, limit: end)
            }
            y += 1
        }
    }

    /// (field name, value, role) lines; an empty name is a line of the entry's text.
    static func lines(_ app: App, _ ref: EntryRef) -> [(String, String, Role)] {
        let timeline = app.timeline
        let src = timeline.sources[ref.source]
        let e = src.entries
        let t = timeline.timestamp(ref)
        var out: [(String, String, Role)] = []
        var local: [UInt8] = []
        RFC3339.append(t, offset: app.zone.offset(atUTC: t.seconds), fractionDigits: max(e.precision(ref.entry).fractionDigits, 0),
            separator: 0x20, zoneSuffix: true, to: &local)
        out.append(("time", String(decoding: local, as: UTF8.self) + "  (" + RFC3339.format(t) + ")", .time))
        out.append(("source", "\(VisibleText.string(src.name)) (\(src.formatName))", app.sourceRole(ref.source)))
        out.append(("level", e.level(ref.entry).name, .level(e.level(ref.entry))))
        if src.details == nil {
            let lines = e.lineCounts[ref.entry]
            // A preview indexed the file's tail only: its line numbers are known once loaded.
            let line = app.isPreview ? " (line number once loaded)" : ":\(e.lines[ref.entry])"
            out.append(("file", "\(VisibleText.string(src.path(of: ref.entry)))\(line)" + (lines > 1 ? " (\(lines) lines)" : ""), .text))
        }
        let ids = e.keys(of: ref.entry).map { VisibleText.string(timeline.correlation.ids.text(of: $0)) }
        if !ids.isEmpty { out.append(("ids", ids.joined(separator: "  "), .text)) }
        if let g = timeline.correlation.group(of: ref, in: timeline.sources) {
            let linked = timeline.correlation.ids(ofGroup: g).map { VisibleText.string($0) }.filter { !ids.contains($0) }
            if !linked.isEmpty { out.append(("linked ids", linked.joined(separator: "  "), .dim)) }
        }
        // The message is shown whole below, line by line.
        for f in src.fields(of: ref.entry) where f.name != "message" {
            out.append((VisibleText.string(f.name), VisibleText.string(f.value), .text))
        }
        out.append(("", "", .text))
        for line in EntryText.allLines(timeline, ref) {
            if let pretty = JSONPretty.lines(line) {
                for l in pretty { out.append(("", l, .text)) }
            } else {
                out.append(("", line, .text))
            }
        }
        return out
    }
}
