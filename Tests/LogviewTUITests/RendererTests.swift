import LogviewCore
import Testing
import TestSupport
@testable import LogviewTUI

@Suite struct RendererTests {
    @Test func timelineRowsShowTimeSourceLevelAndMessage() throws {
        let screen = try TUIFixture.app(rows: 12, columns: 100).screen
        let lines = (0..<12).map(screen.line)
        #expect(lines[0] == " 01-30 14:02:02.990 backend    INFO  INFO 2711 --- [api] [exec-1] [0af7651916cd43dd8448eb211c80319c-")
        #expect(lines[1] == " 01-30 14:02:02.995 postgresql INFO  [41001] app@shop LOG:  duration: 1.204 ms  execute <unnamed>: s")
        #expect(lines[2] == " 01-30 14:02:03.000 nginx      INFO  10.0.0.1 - - [30/Jan/2026:14:02:03 +0000] \"GET /api/users/1 HTT")
        #expect(lines[3] == " 01-30 14:02:09.985 backend    ERROR ERROR 2711 --- [api] [exec-2] [4bf92f3577b34da6a3ce929d0e0e4 +2")
        #expect(lines[4] == " 01-30 14:02:09.990 postgresql ERROR [41002] app@shop ERROR:  duplicate key value violates unique +1")
        #expect(lines[5] == " 01-30 14:02:10.000 nginx      ERROR 10.0.0.2 - - [30/Jan/2026:14:02:10 +0000] \"POST /api/orders HTT")
        #expect(lines[6] == " 01-30 14:02:20.000 nginx      INFO  10.0.0.3 - - [30/Jan/2026:14:02:20 +0000] \"GET /health HTTP/1.1")
        #expect(lines[7] == "")
        #expect(lines[10] == " nginx 3 backend 2 postgresql 2 │ 7/7 │ window ±5s │ follow: off")
        #expect(lines[11] == "F1 help  q quit  / search  r request  w window  s/v split  Enter detail")
        // The newest entry is selected; roles colour the columns.
        #expect(screen[6, 0].mark == .selected && screen[6, 99].mark == .selected)
        #expect(screen[5, 0].mark == .none)
        #expect(screen[0, 1].role == .time)
        #expect(screen[1, 20].role == .source(2))
        #expect(screen[3, 31].role == .level(.error))
        #expect(screen[10, 0].role == .statusBar)
    }

    @Test func hostileBytesAreDrawnAsVisibleEscapes() throws {
        var app = try TUIFixture.app(rows: 12, columns: 100)
        app.type(.up)
        for _ in 0..<8 { app.type(.right) }
        let screen = app.screen
        #expect(screen.line(5) == #" 01-30 14:02:10.000 nginx      ERROR /1.1" 500 512 "-" "curl/8.5\e]0;pwned\a\e[2J" rid=bbbb2222bbbb2"#)
        #expect(!screen.cells.contains { $0.text.unicodeScalars.contains { $0.value < 0x20 || ($0.value >= 0x7F && $0.value < 0xA0) } })
    }

    @Test func wideCharactersAreMeasuredByDisplayWidth() throws {
        var app = try TUIFixture.app(rows: 12, columns: 100)
        app.type("g")
        app.apply(.scrollSideways(152))
        let screen = app.screen
        #expect(screen.line(0) == " 01-30 14:02:02.990 backend    INFO  Fetching user 1 名前 👍")
        // 名 starts at column 53 and covers 54; 👍 at 58.
        #expect(screen[0, 53].text == "名" && screen[0, 54].width == 0 && screen[0, 58].text == "👍")
    }

    @Test func aTinyTerminalGetsAMessageInsteadOfGarbage() throws {
        let screen = try TUIFixture.app(rows: 4, columns: 19).screen
        #expect(screen.text == "terminal too small:\n19x4, logview needs\nat least 20x5\n")
    }

    @Test func helpOverlayListsTheKeys() throws {
        var app = try TUIFixture.app(rows: 42, columns: 100)
        app.type(.function(1))
        let text = app.screen.text
        #expect(text.contains("  logview keys  (Esc, q or F1 closes; j/k scroll)"))
        #expect(text.contains("  r                   pivot: every pane shows only the selected entry's request"))
        #expect(text.contains("  /  ?                search forward / backward (regular expression)"))
        #expect(text.contains("  :goto TIME          go to the entry nearest TIME (14:02:30, 2026-01-30 14:02, -5m)"))
        app.type(.escape)
        #expect(!app.screen.text.contains("logview keys"))
    }

