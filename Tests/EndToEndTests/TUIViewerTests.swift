import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The viewer end to end: the built binary in tmux over real log files.
@Suite(.timeLimit(.minutes(10)))
struct TUIViewerTests {
    /// Rows of the timeline on screen (they start with the bookmark column and the date).
    static func timelineRows(_ screen: String) -> [String] {
        screen.split(separator: "\n").map(String.init).filter { $0.hasPrefix(" 01-30 ") || $0.hasPrefix("*01-30 ") }
    }

    static let statusAll = "nginx 200 backend 200 postgresql 200"

    func open(_ label: String, environment: String = "") throws -> (TmuxSession, TUILogs) {
        let logs = try TUILogs()
        let tmux = try TmuxSession(label)
        do {
            try tmux.type(environment + logs.command)
            try tmux.waitFor("the viewer") { $0.contains(Self.statusAll) }
        } catch {
            tmux.stop()
            logs.directory.remove()
            throw error
        }
        return (tmux, logs)
    }

    @Test func opensScrollsAndQuitRestoresTheTerminal() throws {
        let (tmux, logs) = try open("open")
        defer {
            tmux.stop()
            logs.directory.remove()
        }
        #expect(try tmux.display("#{alternate_on}") == "1")
        var screen = try tmux.capture()
        #expect(screen.contains(" 600/600 "))
        #expect(Self.timelineRows(screen).last == " 01-30 14:06:38.005 postgresql INFO  [41199] app@shop LOG:  duration: 1.204 ms  execute <unnamed>: select name from users where id=199 /*traceparent='00-0000000")
        try tmux.send("g")
        screen = try tmux.waitFor("the first entry") { $0.contains(" 1/600 ") }
        #expect(Self.timelineRows(screen).first == " 01-30 14:00:00.000 nginx      INFO  10.0.3.0 - - [30/Jan/2026:14:00:00 +0000] \"GET /api/users/0 HTTP/1.1\" 200 512 \"-\" \"Mozilla/5.0\" rid=a0000000000000000000000")
        try tmux.send("j", "j", "j")
        try tmux.waitFor("three rows down") { $0.contains(" 4/600 ") }
        try tmux.send("NPage")
        screen = try tmux.waitFor("a page down") { $0.contains(" 49/600 ") }
        #expect(Self.timelineRows(screen).count == 46)
        try tmux.send("q")
        screen = try tmux.waitFor("the shell prompt") { $0.contains("PROMPT$") && !$0.contains(Self.statusAll) }
        #expect(try tmux.display("#{alternate_on}") == "0")
        try tmux.type("echo status=$?")
        try tmux.waitFor("the exit status") { $0.contains("status=0") }
    }

