import LogviewCore
import Testing
import TestSupport
@testable import LogviewTUI

/// Keys in, state out: the reducer with the rows it leaves on screen.
@Suite struct ReducerTests {
    /// Time and source of every row of the focused pane.
    func rows(_ app: App, pane p: Int? = nil) -> [String] {
        let pane = app.panes[p ?? app.focus]
        return (0..<pane.rows.count).map { r in
            let ref = app.timeline.order[pane.rows.position(r)]
            return EntryText.time(app.timeline.timestamp(ref), zone: .utc, fractionDigits: 3, withDate: false) + " "
                + app.timeline.sources[ref.source].name
        }
    }

    @Test func navigationKeys() throws {
        var app = try TUIFixture.app()
        #expect(app.focusedPane.cursor == 6)
        app.type("g")
        #expect(app.focusedPane.cursor == 0)
        app.type("jjj")
        #expect(app.focusedPane.cursor == 3)
        app.type("k")
        #expect(app.focusedPane.cursor == 2)
        app.type("G")
        #expect(app.focusedPane.cursor == 6)
        app.type(.pageUp)
        #expect(app.focusedPane.cursor == 0)
        app.type("q")
        #expect(app.shouldQuit)
    }

    @Test func requestPivotShowsOneRequestAcrossSourcesAndPopsBack() throws {
        var app = try TUIFixture.app()
        app.type("gjj")  // the nginx line of request A
        app.type("r")
        #expect(rows(app) == ["14:02:02.990 backend", "14:02:02.995 postgresql", "14:02:03.000 nginx"])
        #expect(app.focusedPane.cursor == 2)
        #expect(app.pivots == [.request(group: app.timeline.correlation.group(of: TUIFixture.ridA)!,
            label: "\(TUIFixture.ridA) +1 linked")])
        #expect(app.screen.line(0) == " PIVOT request \(TUIFixture.ridA) +1 linked  (Backspace: back)")
        app.type("k")
        app.type(.backspace)
        #expect(app.pivots.isEmpty)
        #expect(rows(app).count == 7)
        #expect(app.focusedPane.cursor == 2)
    }

    @Test func requestPivotFollowsTheTraceIdIntoPostgreSQL() throws {
        var app = try TUIFixture.app()
        app.type("G")
        app.type("k")  // nginx 500 of request B
        app.type("r")
        #expect(rows(app) == ["14:02:09.985 backend", "14:02:09.990 postgresql", "14:02:10.000 nginx"])
    }

    @Test func requestPivotFromAnEntryLinkedWithoutAnId() throws {
        // A session line without an id inside request r1's span is linked to it (the session
        // rule); `r` on it finds the request. Another session's line is not.
        let text = """
            @1000000000 info s=7 id=r1 begin
            @2000000000 info s=7 no id here
            @2500000000 info s=8 other session
            @3000000000 info s=7 id=r1 end

            """
        let timeline = Timeline(sources: [try Fixture.source("db", text)])
        var app = App(timeline: timeline, zone: .utc, rows: 12, columns: 80)
        app.type("gj")
        app.type("r")
        #expect(app.pivots.count == 1)
        #expect(rows(app) == ["00:00:01.000 db", "00:00:02.000 db", "00:00:03.000 db"])
        #expect(app.focusedPane.cursor == 1)
        app.type(.escape)
        app.type("j")
        app.type("r")
        #expect(app.pivots.isEmpty)
        #expect(app.message == Message(text: "this entry belongs to no request (no request or trace id, and no link to one)", isError: true))
    }

    @Test func windowPivotWidensNarrowsAndStacks() throws {
        var app = try TUIFixture.app()
        app.type("gjj")  // 14:02:03
        app.type("w")
        #expect(rows(app) == ["14:02:02.990 backend", "14:02:02.995 postgresql", "14:02:03.000 nginx"])
        #expect(app.screen.line(0) == " PIVOT window 01-30 14:02:03.000 ±5s  (Backspace: back)")
        app.type("+")
        #expect(app.windowHalfWidth == .seconds(10))
        #expect(rows(app).count == 6)
        app.type("--")
        #expect(app.windowHalfWidth == .seconds(2))
        #expect(rows(app).count == 3)
        app.type(":window 30s")
        app.type(.enter)
        #expect(rows(app).count == 7)
        app.type("r")  // pivots stack: request A inside the window
        #expect(app.pivots.count == 2)
        #expect(rows(app).count == 3)
        app.type(.escape)
        #expect(app.pivots.count == 1)
        #expect(rows(app).count == 7)
        app.type(.escape)
        #expect(app.pivots.isEmpty)
        #expect(app.focusedPane.cursor == 2)
    }

    @Test func searchMovesAndHighlights() throws {
        var app = try TUIFixture.app(rows: 12, columns: 100)
        app.type("g/orders")
        #expect(app.screen.line(11) == "/orders")
        app.type(.enter)
        #expect(app.focusedPane.cursor == 4)
        app.type("n")
        #expect(app.focusedPane.cursor == 5)
        app.type("n")
        #expect(app.focusedPane.cursor == 4)
        #expect(app.message?.text == "search wrapped")
        app.type("N")
        #expect(app.focusedPane.cursor == 5)
        // The match on screen: "orders" in the nginx request line (columns 90...95).
        let screen = app.screen
        #expect(screen.line(5).hasSuffix("\"POST /api/orders HTT"))
        #expect((90...95).allSatisfy { screen[5, $0].mark == .match })
        #expect(screen[5, 89].mark == .selected && screen[5, 96].mark == .selected)
        app.type("?users")
        app.type(.enter)
        #expect(app.focusedPane.cursor == 2)
        app.type("/nothing-like-this")
        app.type(.enter)
        #expect(app.message == Message(text: "pattern not found: nothing-like-this", isError: true))
    }

    @Test func gotoSinceUntilAndCompletion() throws {
        var app = try TUIFixture.app()
        app.type(":goto 14:02:09.5")
        app.type(.enter)
        #expect(app.focusedPane.cursor == 3)
        app.type(":go")
        app.type(.tab)
        #expect(app.prompt?.text == "goto ")
        app.type("2026-01-30 14:02:20")
        app.type(.enter)
        #expect(app.focusedPane.cursor == 6)
        app.type(":since 14:02:05")
        app.type(.enter)
        #expect(rows(app) == ["14:02:09.985 backend", "14:02:09.990 postgresql", "14:02:10.000 nginx", "14:02:20.000 nginx"])
        app.type(":until 14:02:15")
        app.type(.enter)
        #expect(rows(app).count == 3)
        app.type(":since")
        app.type(.enter)
        app.type(":until")
        app.type(.enter)
        #expect(rows(app).count == 7)
        app.type(":goto 25:99")
        app.type(.enter)
        #expect(app.message?.isError == true)
        app.type(":frobnicate")
        app.type(.enter)
        #expect(app.message == Message(text: "unknown command 'frobnicate' (:help lists them)", isError: true))
    }

    @Test func paneFilters() throws {
        var app = try TUIFixture.app()
        app.type(":level error")
        app.type(.enter)
        #expect(rows(app) == ["14:02:09.985 backend", "14:02:09.990 postgresql", "14:02:10.000 nginx"])
        app.type(":clear")
        app.type(.enter)
        app.type("1")  // hide nginx
        #expect(rows(app) == ["14:02:02.990 backend", "14:02:02.995 postgresql", "14:02:09.985 backend", "14:02:09.990 postgresql"])
        app.type("1")
        app.type("fusers")
        app.type(.enter)
        #expect(rows(app) == ["14:02:02.995 postgresql", "14:02:03.000 nginx"])
        app.type("Fnginx")  // no-op pattern for these rows: nothing contains "nginx"
        app.type(.enter)
        #expect(rows(app).count == 2)
        app.type(":clear")
        app.type(.enter)
        app.type("l")
        #expect(app.focusedPane.filter.minimumLevel == .debug)
        app.type("llll")
        #expect(app.focusedPane.filter.minimumLevel == .error)
        #expect(rows(app).count == 3)
    }

    @Test func bookmarks() throws {
        var app = try TUIFixture.app()
        app.type("gjm")
        app.type("jjjjm")
        app.type("g'")
        #expect(app.focusedPane.cursor == 1)
        app.type("'")
        #expect(app.focusedPane.cursor == 5)
        app.type("'")
        #expect(app.focusedPane.cursor == 1)
        #expect(app.screen.line(1).hasPrefix("*01-30 14:02:02.995"))
    }

    @Test func expandAndWrap() throws {
        var app = try TUIFixture.app(rows: 14, columns: 100)
        app.type(":goto 14:02:09.985")
        app.type(.enter)
        app.type("e")
        let screen = app.screen
        let row = (0..<14).first { screen.line($0).contains("14:02:09.985") }!
        #expect(screen.line(row + 1) == String(repeating: " ", count: 37) + "org.springframework.dao.DataIntegrityViolationException: duplic")
        #expect(screen.line(row + 2) == String(repeating: " ", count: 37) + "    at com.example.shop.OrderService.create(OrderService.java:8")
        app.type("eW")
        let wrapped = app.screen
        let first = (0..<14).first { wrapped.line($0).contains("14:02:09.985") }!
        #expect(wrapped.line(first + 1) == String(repeating: " ", count: 37) + "-00f067aa0ba902b7] [requestId=bbbb2222bbbb2222bbbb2222bbbb2222]")
    }
}
