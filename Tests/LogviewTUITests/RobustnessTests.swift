import LogviewCore
import Testing
@testable import LogviewTUI

@Suite struct RobustnessTests {
    static let keys: [Key] = [
        .character("j"), .character("k"), .character("g"), .character("G"), .pageDown, .pageUp, .left, .right,
        .character("r"), .character("w"), .character("+"), .character("-"), .backspace, .escape, .enter,
        .character("s"), .character("v"), .character("x"), .tab, .backTab, .control("w"), .character("h"),
        .character("l"), .character("1"), .character("3"), .character("m"), .character("'"), .character("e"),
        .character("W"), .character("n"), .character("N"), .character("J"), .character("K"), .function(1),
        .character("/"), .character("o"), .character(":"), .character("?"), .character("f"), .character("F"),
        .wheelUp, .wheelDown, .resize(rows: 5, columns: 20), .resize(rows: 3, columns: 10), .resize(rows: 40, columns: 150),
        .resize(rows: 12, columns: 60),
    ]

    /// Random key sequences (a fixed xorshift seed, so failures reproduce) never crash, and the
    /// cursor always stays on a row.
    @Test(arguments: [1, 2, 3, 4, 5, 6, 7, 8] as [UInt64])
    func randomKeysKeepTheStateConsistent(seed: UInt64) throws {
        var app = try TUIFixture.app(rows: 20, columns: 90)
        var x = seed &* 0x9E37_79B9_7F4A_7C15 | 1
        for _ in 0..<600 {
            x ^= x << 13
            x ^= x >> 7
            x ^= x << 17
            app.handle(Self.keys[Int(x % UInt64(Self.keys.count))])
            for pane in app.panes {
                #expect(pane.rows.count == 0 || (pane.cursor >= 0 && pane.cursor < pane.rows.count))
                #expect(pane.top >= 0 && pane.top <= max(pane.cursor, 0))
            }
            #expect(app.focus < app.panes.count)
            let screen = app.screen
            #expect(screen.rows == app.screenRows && screen.columns == app.screenColumns)
        }
    }

    @Test func anEmptyTimelineIsSafe() throws {
        var app = App(timeline: Timeline(sources: []), zone: .utc, rows: 10, columns: 60)
        for key in Self.keys { app.handle(key) }
        app.apply(.resize(rows: 10, columns: 60))
        app.handle(.escape)
        app.handle(.escape)
        #expect(app.screen.text.contains("(no entries)"))
    }
}