    @Test func detailPaneShowsTheWholeEntry() throws {
        var app = try TUIFixture.app(rows: 60, columns: 120)
        app.type(":goto 14:02:09.985")
        app.type(.enter, .enter)
        let lines = app.screen.text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let top = lines.firstIndex(where: { $0.hasPrefix("─ detail") }) else {
            Issue.record("no detail pane in\n\(app.screen.text)")
            return
        }
        #expect(lines[top + 1] == " time         2026-01-30 14:02:09.985Z  (2026-01-30T14:02:09.985000000Z)")
        #expect(lines[top + 2] == " source       backend (spring-boot)")
        #expect(lines[top + 3] == " level        error")
        #expect(lines[top + 4] == " file         /logs/backend.log:2 (3 lines)")
        #expect(lines[top + 5] == " ids          \(TUIFixture.traceB)  \(TUIFixture.ridB)")
        #expect(lines.contains(" org.springframework.dao.DataIntegrityViolationException: duplicate key"))
        #expect(lines.contains("     at com.example.shop.OrderService.create(OrderService.java:88)"))
    }

    @Test func detailPaneListsFormatFieldsAligned() throws {
        var app = try TUIFixture.app(rows: 60, columns: 120)
        app.type(":goto 14:02:03")
        app.type(.enter, .enter)
        let lines = app.screen.text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.contains(" source           nginx (nginx-access)"))
        #expect(lines.contains(" body_bytes_sent  512"))
        #expect(lines.contains(" http_user_agent  Mozilla/5.0"))
        #expect(lines.contains(" request_id       \(TUIFixture.ridA)"))
    }

    @Test func jsonIsPrettyPrinted() {
        #expect(JSONPretty.lines(#"msg {"a":1,"b":{"c":"x,y"}}"#) == ["msg {", "  \"a\": 1,", "  \"b\": {", "    \"c\": \"x,y\"", "  }", "}"])
        #expect(JSONPretty.lines("no json here") == nil)
    }
}

@Suite struct LongEntryTests {
    @Test func detailPaneScrolls() throws {
        var app = try TUIFixture.app(rows: 24, columns: 100)
        app.type(":goto 14:02:09.985")
        app.type(.enter, .enter)
        let top = (0..<24).first { app.screen.line($0).hasPrefix("─ detail") }!
        #expect(app.screen.line(top) == "─ detail (Enter closes)  lines 1-7 of 16, J/K scroll ───────────────────────────────────────────────")
        app.type("JJJJJJJJJJJJ")
        #expect(app.screen.line(top) == "─ detail (Enter closes)  lines 10-16 of 16, J/K scroll ─────────────────────────────────────────────")
        #expect(app.screen.line(top + 7) == "     at com.example.shop.OrderService.create(OrderService.java:88)")
        app.type("j")
        #expect(app.detailScroll == 0)
    }

    @Test func aTwoMegabyteLineScrollsSideways() throws {
        var text = "2026-01-30T14:02:02.990+00:00  INFO 1 --- [api] [t] c.e.Big : "
        text += String(repeating: "0123456789", count: 200_000) + "<END>\n"
        let options = FormatOptions(zone: .utc)
        let timeline = Timeline(sources: [
            try Fixture.source("big", text, format: FormatRegistry.format(named: "spring-boot")!, options: options)
        ])
        var app = App(timeline: timeline, zone: .utc, rows: 6, columns: 80)
        app.apply(.scrollSideways(1_999_986))  // the message has a 31-column prefix before the digits
        let line = app.screen.line(0)
        #expect(line == " 01-30 14:02:02.990 big INFO  56789" + String(repeating: "0123456789", count: 4) + "<END>")
        app.type("0$")
        #expect(app.screen.line(0) == " 01-30 14:02:02.990 big INFO  6789" + String(repeating: "0123456789", count: 4) + "<END>")
        app.type("W")  // wrapping a 2 MB line stops at the pane's height
        #expect(app.height(pane: 0, row: 0, width: 80, limit: 4) == 4)
    }
}
