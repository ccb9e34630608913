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
