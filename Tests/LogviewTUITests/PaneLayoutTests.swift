import LogviewCore
import Testing
import TestSupport
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

    /// PostgreSQL (newest 14:02:09.990, its STATEMENT folded in) beside nginx (newest 14:02:20):
    /// nginx opens on its 14:02:10 row, the time of the first pane, not on its own newest row.
    static let pair = PaneLayout(name: "pair", root: .split(.vertical, [
        .pane(LogviewCore.PaneFilter(sources: ["postgresql"]), weight: 1),
        .pane(LogviewCore.PaneFilter(sources: ["nginx"]), weight: 1),
    ], weight: 1))

    /// The viewer arranges the layout before anything is loaded; the panes line up when the
    /// sources arrive (the preview and the complete load alike), without a key pressed.
    @Test(arguments: [false, true])
    func panesOpenAlignedInTimeWhenTheSourcesArrive(preview: Bool) throws {
        var app = App(timeline: Timeline(sources: []), zone: .utc, rows: 8, columns: 121)
        app.loading = BackgroundLoad.Progress(done: 0, total: 3)
        app.arrange(Self.pair, base: LogviewTUI.PaneFilter())
        if preview { app.previewed(try TUIFixture.timeline()) } else { app.loaded(try TUIFixture.timeline()) }
        #expect(app.panes.map(\.cursor) == [1, 1])
        #expect(app.panes.map { $0.rows.count } == [2, 3])
        let screen = Renderer.render(app)
        #expect(screen.line(2) == " 01-30 14:02:09.990 postgresql ERROR [41002] app@shop ERR +1│ 01-30 14:02:10.000 nginx      ERROR 10.0.0.2 - - [30/Jan/20")
        #expect(screen.line(3) == String(repeating: " ", count: 60) + "│ 01-30 14:02:20.000 nginx      INFO  10.0.0.3 - - [30/Jan/20")
        // The selection is drawn on those rows, one in each pane; nginx's newest row is not selected.
        #expect((1...3).map { screen[$0, 1].mark } == [.none, .selected, .none])
        #expect((1...3).map { screen[$0, 62].mark } == [.none, .selected, .none])
    }

    /// A source hidden while the preview is shown stays hidden once the whole set is loaded, in
    /// every pane, a pane split off during the preview included, though the preview numbers its
    /// sources differently.
    @Test func sourcesHiddenDuringThePreviewStayHiddenByName() throws {
        var app = App(timeline: Timeline(sources: []), zone: .utc, rows: 20, columns: 100)
        app.loading = BackgroundLoad.Progress(done: 0, total: 3)
        // The preview holds PostgreSQL alone: its number there is 0, in the whole set 2.
        app.previewed(Timeline(sources: [
            try Fixture.source("postgresql", TUIFixture.postgres, format: FormatRegistry.format(named: "postgresql")!,
                options: FormatOptions(zone: .utc), path: "/logs/postgresql.log"),
        ]))
        app.panes[0].filter.hiddenSources = [0]
        app.panes.append(app.panes[0])
        app.loaded(try TUIFixture.timeline())
        #expect(app.panes.map(\.filter.hiddenSources) == [[2], [2]])
        #expect(app.panes[0].rows.count == 5)
    }
}
