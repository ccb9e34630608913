import Foundation
import Testing

/// A long follow in the viewer with a tiny entry budget: old entries leave memory while the view
/// follows the tail, the top of the timeline says so, nothing is dropped while paused, and `R`
/// reads everything back from disk with the view on the entry it was on.
@Suite(.timeLimit(.minutes(10)))
struct TUIFollowTrimTests {
    static func lines(_ range: Range<Int>) -> String {
        range.map { FollowTrimTests.line($0 * 10, String(format: "entry %04d", $0 + 1)) }.joined()
    }

    static func statusLine(_ screen: String) -> String {
        let lines = screen.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        return lines.first { $0.hasPrefix(" app ") }.map { String($0.reversed().drop { $0 == " " }.reversed()) } ?? ""
    }

    static func status(_ count: Int, _ position: String, follow: String) -> String {
        " app \(count) │ \(position) │ window ±5s │ follow: \(follow)"
    }

    /// The first line of the timeline pane.
    static func firstLine(_ screen: String) -> String {
        String(screen.split(separator: "\n", omittingEmptySubsequences: false).first ?? "")
            .reversed().drop { $0 == " " }.reversed().map(String.init).joined()
    }

    @Test func aTrimmedFollowSaysSoAtTheTopAndReadsBackWithR() throws {
        let dir = try TemporaryDirectory("tui-trim")
        let tmux = try TmuxSession("trim")
        defer {
            tmux.stop()
            dir.remove()
        }
        let log = dir.file("app.log")
        try Self.lines(0..<50).write(toFile: log, atomically: true, encoding: .utf8)
        try tmux.type("LOGVIEW_MAX_ENTRIES=100 \(E2EPaths.logviewBinary) --tz UTC app=\(log) -f")
        try tmux.waitFor("the viewer, following") { Self.statusLine($0) == Self.status(50, "50/50", follow: "live") }

        // 300 lines in one write: 350 entries, more than 100 + 100/4, so the oldest 250 go.
        try TUIFollowTests.append(Self.lines(50..<350), to: log)
        var screen = try tmux.waitFor("the trimmed timeline") { Self.statusLine($0) == Self.status(100, "100/100", follow: "live") }
        #expect(TUIViewerTests.timelineRows(screen).last?.hasSuffix(": entry 0350") == true)

        // At the top: the line about what was dropped, then the oldest entry kept.
        try tmux.send("g")
        screen = try tmux.waitFor("the top") { Self.statusLine($0) == Self.status(100, "1/100", follow: "paused (G)") }
        #expect(Self.firstLine(screen)
            == " ── 250 older entries dropped from memory (LOGVIEW_MAX_ENTRIES=100) · press R to read them back from disk ──")
        #expect(TUIViewerTests.timelineRows(screen).first?.hasSuffix(": entry 0251") == true)

        // Paused: nothing is dropped, however much arrives.
        try TUIFollowTests.append(Self.lines(350..<400), to: log)
        screen = try tmux.waitFor("growth while paused") { Self.statusLine($0) == Self.status(150, "1/150", follow: "paused, 50 new (G)") }
        #expect(TUIViewerTests.timelineRows(screen).first?.hasSuffix(": entry 0251") == true)

        // R reads the files again; the cursor stays on entry 251, now row 251 of 400.
        try tmux.send("R")
        screen = try tmux.waitFor("the read back") { Self.statusLine($0) == Self.status(400, "251/400", follow: "paused (G)") }
        #expect(screen.contains("read back from disk: 400 entries"))
        try tmux.send("g")
        screen = try tmux.waitFor("the first entry again") { Self.statusLine($0) == Self.status(400, "1/400", follow: "paused (G)") }
        #expect(TUIViewerTests.timelineRows(screen).first?.hasSuffix(": entry 0001") == true)
        #expect(!screen.contains("dropped from memory"))

        // Following on after the read back: the new timeline keeps the newest lines coming.
        try tmux.send("G")
        try TUIFollowTests.append(Self.lines(400..<401), to: log)
        screen = try tmux.waitFor("a line after the read back") { Self.statusLine($0) == Self.status(401, "401/401", follow: "live") }
        #expect(TUIViewerTests.timelineRows(screen).last?.hasSuffix(": entry 0401") == true)
        try tmux.send("q")
    }
}