    @Test func requestPivotShowsExactlyTheRequestAcrossSources() throws {
        let (tmux, logs) = try open("pivot")
        defer {
            tmux.stop()
            logs.directory.remove()
        }
        try tmux.send(":goto 14:01:24", literal: true)
        try tmux.send("Enter")
        try tmux.waitFor("request 42") { $0.contains(" 127/600 ") }
        try tmux.send("r")
        let screen = try tmux.waitFor("the request pivot") { $0.contains(" PIVOT request ") }
        #expect(screen.split(separator: "\n").first == " PIVOT request \(TUILogs.rid(42)) +1 linked  (Backspace: back)")
        let rows = Self.timelineRows(screen)
        #expect(rows.count == 3)
        #expect(rows.map { String($0.prefix(36)) } == [
            " 01-30 14:01:24.000 nginx      INFO ",
            " 01-30 14:01:24.002 backend    INFO ",
            " 01-30 14:01:24.005 postgresql INFO ",
        ])
        #expect(rows[0].contains("GET /api/users/42 HTTP/1.1"))
        #expect(rows[1].contains("[requestId=\(TUILogs.rid(42).prefix(20))"))
        #expect(rows[2].contains("where id=42 "))
        // The time window around it, then back out of both pivots with the cursor kept.
        try tmux.send("Escape")
        try tmux.waitFor("the pivot popped") { !$0.contains("PIVOT") && $0.contains(" 127/600 ") }
        try tmux.send("w")
        let window = try tmux.waitFor("the window pivot") { $0.contains(" PIVOT window ") }
        #expect(window.contains(" 7/15 "))
        #expect(Self.timelineRows(window).count == 15)
        #expect(Self.timelineRows(window).first?.hasPrefix(" 01-30 14:01:20.000 nginx") == true)
        #expect(Self.timelineRows(window).last?.hasPrefix(" 01-30 14:01:28.005 postgresql") == true)
        try tmux.send("BSpace")
        try tmux.waitFor("the window popped") { !$0.contains("PIVOT") && $0.contains(" 127/600 ") }
    }

    @Test func splitPanesStayTimeSynchronised() throws {
        let (tmux, logs) = try open("split")
        defer {
            tmux.stop()
            logs.directory.remove()
        }
        try tmux.send("s")
        try tmux.send(":source postgresql", literal: true)
        try tmux.send("Enter")
        var screen = try tmux.waitFor("the PostgreSQL pane") { $0.contains(" 2 postgresql (200) ") }
        #expect(!screen.contains("14:05:00.005 postgresql"))
        try tmux.send("Tab")
        try tmux.send(":goto 14:05:00", literal: true)
        try tmux.send("Enter")
        screen = try tmux.waitFor("both panes at 14:05:00") { $0.contains("pane 1/2 451/600") }
        let lines = screen.split(separator: "\n").map(String.init)
        guard let divider = lines.firstIndex(where: { $0.hasPrefix("─ 2 postgresql") }) else {
            Issue.record("no second pane:\n\(screen)")
            return
        }
        #expect(lines[..<divider].contains { $0.hasPrefix(" 01-30 14:05:00.000 nginx ") })
        #expect(lines[divider...].contains { $0.hasPrefix(" 01-30 14:05:00.005 postgresql ") })
        #expect(lines[divider...].allSatisfy { !$0.contains(" nginx ") || $0.hasPrefix(" nginx 200") })
    }

    @Test func hostileLogBytesNeverReachTheTerminal() throws {
        let (tmux, logs) = try open("hostile")
        defer {
            tmux.stop()
            logs.directory.remove()
        }
        let title = try tmux.display("#{pane_title}")
        try tmux.send(":goto 14:00:14", literal: true)
        try tmux.send("Enter")
        let screen = try tmux.waitFor("request 7") { $0.contains(" 22/600 ") }
        #expect(screen.contains(#""curl/8.5\e]0;pwned\a\e[2J" rid="#))
        #expect(try tmux.display("#{pane_title}") == title)
        #expect(try tmux.display("#{pane_title}") != "pwned")
        // The screen was not cleared: the status line and the rows above are still there.
        #expect(screen.contains(Self.statusAll))
        #expect(Self.timelineRows(screen).count == 46)
        let raw = try tmux.capture(escapes: true)
        #expect(!raw.contains("\u{1B}]"))
        #expect(!raw.contains("\u{07}"))
    }

    @Test func signalsRestoreTheTerminal() throws {
        let (tmux, logs) = try open("signals")
        defer {
            tmux.stop()
            logs.directory.remove()
        }
        // Ctrl-Z stops the viewer and gives the shell back; fg brings it back.
        try tmux.send("C-z")
        try tmux.waitFor("the job stopped") { $0.contains("Stopped") && $0.contains("PROMPT$") }
        #expect(try tmux.display("#{alternate_on}") == "0")
        try tmux.type("fg")
        try tmux.waitFor("the viewer again") { $0.contains(Self.statusAll) }
        #expect(try tmux.display("#{alternate_on}") == "1")
        // Ctrl-C (SIGINT) quits with the terminal restored.
        try tmux.send("C-c")
        try tmux.waitFor("the prompt") { $0.contains("PROMPT$") && !$0.contains(Self.statusAll) }
        #expect(try tmux.display("#{alternate_on}") == "0")
        try tmux.type("echo status=$?")
        try tmux.waitFor("the exit status") { $0.contains("status=130") }
        // SIGTERM from outside, by the viewer's PID.
        try tmux.type("clear; " + logs.command)
        try tmux.waitFor("the viewer") { $0.contains(Self.statusAll) }
        let shell = try tmux.display("#{pane_pid}")
        let children = try ChildProcess.run(name: "pgrep", executable: "/usr/bin/pgrep", arguments: ["-P", shell],
            environment: childEnvironment(), scratch: logs.directory.path, timeout: .seconds(10))
        let pids = children.stdoutText.split(separator: "\n").compactMap { pid_t($0) }
        #expect(pids.count == 1)
        for pid in pids { kill(pid, SIGTERM) }
        try tmux.waitFor("the prompt after SIGTERM") { $0.contains("PROMPT$") && !$0.contains(Self.statusAll) }
        #expect(try tmux.display("#{alternate_on}") == "0")
        try tmux.type("echo status=$?")
        try tmux.waitFor("the exit status") { $0.contains("status=143") }
        // A crash (SIGSEGV here, sent from outside) still gives the terminal back.
        try tmux.type("clear; " + logs.command)
        try tmux.waitFor("the viewer") { $0.contains(Self.statusAll) }
        let again = try ChildProcess.run(name: "pgrep", executable: "/usr/bin/pgrep", arguments: ["-P", shell],
            environment: childEnvironment(), scratch: logs.directory.path, timeout: .seconds(10))
        let crashing = again.stdoutText.split(separator: "\n").compactMap { pid_t($0) }
        #expect(crashing.count == 1)
        for pid in crashing { kill(pid, SIGSEGV) }
        try tmux.waitFor("the prompt after a crash") { $0.contains("PROMPT$") && !$0.contains(Self.statusAll) }
        #expect(try tmux.display("#{alternate_on}") == "0")
        #expect(try tmux.display("#{cursor_flag}") == "1")
        try tmux.type("echo status=$?")
        try tmux.waitFor("the exit status") { $0.contains("status=139") }
    }

    @Test func resizingToATinyTerminalShowsAMessage() throws {
        let (tmux, logs) = try open("resize")
        defer {
            tmux.stop()
            logs.directory.remove()
        }
        try tmux.run(["resize-window", "-t", "0", "-x", "19", "-y", "4"])
        try tmux.waitFor("the size message") { $0.contains("terminal too small:") }
        try tmux.run(["resize-window", "-t", "0", "-x", "120", "-y", "30"])
        let screen = try tmux.waitFor("the viewer at 120x30") { $0.contains(Self.statusAll) }
        #expect(Self.timelineRows(screen).count == 28)
        #expect(Self.timelineRows(screen).allSatisfy { $0.count <= 120 })
    }

    @Test func noColorLeavesOnlyAttributes() throws {
        let (tmux, logs) = try open("nocolor", environment: "NO_COLOR=1 ")
        defer {
            tmux.stop()
            logs.directory.remove()
        }
        let plain = try tmux.capture(escapes: true)
        #expect(!plain.contains("38;5;") && !plain.contains("48;5;"))
        #expect(plain.contains("\u{1B}[7m"))  // the status bar and selection in reverse video
        try tmux.send("q")
        try tmux.waitFor("the prompt") { $0.contains("PROMPT$") && !$0.contains(Self.statusAll) }
        try tmux.type("clear; " + logs.command)
        try tmux.waitFor("the viewer") { $0.contains(Self.statusAll) }
        #expect(try tmux.capture(escapes: true).contains("38;5;"))
        try tmux.send("q")
        try tmux.waitFor("the prompt") { $0.contains("PROMPT$") && !$0.contains(Self.statusAll) }
        try tmux.type("clear; " + logs.command + " --no-color")
        try tmux.waitFor("the viewer") { $0.contains(Self.statusAll) }
        let flagged = try tmux.capture(escapes: true)
        #expect(!flagged.contains("38;5;") && !flagged.contains("48;5;") && flagged.contains("\u{1B}[7m"))
    }

    @Test func aBrokenThemeIsNamedAndTheDefaultIsUsed() throws {
        let logs = try TUILogs()
        let tmux = try TmuxSession("theme")
        defer {
            tmux.stop()
            logs.directory.remove()
        }
        let theme = logs.directory.file("mine.toml")
        try "[roles]\ntext = \"default\"\nselection = \"blu on 4\"\n".write(toFile: theme, atomically: true, encoding: .utf8)
        try tmux.type(logs.command + " --theme " + theme)
        let screen = try tmux.waitFor("the viewer") { $0.contains(Self.statusAll) }
        let problem = "theme \(theme), line 3, key 'roles.selection': unknown colour 'blu'"
        #expect(screen.split(separator: "\n").last?.hasPrefix(problem) == true, "\(screen)")
        #expect(try tmux.capture(escapes: true).contains("38;5;"))  // the default theme's colours
        try tmux.send("q")
        let after = try tmux.waitFor("the prompt") { $0.contains("PROMPT$") && !$0.contains(Self.statusAll) }
        #expect(after.contains("logview: " + problem))
    }

    @Test func anEightColourTerminalGetsTheNearestBasicColours() throws {
        let (tmux, logs) = try open("eight", environment: "TERM=screen ")
        defer {
            tmux.stop()
            logs.directory.remove()
        }
        let raw = try tmux.capture(escapes: true)
        #expect(!raw.contains("38;5;") && !raw.contains("48;5;"))
        let basic = try NSRegularExpression(pattern: "\u{1B}\\[([0-9]+;)*3[0-7](;[0-9]+)*m")
        #expect(basic.firstMatch(in: raw, range: NSRange(raw.startIndex..., in: raw)) != nil)
    }

    @Test func printModeFilterFlagsSetTheFirstView() throws {
        let (tmux, logs) = try open("flags", environment: "")
        defer {
            tmux.stop()
            logs.directory.remove()
        }
        try tmux.send("q")
        try tmux.waitFor("the prompt") { $0.contains("PROMPT$") && !$0.contains(Self.statusAll) }
        try tmux.type("clear; " + logs.command + " --source postgresql --since '2026-01-30 14:05:00' --until '2026-01-30 14:05:30'")
        let screen = try tmux.waitFor("the filtered viewer") { $0.contains(Self.statusAll) }
        let rows = Self.timelineRows(screen)
        #expect(rows.count == 15)  // 14:05:30.005 is after --until
        #expect(rows.first?.hasPrefix(" 01-30 14:05:00.005 postgresql") == true)
        #expect(rows.last?.hasPrefix(" 01-30 14:05:28.005 postgresql") == true)
        #expect(screen.contains("│ 15/15 │ -nginx -backend │ since 01-30 14:05:00 │ until 01-30 14:05:30 │"))
    }

    @Test func aShippedThemeIsFoundByName() throws {
        let logs = try TUILogs()
        let tmux = try TmuxSession("light")
        defer {
            tmux.stop()
            logs.directory.remove()
        }
        try tmux.type(logs.command + " --theme light")
        try tmux.waitFor("the viewer") { $0.contains(Self.statusAll) }
        // The light theme's status bar: colour 255 on 25.
        #expect(try tmux.capture(escapes: true).contains("38;5;255m\u{1B}[48;5;25m nginx 200 backend 200"))
    }

    @Test func aTwoMegabyteLineScrollsToItsEnd() throws {
        let dir = try TemporaryDirectory("tui-big")
        let tmux = try TmuxSession("big")
        defer {
            tmux.stop()
            dir.remove()
        }
        let line = "2026-01-30T14:02:02.990+00:00  INFO 1 --- [api] [t] c.e.Big : <START>"
            + String(repeating: "0123456789", count: 200_000) + "<END>\n"
        try (line + "2026-01-30T14:02:03.000+00:00  INFO 1 --- [api] [t] c.e.Big : short\n")
            .write(toFile: dir.file("big.log"), atomically: true, encoding: .utf8)
        try tmux.type("\(E2EPaths.logviewBinary) --tz UTC big=\(dir.file("big.log"))")
        try tmux.waitFor("the viewer") { $0.contains("big 2 │ 2/2") }
        try tmux.send("k")
        var screen = try tmux.waitFor("the long line selected") { $0.contains("big 2 │ 1/2") }
        #expect(screen.contains(" 01-30 14:02:02.990 big INFO  INFO 1 --- [api] [t] c.e.Big : <START>0123456789"))
        try tmux.send("$")
        screen = try tmux.waitFor("the end of the line") { $0.contains("<END>") }
        let first = screen.split(separator: "\n").first.map(String.init) ?? ""
        #expect(first == " 01-30 14:02:02.990 big INFO  6789" + String(repeating: "0123456789", count: 12) + "<END>")
        try tmux.send("0")
        try tmux.waitFor("the start again") { $0.contains("<START>") && !$0.contains("<END>") }
    }
}
