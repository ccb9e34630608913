import LogviewCore
import Testing
@testable import LogviewTUI

/// A config `color` draws its source's tag (timeline and detail pane) in that colour; the
/// others keep the theme's palette.
@Suite struct SourceColorTests {
    @Test func aConfiguredColourDrawsTheSourceTag() throws {
        var app = try TUIFixture.app(rows: 14, columns: 100)
        app.sourceColors = ["backend": Color(name: "#ff8800")!]
        let screen = Renderer.render(app)
        let rows = (0..<screen.rows).filter { screen.line($0).dropFirst(20).hasPrefix("backend") }
        #expect(rows.count == 2)
        for r in rows {
            #expect((20..<27).map { screen[r, $0].role } == Array(repeating: .configuredSource(.index(208)), count: 7))
        }
        let nginxRow = try #require((0..<screen.rows).first { screen.line($0).dropFirst(20).hasPrefix("nginx") })
        #expect(screen[nginxRow, 20].role == .source(0))
        #expect(Theme.standard.style(.configuredSource(.index(208))).foreground == .index(208))
        #expect(Theme.standard.style(.source(0)).foreground != .index(208))
    }

    @Test func theDetailPaneUsesTheSameColour() throws {
        var app = try TUIFixture.app(rows: 30, columns: 100)
        app.sourceColors = ["nginx": .index(33)]
        app.type("d")
        let screen = Renderer.render(app)
        let row = try #require((0..<screen.rows).first { screen.line($0).contains("nginx (nginx-access)") })
        let column = try #require(screen.line(row).range(of: "nginx (nginx-access)").map { screen.line(row).distance(from: screen.line(row).startIndex, to: $0.lowerBound) })
        #expect(screen[row, column].role == .configuredSource(.index(33)))
    }

    @Test(arguments: [
        ("#ff8800", 208), ("#000000", 16), ("#ffffff", 231), ("#808080", 244), ("208", 208), ("bright_blue", 12), ("red", 1), ("default", -1),
    ])
    func coloursAreReadAsPeopleWriteThem(text: String, index: Int) {
        #expect(PaletteColor.index(text) == index)
    }

    @Test(arguments: ["mauve", "256", "#ff88", "#gg8800", ""])
    func otherWordsAreNoColour(text: String) {
        #expect(PaletteColor.index(text) == nil)
    }
}
