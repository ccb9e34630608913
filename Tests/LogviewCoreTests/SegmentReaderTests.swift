import Foundation
@testable import LogviewCore
import TestSupport
import Testing

/// File-backed segments: indexing a file in blocks gives the index of the whole text in memory,
/// reading entries back through small windows gives their exact bytes (windows that end inside
/// multi-line entries included), and a file truncated under us reads as a placeholder, not a trap.
@Suite struct SegmentReaderTests {
    /// A temporary file holding `text`, opened read-only as a file-backed segment.
    final class TempLog {
        let path: String
        init(_ text: String) throws {
            path = NSTemporaryDirectory() + "logview-segment-\(UUID().uuidString).log"
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        }
        deinit { unlink(path) }

        func segment() -> Segment {
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            var st = stat()
            fstat(fd, &st)
            return Segment(path: path, data: SegmentBytes(file: fd, count: Int(st.st_size), path: path), modified: Timestamp(nanoseconds: 0))
        }
    }

    static let zoned = FormatOptions(zone: ZoneRules(fixedOffset: 32_400, name: "KST"))
    static let texts: [(String, String)] = [
        (ChunkedScanTests.postgres, "postgresql"), (ChunkedScanTests.spring, "spring-boot"), (ChunkedScanTests.python, "python"),
    ]

    static func index(_ segment: Segment, _ format: String, _ indexing: IndexingOptions) throws -> SourceIndex {
        try SourceIndexer.index(
            name: "t", format: FormatRegistry.format(named: format)!, options: zoned, segments: [segment], indexing: indexing)
    }

    @Test func aFileIndexedInBlocksEqualsTheWholeTextInMemoryAtEveryBlockSize() throws {
        for (text, format) in Self.texts {
            let log = try TempLog(text)
            let expected = ChunkedScanTests.rows(try Self.index(Fixture.segment(text), format, IndexingOptions(threads: 1)))
            #expect(expected.count >= 2)
            for block in 1...text.utf8.count {
                for (threads, chunk) in [(1, 1 << 20), (3, 7), (2, 64)] {
                    let file = try Self.index(log.segment(), format, IndexingOptions(threads: threads, chunkBytes: chunk, blockBytes: block))
                    #expect(file.segments[0].data.isFileBacked)
                    #expect(ChunkedScanTests.rows(file) == expected, "\(format) block \(block) threads \(threads) chunk \(chunk)")
                }
            }
        }
    }

    @Test func windowsSmallerThanEntriesGiveEveryEntrysExactBytes() throws {
        let logs = try Self.texts.map { try TempLog($0.0) }
        let inMemory = try Self.texts.map { try Self.index(Fixture.segment($0.0), $0.1, IndexingOptions(threads: 1)) }
        let onDisk = try zip(logs, Self.texts).map { try Self.index($0.segment(), $1.1, IndexingOptions(threads: 1)) }
        func expected(_ s: Int, _ i: Int) -> [UInt8] { inMemory[s].withBytes(of: i) { Array($0) } }
        // Entries of the three files interleaved, forwards and backwards; one window forces
        // every switch of file to re-read.
        var order: [(Int, Int)] = []
        for i in 0..<8 { for s in onDisk.indices where i < onDisk[s].entries.count { order.append((s, i)) } }
        order += order.reversed()
        for (windowBytes, windows) in [(1, 1), (5, 2), (17, 1), (64, 3), (4096, 8)] {
            let reader = SegmentReader(windowBytes: windowBytes, windows: windows)
            for (s, i) in order {
                #expect(Array(onDisk[s].bytes(of: i, using: reader)) == expected(s, i), "window \(windowBytes)×\(windows) source \(s) entry \(i)")
                let viaBody = reader.withBytes(onDisk[s].segments[0].data, offset: Int(onDisk[s].entries.offsets[i]),
                    count: Int(onDisk[s].entries.lengths[i])) { Array($0) }
                #expect(viaBody == expected(s, i))
            }
        }
        // A read nested in another's body gets its own bytes and leaves the outer ones alone.
        let nested = onDisk[0].withBytes(of: 0) { outer in
            (onDisk[0].withBytes(of: 1) { Array($0) }, Array(outer))
        }
        #expect(nested.0 == expected(0, 1) && nested.1 == expected(0, 0))
        #expect(onDisk[1].segments[0].data.prefix(10) == Array(ChunkedScanTests.spring.utf8.prefix(10)))
    }

