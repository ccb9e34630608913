import LogviewCore
import Testing
import TestSupport
@testable import LogviewTUI

/// `r` on an entry whose id only a config `request_id` pattern sees pivots to its request.
@Suite struct PatternIDPivotTests {
    @Test func rFindsTheEntriesOfAPatternsID() throws {
        let generic = FormatRegistry.format(named: "generic")!
        let worker = RequestIDPatternFormat(generic, patterns: [try RequestIDPattern(#"\[job ([0-9a-f]+)\]"#)])
        let timeline = Timeline(sources: [
            try Fixture.source("edge", """
                2026-01-30 05:02:03.100 INFO request_id=abc123 POST /pay
                2026-01-30 05:02:03.900 INFO request_id=ffff00 GET /health

                """, format: generic),
            try Fixture.source("worker", """
                2026-01-30 05:02:03.200 INFO [job abc123] charging card
                2026-01-30 05:02:03.400 INFO [job ffff00] health ok
                2026-01-30 05:02:03.500 ERROR [job abc123] declined

                """, format: worker),
        ])
        var app = App(timeline: timeline, zone: .utc, rows: 10, columns: 80)
        app.type("k")  // from the newest entry up to the worker's "declined"
        app.type("r")
        #expect(app.pivots.map { $0.summary(zone: .utc) } == ["request abc123"])
        let screen = Renderer.render(app)
        #expect((0..<4).map { String(screen.line($0).prefix(60)) } == [
            " PIVOT request abc123  (Backspace: back)",
            " 01-30 05:02:03.100 edge   INFO  INFO request_id=abc123 POST",
            " 01-30 05:02:03.200 worker INFO  INFO [job abc123] charging ",
            " 01-30 05:02:03.500 worker ERROR ERROR [job abc123] declined",
        ])
        #expect(app.focusedPane.rows.count == 3)
    }
}
