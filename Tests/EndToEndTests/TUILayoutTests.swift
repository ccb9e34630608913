import Foundation
import Testing

/// `--layout` end to end: the built binary in tmux, a config file defining the panes.
@Suite(.timeLimit(.minutes(10)))
struct TUILayoutTests {
    @Test func configLayoutOpensNginxBesidePostgresql() throws {
        let logs = try TUILogs()
        let tmux = try TmuxSession("layout")
        defer {
            tmux.stop()
            logs.directory.remove()
        }
        let config = logs.directory.file("config.toml")
        try """
            [layout.pair]
            split = "vertical"

            [[layout.pair.pane]]
            title = "edge"
            sources = ["nginx"]
            exclude = "users/199 "

            [[layout.pair.pane]]
            sources = ["postgresql"]

            """.write(toFile: config, atomically: true, encoding: .utf8)
        try tmux.type(logs.command + " --config \(config) --layout pair")
        let screen = try tmux.waitFor("the two panes") { $0.contains(TUIViewerTests.statusAll) && $0.contains(" (200) ") }
        let lines = screen.split(separator: "\n").map(String.init)
        #expect(lines.first == "─ 1 edge: nginx -/users/199 / (199) ───────────────────────────────────────────│─ 2 postgresql (200) ───────────────────────────────────────────────────────────")
        let rows = TUIViewerTests.timelineRows(screen)
        #expect(rows.count == 45)
        #expect(rows.last == " 01-30 14:06:36.000 nginx      INFO  10.0.3.198 - - [30/Jan/2026:14:06:36 +0000│ 01-30 14:06:38.005 postgresql INFO  [41199] app@shop LOG:  duration: 1.204 ms")
        #expect(rows.allSatisfy { !$0.contains("backend") })
        // Both panes select the same time from the first screen: PostgreSQL's row nearest nginx's
        // newest (14:06:36), not its own newest (14:06:38).
        let selected = Self.selectedRows(try tmux.capture(escapes: true))
        #expect(selected.left == [" 01-30 14:06:36.000 nginx      INFO  10.0.3.198 - - [30/Jan/2026:14:06:36 +0000"])
        #expect(selected.right == [" 01-30 14:06:36.005 postgresql INFO  [41198] app@shop LOG:  duration: 1.204 ms"])
    }

    /// The rows drawn with the selection's background (the default theme's "on 238") left and
    /// right of the divider, as plain text. tmux carries attributes from line to line, so the
    /// background is tracked through every SGR sequence of the capture.
    static func selectedRows(_ raw: String) -> (left: [String], right: [String]) {
        var left: [String] = [], right: [String] = []
        var background = -1
        for line in raw.split(separator: "\n", omittingEmptySubsequences: false) {
            var halves = ["", ""], marked = [false, false], half = 0
            var rest = Substring(line)
            while let c = rest.first {
                if c == "\u{1B}", let m = rest.firstIndex(of: "m") {
                    let codes = rest[rest.index(rest.startIndex, offsetBy: 2)..<m].split(separator: ";", omittingEmptySubsequences: false)
                    var k = 0
                    while k < codes.count {
                        switch codes[k] {
                        case "", "0", "49": background = -1
                        case "48" where k + 2 < codes.count:
                            background = Int(codes[k + 2]) ?? -1
                            k += 2
                        case "38" where k + 2 < codes.count: k += 2
                        default: break
                        }
                        k += 1
                    }
                    rest = rest[rest.index(after: m)...]
                    continue
                }
                if c == "│" && half == 0 {
                    half = 1
                } else {
                    halves[half].append(c)
                    if background == 238 && c != " " { marked[half] = true }
                }
                rest = rest.dropFirst()
            }
            guard half == 1 else { continue }
            if marked[0] { left.append(halves[0]) }
            if marked[1] { right.append(halves[1]) }
        }
        return (left, right)
    }
}