    @Test func aFileTruncatedUnderUsReadsAsAPlaceholder() throws {
        let text = "@1 INFO first id=a\n@2 WARN second\n  continued\n@3 INFO third\n"
        let log = try TempLog(text)
        let source = try SourceIndexer.index(
            name: "t", format: KeyValueTestFormat(), options: FormatOptions(), segments: [log.segment()])
        #expect(source.entries.lineCounts == [1, 2, 1])
        // The writer rewrites the log in place, shorter: the cut falls inside the second entry.
        #expect(truncate(log.path, 25) == 0)
        let gone = "[logview: \(log.path) changed on disk; this entry's bytes are gone]"
        let reader = SegmentReader(windowBytes: 8)
        #expect(String(decoding: source.bytes(of: 0, using: reader), as: UTF8.self) == "@1 INFO first id=a")
        #expect(String(decoding: source.bytes(of: 1, using: reader), as: UTF8.self) == gone)
        #expect(String(decoding: source.bytes(of: 2, using: reader), as: UTF8.self) == gone)
        #expect(source.withBytes(of: 2) { String(decoding: $0, as: UTF8.self) } == gone)
        #expect(source.withBytes(of: 0) { _ in source.withBytes(of: 1) { String(decoding: $0, as: UTF8.self) } } == gone)
        let timeline = Timeline(sources: [source])
        var out: [UInt8] = []
        let writer = EntryWriter(timeline: timeline, style: .text, zone: .utc)
        for ref in timeline.order { writer.write(ref, to: &out) }
        #expect(String(decoding: out, as: UTF8.self).split(separator: "\n").map { String($0.split(separator: " ", maxSplits: 3).last?.drop { $0 == " " } ?? "") }
            == ["first id=a", gone, gone])
    }

    @Test func columnsAreSizedFromWhatWasReadOnlyWhenItIsAFairSample() {
        // A 10 GB file whose first whole line ends at byte 1 (a line longer than a block follows).
        #expect(SourceIndexer.projectionScale(total: 10_000_000_000, read: 1) == nil)
        #expect(SourceIndexer.projectionScale(total: 10_000_000_000, read: (1 << 20) - 1) == nil)
        #expect(SourceIndexer.projectionScale(total: 10_000_000_000, read: 4 << 20) == 10_000_000_000 / Double(4 << 20) * 1.06)
        // A file smaller than the sample size is its own sample.
        #expect(SourceIndexer.projectionScale(total: 300, read: 300) == 1.06)
        #expect(SourceIndexer.projectionScale(total: 300, read: 0) == nil)
    }

    /// A file whose lines get shorter after the first block: a projection made once from that
    /// block fell short and the columns then doubled, leaving close to half of them unused.
    @Test func columnsFollowTheProjectionBlockByBlockInsteadOfDoubling() throws {
        var text = ""
        var n = 0
        func line(_ width: Int) {
            let head = "2026-01-30 14:02:03,\(String(format: "%03d", n % 1000)) INFO     [2303] [app.main] [\(String(format: "%032x", n))] entry "
            text += head + String(repeating: "x", count: max(0, width - head.utf8.count - 1)) + "\n"
            n += 1
        }
        while text.utf8.count < 1 << 20 { line(200) }
        let firstBlock = n
        while text.utf8.count < 4 << 20 { line(180) }
        let log = try TempLog(text)
        for threads in [1, 2] {
            let index = try Self.index(log.segment(), "python", IndexingOptions(threads: threads, chunkBytes: 256 << 10, blockBytes: 1 << 20))
            #expect(index.entries.count == n)
            #expect(index.entries.lines[firstBlock] == UInt32(firstBlock + 1))
            let capacity = index.entries.capacity
            #expect(capacity >= n && capacity <= n + n / 8, "threads \(threads): room for \(capacity) entries, \(n) used")
        }
    }

    @Test func anEmptyFileIndexesToNothing() throws {
        let log = try TempLog("")
        let source = try SourceIndexer.index(name: "t", format: KeyValueTestFormat(), options: FormatOptions(), segments: [log.segment()])
        #expect(source.entries.count == 0)
        #expect(source.newlineCount(inSegment: 0) == 0)
    }

    /// A Spring Boot log of `count` entries a second apart, every 5th with a stack trace.
    static func springLog(count: Int) -> String {
        var text = ""
        for i in 0..<count {
            text += "2026-01-30T14:\(String(format: "%02d:%02d", i / 60, i % 60)).000+09:00  INFO 50717 --- [api] [exec-1] [requestId=r\(i)] c.e.Orders  : order \(i)\n"
            if i % 5 == 0 { text += "java.lang.IllegalStateException: retry \(i)\n\tat c.e.Orders.place(Orders.java:\(i))\n" }
        }
        return text
    }

    @Test func aTimeWindowIsFoundByBinarySearchAndItsPartIndexesLikeTheWhole() throws {
        let text = Self.springLog(count: 400)
        let log = try TempLog(text)
        let whole = try Self.index(log.segment(), "spring-boot", IndexingOptions(threads: 1))
        #expect(whole.entries.count == 400)
        let format = FormatRegistry.format(named: "spring-boot")!
        let times = whole.entries.timestamps
        for (first, last) in [(150, 170), (0, 3), (390, 399), (200, 200)] {
            let search = SegmentTimeSearch(data: log.segment().data, probeBytes: 300) { try format.makeParser(Self.zoned) }
            let range = try #require(search.range(earliest: times[first], latest: times[last]))
            let starts = Set(whole.entries.offsets.map(Int.init) + [text.utf8.count])
            #expect(starts.contains(range.lowerBound) && starts.contains(range.upperBound), "\(first)...\(last): \(range)")
            #expect(range.count < text.utf8.count / 4, "\(first)...\(last): \(range) is not a part")
            var part = Segment(path: log.path, data: log.segment().data.slice(range)!, modified: Timestamp(nanoseconds: 0))
            part.firstLine = part.data.count == 0 ? 1 : log.segment().data.newlines(before: range.lowerBound) + 1
            let index = try Self.index(part, "spring-boot", IndexingOptions(threads: 2, chunkBytes: 97, blockBytes: 200))
            // Every entry of the window, whole, with its line number, and nothing that is not an entry of the file.
            let rows = { (s: SourceIndex, i: Int) in
                "\(s.entries.timestamps[i]) \(s.entries.lines[i]) \(s.entries.lineCounts[i]) " + s.withBytes(of: i) { String(decoding: $0, as: UTF8.self) }
            }
            let partRows = Set((0..<index.entries.count).map { rows(index, $0) })
            let wholeRows = (0..<whole.entries.count).map { rows(whole, $0) }
            #expect(partRows.isSubset(of: Set(wholeRows)))
            #expect(Set(wholeRows[first...last]).isSubset(of: partRows), "\(first)...\(last)")
        }
        // The last entry start, found backwards from the end: after an entry line, and before a
        // stack trace that ends the file.
        let lastStart = try #require(SegmentTimeSearch(data: log.segment().data, probeBytes: 300) { try format.makeParser(Self.zoned) }.lastEntryStart())
        #expect(lastStart.offset == Int(whole.entries.offsets[399]) && lastStart.time == times[399])
        let traced = try TempLog(Self.springLog(count: 396))
        let tracedWhole = try Self.index(traced.segment(), "spring-boot", IndexingOptions(threads: 1))
        let tracedLast = try #require(SegmentTimeSearch(data: traced.segment().data, probeBytes: 64) { try format.makeParser(Self.zoned) }.lastEntryStart())
        #expect(tracedLast.offset == Int(tracedWhole.entries.offsets[395]) && tracedLast.time == tracedWhole.entries.timestamps[395])
        // A clock set back an hour mid-file (first and last entries still in order): no part, as
        // the entries after the step would hide from a binary search.
        let lastLine = Self.springLog(count: 1).replacingOccurrences(of: "T14:00", with: "T15:00")
        let stepped = try TempLog(Self.springLog(count: 200) + Self.springLog(count: 400).replacingOccurrences(of: "T14:", with: "T13:") + lastLine)
        let steppedSearch = SegmentTimeSearch(data: stepped.segment().data, probeBytes: 300) { try format.makeParser(Self.zoned) }
        #expect(steppedSearch.range(earliest: times[150], latest: times[170]) == nil)
        // The same file without the step is searched.
        let ordered = try TempLog(Self.springLog(count: 400) + lastLine)
        #expect(SegmentTimeSearch(data: ordered.segment().data, probeBytes: 300) { try format.makeParser(Self.zoned) }
            .range(earliest: times[150], latest: times[170]) != nil)
        // Not in time order: no part.
        let shuffled = try TempLog(Self.springLog(count: 3).split(separator: "\n").reversed().joined(separator: "\n") + "\n")
        #expect(SegmentTimeSearch(data: shuffled.segment().data) { try format.makeParser(Self.zoned) }.range(earliest: 0, latest: 1) == nil)
    }
}
