import LogviewCore
import Testing
import TestSupport
@testable import LogviewTUI

/// A long follow in the viewer drops old entries only while following the tail; selection,
/// bookmarks and expanded entries stay on their entries, and `R` reads everything back.
@Suite struct AppTrimTests {
    /// Ten nginx lines at 14:03:00..09 (after the fixture's entries).
    var tenLines: Segment {
        Fixture.segment((0..<10).map {
            "10.0.0.9 - - [30/Jan/2026:14:03:0\($0) +0000] \"GET /live/\($0) HTTP/1.1\" 200 1 \"-\" \"t\" rid=dddd\($0) rt=0.001\n"
        }.joined(), path: "/logs/access.log")
    }

    /// The fixture with the backend's multi-line ERROR (row 3) bookmarked and expanded, then
    /// following at the newest entry, with a budget of 8 entries.
    func following() throws -> App {
        var app = try TUIFixture.app()
        app.isLive = true
        app.entryBudget = 8
        app.type("gjjjmeG")
        #expect(app.bookmarks == [EntryRef(source: 1, entry: 1)])
        return app
    }

    /// `following()` after ten new lines came and the timeline was trimmed.
    func trimmed() throws -> App {
        var app = try following()
        app.timeline.ingest(source: 0, segment: tenLines, firstLine: 4)
        app.timelineGrew()
        let dropped = app.trimIfFollowing()
        #expect(dropped)
        return app
    }

    @Test func followingTheTailDropsTheOldestAndKeepsMarksOnTheirEntries() throws {
        var app = try trimmed()
        // 17 entries, more than 8 + 8/4: the 7 oldest went (each source keeps its last entry).
        #expect(app.timeline.count == 10)
        #expect(app.timeline.droppedCount == 7)
        #expect(app.timeline.sources.map(\.entries.count) == [8, 1, 1])
        #expect(app.bookmarks == [EntryRef(source: 1, entry: 0)])
        #expect(app.expanded == [EntryRef(source: 1, entry: 0)])
        #expect(app.focusedPane.cursor == 9)
        #expect(app.followState == .live)
        #expect(app.screen.line(12) == " nginx 8 backend 1 postgresql 1 │ 10/10 │ window ±5s │ follow: live")
        app.type("g")
        let screen = app.screen
        // Cut at the pane's edge (100 columns), like any row.
        #expect(screen.line(0) == " ── 7 older entries dropped from memory (LOGVIEW_MAX_ENTRIES=8) · press R to read them back from dis")
        #expect(screen.line(1) == "*01-30 14:02:09.985 backend    ERROR ERROR 2711 --- [api] [exec-2] [4bf92f3577b34da6a3ce929d0e0e4736")
        #expect(screen.line(2) == "                                     org.springframework.dao.DataIntegrityViolationException: duplic")
        #expect(screen.line(12) == " nginx 8 backend 1 postgresql 1 │ 1/10 │ window ±5s │ follow: paused (G)")
    }

    @Test func nothingIsDroppedWhileScrolledBack() throws {
        var app = try following()
        app.type("k")
        app.timeline.ingest(source: 0, segment: tenLines, firstLine: 4)
        app.timelineGrew()
        let trimmed = app.trimIfFollowing()
        #expect(!trimmed)
        #expect(app.timeline.count == 17)
        #expect(app.timeline.droppedCount == 0)
        app.type("R")
        #expect(!app.readingBack)
        #expect(app.message?.text == "nothing was dropped from memory: every entry is here")
    }

    @Test func readingBackKeepsTheViewOnItsEntry() throws {
        var app = try trimmed()
        app.type("g")
        // Not under a pivot: its request is named by this timeline's correlation.
        app.type("rR")
        #expect(!app.readingBack)
        #expect(app.message?.text == "pop the pivots first (Backspace), then R reads the sources back")
        app.type(.backspace)
        app.type("R")
        #expect(app.readingBack)
        #expect(app.screen.line(0) == " ── 7 older entries dropped from memory (LOGVIEW_MAX_ENTRIES=8) · reading them back from disk… ──")
        // What reading the files again gives: every entry.
        let complete = try TUIFixture.timeline()
        complete.ingest(source: 0, segment: tenLines, firstLine: 4)
        app.readBackDone(complete)
        #expect(!app.readingBack)
        #expect(app.timeline.count == 17)
        #expect(app.focusedPane.cursor == 3)
        #expect(app.selectedEntry(0) == EntryRef(source: 1, entry: 1))
        #expect(app.bookmarks == [EntryRef(source: 1, entry: 1)])
        #expect(app.expanded == [EntryRef(source: 1, entry: 1)])
        #expect(app.screen.line(12) == " nginx 13 backend 2 postgresql 2 │ 4/17 │ window ±5s │ follow: paused (G)")
        #expect(app.screen.line(13) == "read back from disk: 17 entries")
        // Nothing is dropped until live growth passes what was read back.
        app.type("G")
        let trimmedAgain = app.trimIfFollowing()
        #expect(!trimmedAgain)
    }
}
