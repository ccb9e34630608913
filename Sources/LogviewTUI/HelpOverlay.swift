/// The key reference drawn over the panes (F1, `:help`); generated from `KeyMap`.
enum HelpOverlay {
    static func lines() -> [(String, String)] {
        var out: [(String, String)] = [("", "logview keys  (Esc, q or F1 closes; j/k scroll)"), ("", "")]
        out += KeyMap.bindings.map { ($0.keys, $0.meaning) }
        out.append(("", ""))
        out.append(("", "commands (after :)"))
        out += KeyMap.commands.map { (":" + $0.name, $0.meaning) }
        return out
    }

    static func draw(_ app: App, into screen: inout Screen) {
        let width = min(screen.columns - 2, 96)
        let height = screen.rows - 2
        guard width > 10, height > 2 else { return }
        let left = (screen.columns - width) / 2
        let top = 1
        let all = lines()
        let scroll = min(app.helpScroll, max(all.count - height, 0))
        for k in 0..<height {
            let row = top + k
            screen.fill(row: row, from: left, to: left + width, role: .help)
            let i = k + scroll
            guard i < all.count else { continue }
            let (keys, meaning) = all[i]
            if keys.isEmpty {
                screen.put(meaning, row: row, column: left + 2, role: .helpKey, limit: left + width - 1)
            } else {
                screen.put(keys, row: row, column: left + 2, role: .helpKey, limit: left + width - 1)
                screen.put(meaning, row: row, column: left + 22, role: .help, limit: left + width - 1)
            }
        }
    }
}
