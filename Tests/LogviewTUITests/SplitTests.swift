import LogviewCore
import Testing
@testable import LogviewTUI

@Suite struct SplitTests {
    @Test func splitPanesHaveTheirOwnFiltersAndStayTimeSynchronised() throws {
        var app = try TUIFixture.app(rows: 16, columns: 161)
        app.type("v")  // side by side; the new right pane has the focus
        #expect(app.panes.count == 2 && app.focus == 1)
        app.type(":source postgresql")
        app.type(.enter)
        app.type(.tab)
        #expect(app.focus == 0)
        app.type("g")
        #expect(app.panes[1].cursor == 0)
        app.type(":goto 14:02:09.985")
        app.type(.enter)
        #expect(app.panes[1].cursor == 1)  // 14:02:09.990, the nearest PostgreSQL entry
        app.type("jj")  // 14:02:20 nginx
        #expect(app.panes[1].cursor == 1)
        app.type("gjj")  // 14:02:03 nginx: nearest PostgreSQL entry is 14:02:02.995
        #expect(app.panes[1].cursor == 0)
        let screen = app.screen
        #expect(screen.line(0) == "─ 1 all sources (7) ────────────────────────────────────────────────────────────│─ 2 postgresql (2) ─────────────────────────────────────────────────────────────")
        #expect(screen.line(1) == " 01-30 14:02:02.990 backend    INFO  INFO 2711 --- [api] [exec-1] [0af7651916cd4│ 01-30 14:02:02.995 postgresql INFO  [41001] app@shop LOG:  duration: 1.204 ms")
        #expect(screen[0, 2].role == .focusedBorder && screen[0, 83].role == .border)
        // Both panes mark their synchronised row.
        #expect(screen[3, 1].mark == .selected && screen[1, 82].mark == .selected)
    }

    @Test func stackedSplitsFocusByDirectionAndClose() throws {
        var app = try TUIFixture.app(rows: 30, columns: 120)
        app.type("s")  // pane 2 below pane 1
        app.type("v")  // pane 3 right of pane 2
        #expect(app.layout == .split(.stacked, .pane(0), .split(.sideBySide, .pane(1), .pane(2))))
        #expect(app.focus == 2)
        app.type(.control("w"), .character("h"))
        #expect(app.focus == 1)
        app.type(.control("w"), .character("k"))
        #expect(app.focus == 0)
        app.type(.control("w"), .character("j"))
        #expect(app.focus == 1)
        app.type("x")
        #expect(app.panes.count == 2)
        #expect(app.layout == .split(.stacked, .pane(0), .pane(1)))
        app.type("x")
        app.type("x")
        #expect(app.panes.count == 1)
        #expect(app.message == Message(text: "the last pane stays (q quits)", isError: true))
    }

    @Test func pivotsNarrowEveryPane() throws {
        var app = try TUIFixture.app(rows: 20, columns: 120)
        app.type("s")
        app.type(":source nginx")
        app.type(.enter)
        app.type(.tab)
        app.type("G")
        app.type("k")  // nginx 500 of request B in pane 1
        app.type("r")
        #expect(app.panes[0].rows.count == 3)
        #expect(app.panes[1].rows.count == 1)
        #expect(app.timeline.order[app.panes[1].rows.position(0)].source == 0)
        app.type(.backspace)
        #expect(app.panes[0].rows.count == 7 && app.panes[1].rows.count == 3)
    }
}
