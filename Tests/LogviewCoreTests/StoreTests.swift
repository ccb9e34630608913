@testable import LogviewCore
import TestSupport
import Testing

@Suite struct SourceIndexerTests {
    @Test func foldsContinuationsAndCountsLines() throws {
        let src = try Fixture.source("app", "@100 INFO first\n  more of first\n\tand more\n@200 WARN second\n")
        let e = src.entries
        #expect(e.count == 2)
        #expect(e.timestamps == [100, 200])
        #expect(e.lines == [1, 4])
        #expect(e.lineCounts == [3, 1])
        #expect(e.level(0) == .info && e.level(1) == .warning)
        #expect(src.withBytes(of: 0) { String(decoding: $0, as: UTF8.self) } == "@100 INFO first\n  more of first\n\tand more")
        #expect(src.withBytes(of: 1) { String(decoding: $0, as: UTF8.self) } == "@200 WARN second")
    }

    @Test func crlfLastLineWithoutNewlineAndEmptyFile() throws {
        let src = try Fixture.source("app", "@1 INFO a\r\n cont\r\n@2 ERROR b")
        #expect(src.entries.count == 2)
        #expect(src.entries.lineCounts == [2, 1])
        #expect(src.withBytes(of: 1) { String(decoding: $0, as: UTF8.self) } == "@2 ERROR b")
        #expect(src.entries.lengths[0] == 16)  // "@1 INFO a\r\n cont" without the final CR
        let empty = try Fixture.source("empty", "")
        #expect(empty.entries.count == 0)
    }

    @Test func leadingLinesWithoutAnEntryAreKeptAndDatedByTheNext() throws {
        let src = try Fixture.source("app", "\tat x.y(Z.java:1)\n\tat a.b(C.java:2)\n@500 ERROR boom\n")
        #expect(src.entries.count == 2)
        #expect(src.entries.timestamps == [500, 500])
        #expect(src.entries.lineCounts == [2, 1])
        #expect(src.entries.level(0) == .unknown)
    }

    @Test func aFileWithNoEntryAtAllIsOneEntryDatedByTheFile() throws {
        let seg = Fixture.segment(bytes: [0x00, 0x01, 0xFF, 0x0A, 0x7F, 0x1B], modified: 42)
        let src = try SourceIndexer.index(name: "bin", format: KeyValueTestFormat(), options: FormatOptions(), segments: [seg])
        #expect(src.entries.count == 1)
        #expect(src.entries.timestamps == [42])
        #expect(src.entries.lengths == [6])
    }

    @Test func leadingNULBytesDoNotHideTheLine() throws {
        let bytes = [UInt8](repeating: 0, count: 4096) + Array("@7 INFO after nuls\n".utf8)
        let seg = Fixture.segment(bytes: bytes)
        let src = try SourceIndexer.index(name: "nul", format: KeyValueTestFormat(), options: FormatOptions(), segments: [seg])
        #expect(src.entries.count == 1)
        #expect(src.entries.timestamps == [7])
        #expect(src.entries.lengths == [4096 + 18])
        #expect(src.entries.messageStarts == [4096 + 8])
    }

    @Test func idsOnContinuationLinesJoinTheEntry() throws {
        let src = try Fixture.source("pg", "@1 INFO s=9 id=r1 select\nSTATEMENT tid=t1\n@2 INFO id=r2\n")
        let tl = Timeline(sources: [src])
        #expect(src.entries.keys(of: 0).map { tl.correlation.ids.text(of: $0) } == ["r1", "t1"])
        #expect(src.entries.keys(of: 1).map { tl.correlation.ids.text(of: $0) } == ["r2"])
    }

    @Test func segmentsKeepTheirOwnLineNumbers() throws {
        let a = Fixture.segment("@1 INFO old\n@2 INFO old2\n", path: "/l/app.log.1")
        let b = Fixture.segment("@3 INFO new\n", path: "/l/app.log")
        let src = try SourceIndexer.index(name: "app", format: KeyValueTestFormat(), options: FormatOptions(), segments: [a, b])
        #expect(src.entries.lines == [1, 2, 1])
        #expect((0..<3).map { src.path(of: $0) } == ["/l/app.log.1", "/l/app.log.1", "/l/app.log"])
    }
}

@Suite struct IDTableTests {
    @Test func hexIDsAreKeptAsNibblesAndSpelledOutExactly() {
        var t = IDTable()
        // Lowercase hex of even length is packed; upper case, odd length and other bytes are not.
        let ids = ["8eb9df6be068e984f595c33a24132b5d", "8EB9DF6BE068E984F595C33A24132B5D", "abc", "ab", "0dd8ef3e-45e9",
            "8eb9df6be068e984f595c33a24132b5", "8eb9df6be068e984f595c33a24132b5d00", "zz", "09af"]
        let keys = ids.map { id in Array(id.utf8).withUnsafeBytes { t.intern($0, kind: .trace) } }
        #expect(keys == (0..<UInt32(ids.count)).map { $0 })
        #expect((0..<UInt32(ids.count)).map { t.text(of: $0) } == ids)
        #expect(ids.map { t.key(of: $0) } == keys)
        #expect(t.key(of: "8eb9df6be068e984f595c33a24132b5e") == nil)
        #expect(t.key(of: "8eb9df6be068e984f595c33a24132b5D") == nil)
        #expect(t.withBytes(of: 0) { Array($0) } == Array(ids[0].utf8))
        #expect(IDTable.isPackable(UnsafeRawBufferPointer(start: nil, count: 0)) == false)
        #expect(ids.map { id in Array(id.utf8).withUnsafeBytes { IDTable.isPackable($0) } }
            == [true, false, false, true, false, false, true, false, true])
    }

    @Test func internsOnceAndFindsByText() {
        var t = IDTable()
        let words = (0..<5000).map { "id-\($0 * 7919)" }
        var keys: [UInt32] = []
        for w in words { keys.append(Array(w.utf8).withUnsafeBytes { t.intern($0, kind: .request) }) }
        #expect(keys == (0..<5000).map { UInt32($0) })
        for (i, w) in words.enumerated() {
            #expect(Array(w.utf8).withUnsafeBytes { t.intern($0, kind: .request) } == UInt32(i))
            #expect(t.key(of: w) == UInt32(i))
        }
        #expect(t.count == 5000)
        #expect(t.text(of: 4999) == words[4999])
        #expect(t.key(of: "absent") == nil)
    }
}
