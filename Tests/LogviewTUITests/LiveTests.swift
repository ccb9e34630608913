import LogviewCore
import Testing
import TestSupport
@testable import LogviewTUI

/// Live entries (what a LiveFeed's pump adds through `Timeline.ingest`) reach the panes.
@Suite struct LiveTests {
    func line(_ n: Int) -> String {
        "10.0.0.9 - - [30/Jan/2026:14:03:0\(n) +0000] \"GET /live/\(n) HTTP/1.1\" 200 1 \"-\" \"t\" rid=dddd\(n) rt=0.001\n"
    }

    @Test func newEntriesAppearAndTheBottomSticks() throws {
        var app = try TUIFixture.app()
        app.isLive = true
        #expect(app.focusedPane.cursor == 6)
        app.timeline.ingest(source: 0, segment: Fixture.segment(line(1), path: "/logs/access.log"), firstLine: 4)
        app.timelineGrew()
        #expect(app.focusedPane.rows.count == 8)
        #expect(app.focusedPane.cursor == 7)
        app.type("k")
        app.timeline.ingest(source: 0, segment: Fixture.segment(line(2) + line(3), path: "/logs/access.log"), firstLine: 5)
        app.timelineGrew()
        #expect(app.focusedPane.rows.count == 10)
        #expect(app.focusedPane.cursor == 6)
        #expect(app.unseen == 2)
        #expect(app.screen.line(12).hasSuffix("│ follow: 2 new below (G)"))
        app.type("G")
        #expect(app.unseen == 0)
        #expect(app.screen.line(12).hasSuffix("│ follow: live"))
    }

    @Test func filteredPanesTakeOnlyMatchingLiveEntries() throws {
        var app = try TUIFixture.app()
        app.type(":level warn")
        app.type(.enter)
        #expect(app.focusedPane.rows.count == 3)
        app.timeline.ingest(source: 0, segment: Fixture.segment(line(1), path: "/logs/access.log"), firstLine: 4)
        app.timelineGrew()
        #expect(app.focusedPane.rows.count == 3)
    }
}
