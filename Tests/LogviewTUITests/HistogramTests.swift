import LogviewCore
import Testing
@testable import LogviewTUI

@Suite struct HistogramTests {
    @Test func bucketsCountEntriesAndShowErrors() throws {
        var app = try TUIFixture.app(rows: 16, columns: 100)
        app.type("h")
        let s = app.screen
        // 02.990 to 20.000 in 100 buckets of 0.1701 s: three entries in bucket 0, the three
        // entries of the failing request (errors) in bucket 41, the health check in bucket 99.
        #expect(s[0, 0].text == "█" && s[1, 0].text == "█" && s[0, 0].role == .histogram)
        #expect(s[0, 41].text == "█" && s[1, 41].text == "█" && s[0, 41].role == .histogramError)
        #expect(s[0, 99].text == " " && s[1, 99].text == "▅")
        #expect((1..<41).allSatisfy { s[1, $0].text == " " } && (42..<99).allSatisfy { s[1, $0].text == " " })
        #expect(s[1, 99].mark == .selected && s[1, 0].mark == .none)
        #expect(s.line(2).hasPrefix(" 01-30 14:02:02.990 backend"))
        app.type("h")
        #expect(app.screen.line(0).hasPrefix(" 01-30 14:02:02.990 backend"))
    }

    @Test func mouseWheelScrolls() throws {
        var app = try TUIFixture.app()
        app.type("g")
        app.type(.wheelDown)
        #expect(app.focusedPane.cursor == 3)
        app.type(.wheelUp)
        #expect(app.focusedPane.cursor == 0)
    }
}
