import Foundation
import Testing

/// `--layout` end to end: the built binary in tmux, a config file defining the panes.
@Suite(.timeLimit(.minutes(3)))
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
    }
}
