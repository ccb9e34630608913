@testable import LogviewCore
import Testing

/// The vector search must find exactly what a byte-by-byte comparison finds, at every position a
/// 16-byte step can put a match (inside a step, across two, in the tail after the last step).
@Suite struct MultiLiteralSearcherTests {
    /// Every (needle, offset) by comparing at each offset: the reference.
    static func naive(_ needles: [[UInt8]], _ bytes: [UInt8]) -> [String] {
        var found: [String] = []
        for (n, needle) in needles.enumerated() where !needle.isEmpty && needle.count <= bytes.count {
            for i in 0...(bytes.count - needle.count) where Array(bytes[i..<(i + needle.count)]) == needle {
                found.append("\(n)@\(i)")
            }
        }
        return found
    }

    static func search(_ needles: [[UInt8]], _ bytes: [UInt8]) -> [String] {
        var found: [String] = []
        bytes.withUnsafeBytes { MultiLiteralSearcher(needles).forEachMatch(in: $0) { found.append("\($0)@\($1)") } }
        return found
    }

    @Test func findsEveryOccurrenceOfEveryNeedleInOrder() {
        let rid = Array("9d18518cd9f312d3d5be90e34ce16c79".utf8)
        let trace = Array("f23473ed1ffd5d14b97fc8ad23f85f36".utf8)
        // Timestamps and hex around the ids (the bytes a hex id's anchors meet by chance), two
        // overlapping occurrences of a periodic needle, and ids at the very start and end.
        let text = "9d18518cd9f312d3d5be90e34ce16c79 2026-01-30 14:08:20.964 [f23473ed1ffd5d14b97fc8ad23f85f36-f381aa47] "
            + "rid=9d18518cd9f312d3d5be90e34ce16c79 abab ababab 9d18518cd9f312d3d5be90e34ce16c7 f23473ed1ffd5d14b97fc8ad23f85f36"
        let bytes = Array(text.utf8)
        let needles = [rid, trace, Array("abab".utf8), Array("b".utf8), []]
        let found = Self.search(needles, bytes)
        #expect(found == Self.naive(needles, bytes))
        #expect(found.filter { $0.hasPrefix("0@") } == ["0@0", "0@105"])
        #expect(found.filter { $0.hasPrefix("1@") } == ["1@58", "1@182"])
        #expect(found.filter { $0.hasPrefix("2@") } == ["2@138", "2@143", "2@145"])
    }

    @Test func agreesWithAByteByByteSearchAtEveryAlignment() {
        // A needle placed at each offset 0..<48 of buffers of every length up to 80, among bytes
        // that repeat its anchors.
        let needle = Array("c0ffee12".utf8)
        for length in needle.count...80 {
            for at in 0...(length - needle.count) {
                var bytes = [UInt8](repeating: UInt8(ascii: "c"), count: length)
                for i in stride(from: 1, to: length, by: 2) { bytes[i] = UInt8(ascii: "2") }
                bytes.replaceSubrange(at..<(at + needle.count), with: needle)
                let found = Self.search([needle, Array("c2c".utf8)], bytes)
                #expect(found == Self.naive([needle, Array("c2c".utf8)], bytes), "length \(length), at \(at)")
                #expect(found.contains("0@\(at)"))
            }
        }
    }

    @Test func nothingIsFoundInTooShortOrEmptyBuffers() {
        #expect(Self.search([Array("abc".utf8)], Array("ab".utf8)) == [])
        #expect(Self.search([Array("abc".utf8)], []) == [])
        #expect(MultiLiteralSearcher([Array("abc".utf8), Array("abcdef".utf8)]).longest == 6)
    }

    @Test func anchorsAreTheRarestBytesFarApart() {
        // Hex: the letters b/c/d/f outrank digits and a/e; the second anchor is the farthest of
        // the next rarest.
        #expect(MultiLiteralSearcher.anchors(of: Array("0123b5678c".utf8)) == (4, 9))
        #expect(MultiLiteralSearcher.anchors(of: Array("1234".utf8)) == (0, 3))
        #expect(MultiLiteralSearcher.anchors(of: Array("x".utf8)) == (0, 0))
    }
}
