import LogviewCore
import Testing
@testable import LogviewTUI

@Suite struct PaneLayoutTests {
    /// nginx on the left third; on the right two thirds, PostgreSQL errors over the backend's
    /// order lines (3 panes from a 2-way split whose second child is a 2-way split).
    static let incident = PaneLayout(name: "incident", root: .split(.vertical, [
        .pane(LogviewCore.PaneFilter(title: "edge", sources: ["nginx"], exclude: "health"), weight: 1),
        .split(.horizontal, [
            .pane(LogviewCore.PaneFilter(sources: ["postgresql"], minimumLevel: .error), weight: 1),
            .pane(LogviewCore.PaneFilter(title: "orders", sources: ["backend"], grep: "Order"), weight: 1),
        ], weight: 2),
    ], weight: 1))

    @Test func layoutBecomesPanesWithTheirFiltersAndGeometry() throws {
        var app = try TUIFixture.app(rows: 14, columns: 121)
        app.arrange(Self.incident, base: LogviewTUI.PaneFilter())
        #expect(app.panes.count == 3)
        #expect(app.layout == .split(.sideBySide, .pane(0), .split(.stacked, .pane(1), .pane(2)), first: 1, second: 2))
        #expect(app.panes.map(\.title) == ["edge", nil, "orders"])
        #expect(app.panes.map { $0.filter.hiddenSources.sorted() } == [[1, 2], [0, 1], [0, 2]])
        #expect(app.panes[0].filter.exclude.map(\.source) == ["health"])
        #expect(app.panes[1].filter.minimumLevel == .error)
        #expect(app.panes[2].filter.include.map(\.source) == ["Order"])
        let frame = app.frame
        #expect(frame.panes[0] == Rect(row: 0, column: 0, height: 12, width: 40))
        #expect(frame.panes[1] == Rect(row: 0, column: 41, height: 6, width: 80))
        #expect(frame.panes[2] == Rect(row: 6, column: 41, height: 6, width: 80))
        let screen = Renderer.render(app)
        #expect(screen.line(0) == "─ 1 edge: nginx -/health/ (2) ──────────│─ 2 postgresql level>=error (1) ────────────────────────────────────────────────")
        #expect(screen.line(1) == " 01-30 14:02:03.000 nginx      INFO  10.│ 01-30 14:02:09.990 postgresql ERROR [41002] app@shop ERROR:  duplicate key v +1")
        #expect(screen.line(2).hasPrefix(" 01-30 14:02:10.000 nginx      ERROR 10.│"))
        #expect(screen.line(6) == String(repeating: " ", count: 40) + "│─ 3 orders: backend +/Order/ (1) ───────────────────────────────────────────────")
        #expect(screen.line(7).hasPrefix(String(repeating: " ", count: 40) + "│ 01-30 14:02:09.985 backend    ERROR ERROR 2711 --- [api] [exec-2] [4bf92f357 +2"))
    }
}
