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
        #expect(app.screen.line(12).hasSuffix("│ follow: paused, 2 new (G)"))
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

    @Test func capitalFTogglesFollowingAndResumesAtTheNewestEntry() throws {
        var app = try TUIFixture.app()
        #expect(app.followState == .off)
        #expect(app.screen.line(12).hasSuffix("│ follow: off"))
        app.type("g")
        app.type("F")  // off: start following, from the newest entry
        #expect(app.isLive)
        #expect(app.followState == .live)
        #expect(app.focusedPane.cursor == 6)
        app.type("kk")
        #expect(app.followState == .paused(newEntries: 0))
        #expect(app.screen.line(12).hasSuffix("│ 5/7 │ window ±5s │ follow: paused (G)"))
        app.timeline.ingest(source: 0, segment: Fixture.segment(line(1) + line(2) + line(3), path: "/logs/access.log"), firstLine: 4)
        app.timelineGrew()
        #expect(app.followState == .paused(newEntries: 3))
        #expect(app.focusedPane.cursor == 4)
        #expect(app.screen.line(12).hasSuffix("│ 5/10 │ window ±5s │ follow: paused, 3 new (G)"))
        app.type("F")  // paused: resume at the newest entry
        #expect(app.followState == .live)
        #expect(app.focusedPane.cursor == 9)
        #expect(app.screen.line(12).hasSuffix("│ 10/10 │ window ±5s │ follow: live"))
        app.type("F")  // live: stop following
        #expect(app.followState == .off)
        #expect(!app.isLive)
        #expect(app.screen.line(13) == "following stopped (F follows again)")
    }

    @Test func aRequestPivotTakesLiveEntriesOfThatRequestOnly() throws {
        var app = try TUIFixture.app()
        app.isLive = true
        app.type("g")  // nginx 14:02:03, request A (with its backend and PostgreSQL lines)
        app.type("j")
        app.type("j")
        app.type("r")
        #expect(app.focusedPane.rows.count == 3)
        let late = "10.0.0.1 - - [30/Jan/2026:14:02:30 +0000] \"GET /api/users/1/avatar HTTP/1.1\" 200 9 \"-\" \"t\" rid=\(TUIFixture.ridA) rt=0.002\n"
        app.timeline.ingest(source: 0, segment: Fixture.segment(line(1) + late + line(2), path: "/logs/access.log"), firstLine: 4)
        app.timelineGrew()
        #expect(app.focusedPane.rows.count == 4)
        let ref = app.timeline.order[app.focusedPane.rows.position(3)]
        #expect(ref == EntryRef(source: 0, entry: 4))
        #expect(app.timeline.timestamp(ref) == Timestamp(seconds: 1_769_781_750, nanoseconds: 0))
    }
}

/// `f` opens one filter prompt: `RE` keeps matches, `!RE` drops them.
@Suite struct FilterPromptTests {
    @Test func aPatternKeepsAndABangPatternDrops() throws {
        var app = try TUIFixture.app()
        app.type("f")
        #expect(app.screen.line(13) == "filter (!RE drops):")
        app.type("orders")
        app.type(.enter)
        #expect(app.focusedPane.filter.include.map(\.source) == ["orders"])
        #expect(app.focusedPane.rows.count == 2)
        app.type(":clear")
        app.type(.enter)
        app.type("f!orders")
        app.type(.enter)
        #expect(app.focusedPane.filter.exclude.map(\.source) == ["orders"])
        #expect(app.focusedPane.filter.include.isEmpty)
        #expect(app.focusedPane.rows.count == 5)
        #expect(app.screen.line(12).contains("│ -/orders/ │"))
        // `\!` keeps lines matching a pattern that starts with `!`.
        app.type(":clear")
        app.type(.enter)
        app.type("f\\!orders")
        app.type(.enter)
        #expect(app.focusedPane.filter.include.map(\.source) == ["!orders"])
        #expect(app.focusedPane.filter.exclude.isEmpty)
        #expect(app.focusedPane.rows.count == 0)
    }
}
