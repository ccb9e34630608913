import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Following in the viewer, end to end: the built binary in tmux over real files that the test
/// appends to while the viewer runs.
@Suite(.timeLimit(.minutes(10)))
struct TUIFollowTests {
    /// An nginx line of a request that is not in `TUILogs` (n >= 200), short enough to fit a row.
    static func nginxLine(_ n: Int, second: Int) -> String {
        "10.0.9.\(n % 250) - - [30/Jan/2026:14:06:\(second) +0000] \"GET /live/\(n) HTTP/1.1\" 200 1 \"-\" \"t\" rid=\(TUILogs.rid(n)) rt=0.001\n"
    }

    /// Its row on the 160-column screen.
    static func row(_ n: Int, second: Int) -> String {
        String((" 01-30 14:06:\(second).000 nginx      INFO  " + nginxLine(n, second: second).dropLast()).prefix(160))
    }

    static func append(_ text: String, to path: String) throws {
        let handle = try #require(FileHandle(forWritingAtPath: path))
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(text.utf8))
    }

    static func status(nginx: Int, backend: Int = 200, position: String, follow: String) -> String {
        " nginx \(nginx) backend \(backend) postgresql 200 │ \(position) │ window ±5s │ follow: \(follow)"
    }

    static func statusLine(_ screen: String) -> String {
        let lines = screen.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        return lines.first { $0.hasPrefix(" nginx ") }.map { String($0.reversed().drop { $0 == " " }.reversed()) } ?? ""
    }

    @Test func followingShowsNewLinesPausesCountsAndResumes() throws {
        let logs = try TUILogs()
        let tmux = try TmuxSession("follow")
        defer {
            tmux.stop()
            logs.directory.remove()
        }
        let access = logs.directory.file("access.log"), backend = logs.directory.file("backend.log")
        try tmux.type(logs.command + " -f")
        try tmux.waitFor("the viewer, following") { Self.statusLine($0) == Self.status(nginx: 200, position: "600/600", follow: "live") }

        // At the bottom the view sticks to the newest entry.
        try Self.append(Self.nginxLine(200, second: 40), to: access)
        var screen = try tmux.waitFor("the appended line") { Self.statusLine($0) == Self.status(nginx: 201, position: "601/601", follow: "live") }
        #expect(TUIViewerTests.timelineRows(screen).last == Self.row(200, second: 40))

        // Moving up pauses: new entries are counted, the cursor stays.
        try tmux.send("k")
        try tmux.waitFor("paused") { Self.statusLine($0) == Self.status(nginx: 201, position: "600/601", follow: "paused (G)") }
        try Self.append(Self.nginxLine(201, second: 41) + Self.nginxLine(202, second: 42), to: access)
        screen = try tmux.waitFor("the count of new entries") {
            Self.statusLine($0) == Self.status(nginx: 203, position: "600/603", follow: "paused, 2 new (G)")
        }
        #expect(!screen.contains("/live/201 "))

        // G resumes at the newest entry.
        try tmux.send("G")
        screen = try tmux.waitFor("resumed") { Self.statusLine($0) == Self.status(nginx: 203, position: "603/603", follow: "live") }
        #expect(Array(TUIViewerTests.timelineRows(screen).suffix(3)) == [
            Self.row(200, second: 40), Self.row(201, second: 41), Self.row(202, second: 42),
        ])

        // A request pivot while following fills in a line of that request written later.
        try tmux.send("r")
        // The status line is drawn last: once it shows the pivot, the rows above are complete.
        screen = try tmux.waitFor("the request pivot") { Self.statusLine($0) == " nginx 203 backend 200 postgresql 200 │ 1/1 │ 1 pivot │ window ±5s │ follow: live" }
        #expect(screen.split(separator: "\n").first == " PIVOT request \(TUILogs.rid(202))  (Backspace: back)")
        #expect(TUIViewerTests.timelineRows(screen) == [Self.row(202, second: 42)])
        let late = "2026-01-30T14:06:43.002+00:00  INFO 2711 --- [api] [exec-1] [\(TUILogs.trace(202))-\(TUILogs.span(202))] [requestId=\(TUILogs.rid(202))] c.e.shop.LiveController : late answer\n"
        try Self.append(Self.nginxLine(203, second: 43), to: access)  // another request: not in the pivot
        try Self.append(late, to: backend)
        screen = try tmux.waitFor("the late line in the pivot") { Self.statusLine($0).hasPrefix(" nginx 204 backend 201 postgresql 200 │ 2/2 │ ") }
        #expect(TUIViewerTests.timelineRows(screen) == [
            Self.row(202, second: 42),
            String((" 01-30 14:06:43.002 backend    INFO  " + late.dropFirst("2026-01-30T14:06:43.002+00:00  ".count).dropLast()).prefix(160)),
        ])
        try tmux.send("q")
        try tmux.waitFor("the shell prompt") { $0.contains("PROMPT$") && !$0.contains("follow:") }
        #expect(try tmux.display("#{alternate_on}") == "0")
    }

    @Test func capitalFStartsFollowingAfterTheBytesAlreadyLoaded() throws {
        let logs = try TUILogs()
        let tmux = try TmuxSession("followkey")
        defer {
            tmux.stop()
            logs.directory.remove()
        }
        let access = logs.directory.file("access.log")
        try tmux.type(logs.command)
        try tmux.waitFor("the viewer, not following") { Self.statusLine($0) == Self.status(nginx: 200, position: "600/600", follow: "off") }
        try Self.append(Self.nginxLine(200, second: 40), to: access)
        try tmux.send("g")
        try tmux.waitFor("the top") { Self.statusLine($0) == Self.status(nginx: 200, position: "1/600", follow: "off") }
        try tmux.send("F")
        var screen = try tmux.waitFor("following") { Self.statusLine($0) == Self.status(nginx: 201, position: "601/601", follow: "live") }
        #expect(TUIViewerTests.timelineRows(screen).suffix(2) == [
            " 01-30 14:06:38.005 postgresql INFO  [41199] app@shop LOG:  duration: 1.204 ms  execute <unnamed>: select name from users where id=199 /*traceparent='00-0000000",
            Self.row(200, second: 40),
        ])
        try Self.append(Self.nginxLine(201, second: 41), to: access)
        screen = try tmux.waitFor("the next line") { Self.statusLine($0) == Self.status(nginx: 202, position: "602/602", follow: "live") }
        #expect(TUIViewerTests.timelineRows(screen).last == Self.row(201, second: 41))
        try tmux.send("F")
        try tmux.waitFor("stopped") { Self.statusLine($0) == Self.status(nginx: 202, position: "602/602", follow: "off") }
        try tmux.send("q")
        try tmux.waitFor("the shell prompt") { $0.contains("PROMPT$") && !$0.contains("follow:") }
    }
}
