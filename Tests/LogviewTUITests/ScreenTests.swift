import LogviewCore
import Testing
@testable import LogviewTUI

@Suite struct ScreenTests {
    @Test func wideCharactersTakeTwoCells() {
        var s = Screen(rows: 1, columns: 10)
        let end = s.put("名前👍ab", row: 0, column: 0, role: .text)
        #expect(end == 8)
        #expect(s.line(0) == "名前👍ab")
        #expect(s[0, 0].width == 2)
        #expect(s[0, 1].width == 0)
        #expect(s[0, 6].text == "a")
    }

    @Test func wideCharacterThatDoesNotFitIsLeftOut() {
        var s = Screen(rows: 1, columns: 5)
        let end = s.put("ab名前", row: 0, column: 0, role: .text)
        #expect(end == 4)
        #expect(s.line(0) == "ab名")
        #expect(s[0, 4].text == " ")
    }

    @Test func overwritingHalfAWideCharacterBlanksTheOtherHalf() {
        var s = Screen(rows: 1, columns: 6)
        s.put("名前", row: 0, column: 0, role: .text)
        s.put("x", row: 0, column: 1, role: .text)
        #expect(s.line(0) == " x前")
        s.put("y", row: 0, column: 2, role: .text)
        #expect(s.line(0) == " xy")
    }

    @Test func combiningMarksJoinTheirCharacter() {
        var s = Screen(rows: 1, columns: 4)
        let end = s.put("e\u{301}x", row: 0, column: 0, role: .text)
        #expect(end == 2)
        #expect(s[0, 0].text == "e\u{301}")
        #expect(s.line(0) == "e\u{301}x")
    }

    @Test func controlCharactersAreNeverStored() {
        var s = Screen(rows: 1, columns: 8)
        s.put("a\u{1B}[2Jb", row: 0, column: 0, role: .text)
        #expect(s.line(0) == "a[2Jb")
        #expect(!s.cells.contains { $0.text.unicodeScalars.contains { $0.value < 0x20 } })
    }
}

@Suite struct ScreenDiffTests {
    @Test func onlyChangedColumnsAreRedrawn() {
        var a = Screen(rows: 3, columns: 10)
        a.put("hello", row: 0, column: 0, role: .text)
        a.put("名前", row: 1, column: 0, role: .text)
        #expect(a.changes(since: nil).map { "\($0.row):\($0.columns)" } == ["0:0...9", "1:0...9", "2:0...9"])
        var b = a
        #expect(b.changes(since: a).isEmpty)
        b.put("p", row: 0, column: 3, role: .text)
        b.mark(row: 2, from: 5, to: 7, .selected)
        #expect(b.changes(since: a).map { "\($0.row):\($0.columns)" } == ["0:3...3", "2:5...6"])
        var c = a
        c.put("後", row: 1, column: 2, role: .text)  // replaces 前: both halves
        #expect(c.changes(since: a).map { "\($0.row):\($0.columns)" } == ["1:2...3"])
        #expect(Screen(rows: 3, columns: 11).changes(since: a).count == 3)
    }
}
