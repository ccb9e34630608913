import Foundation
import Glibc
@testable import LogviewSources
import Testing

/// Where following starts: after the file's last newline, with the unfinished line after it held
/// (read backwards in 64 KiB blocks, so long unfinished lines span several blocks).
@Suite struct LastLineEndTests {
    func lastLineEnd(_ text: [UInt8]) throws -> (Int, [UInt8]) {
        let dir = try TempDir()
        let path = try dir.write("app.log", bytes: text)
        let fd = open(path, O_RDONLY)
        #expect(fd >= 0)
        defer { close(fd) }
        return FileReader.lastLineEnd(fd, size: text.count)
    }

    /// An unfinished line of `count` bytes whose every byte says where it is.
    func unfinished(_ count: Int) -> [UInt8] { (0..<count).map { UInt8(65 + $0 % 26) } }

    @Test func anUnfinishedLineAcrossSeveralBlocksIsHeldWhole() throws {
        let tail = unfinished(200_000)
        let (end, partial) = try lastLineEnd(Array("first\nsecond\n".utf8) + tail)
        #expect(end == 13)
        #expect(partial == tail)
    }

    @Test func aFileWithoutNewlineIsAllUnfinished() throws {
        let tail = unfinished(140_000)
        let (end, partial) = try lastLineEnd(tail)
        #expect(end == 0)
        #expect(partial == tail)
    }

    @Test func aFileEndingInNewlineHoldsNothing() throws {
        let (end, partial) = try lastLineEnd(Array("one\ntwo\n".utf8))
        #expect(end == 8)
        #expect(partial == [])
    }
}
