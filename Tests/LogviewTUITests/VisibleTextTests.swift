import LogviewCore
import Testing
@testable import LogviewTUI

@Suite struct VisibleTextTests {
    func slice(_ s: String, skip: Int, columns: Int) -> String {
        let bytes = Array(s.utf8)
        return String(decoding: bytes.withUnsafeBytes { VisibleText.slice($0, skip: skip, columns: columns) }, as: UTF8.self)
    }

    @Test func escapesBecomeVisible() {
        #expect(slice("ua\u{1B}]0;pwned\u{07}\u{1B}[2J\0end", skip: 0, columns: 80) == #"ua\e]0;pwned\a\e[2J\0end"#)
        let invalid: [UInt8] = [0x61, 0xE9, 0x62]
        let shown = String(decoding: invalid.withUnsafeBytes { VisibleText.slice($0, skip: 0, columns: 10) }, as: UTF8.self)
        #expect(shown == #"a\xe9b"#)
    }

    @Test func tabsBecomeFourBlanks() {
        #expect(slice("\tat x", skip: 0, columns: 20) == "    at x")
    }

    @Test func sideScrollCutsByColumnsAndPadsAHalfWideCharacter() {
        #expect(slice("abcdef", skip: 2, columns: 3) == "cde")
        #expect(slice("名前ab", skip: 1, columns: 4) == " 前a")
        #expect(slice("名前ab", skip: 2, columns: 10) == "前ab")
    }

    @Test func aTwoMegabyteLineIsCutWithoutReadingPastTheView() {
        var line = [UInt8](repeating: 0x78, count: 2 << 20)  // "xxx..."
        let marker = Array("<MARK>".utf8)
        line.replaceSubrange(1_000_000..<(1_000_000 + marker.count), with: marker)
        let shown = line.withUnsafeBytes { VisibleText.slice($0, skip: 999_998, columns: 10) }
        #expect(String(decoding: shown, as: UTF8.self) == "xx<MARK>xx")
        #expect(line.withUnsafeBytes { VisibleText.width($0, limit: 500) } == 500)
    }

    @Test func aChunkBoundaryInsideAUTF8SequenceDoesNotBreakIt() {
        // 4095 ASCII bytes, then a 3-byte character across the 4096-byte chunk edge.
        let text = String(repeating: "a", count: 4095) + "名b"
        #expect(slice(text, skip: 4094, columns: 4) == "a名b")
    }
}
