import LogviewCore
import Testing

/// A file searched for several spans of time reads from the first span it holds to the last, and
/// ignores spans outside its own time.
@Suite struct SegmentTimeSearchTests {
    @Test func spansOutsideTheFileAreIgnoredAndTheOthersJoined() throws {
        // 400 entries a second apart from 14:00:00 KST, every 5th with a stack trace.
        let text = SegmentReaderTests.springLog(count: 400)
        let log = try SegmentReaderTests.TempLog(text)
        let whole = try SegmentReaderTests.index(log.segment(), "spring-boot", IndexingOptions(threads: 1))
        let format = FormatRegistry.format(named: "spring-boot")!
        let times = whole.entries.timestamps
        let search = SegmentTimeSearch(data: log.segment().data, probeBytes: 300, tolerance: 2_000_000_000) {
            try format.makeParser(SegmentReaderTests.zoned)
        }
        let hour: Int64 = 3_600_000_000_000
        let early = try #require(search.range(earliest: times[50], latest: times[60]))
        let late = try #require(search.range(earliest: times[300], latest: times[310]))
        #expect(early.upperBound < late.lowerBound)
        // Nine hours later (another source's zone) and an hour before: no part of this file.
        #expect(search.range(covering: [times[50]...times[60], (times[300] + 9 * hour)...(times[310] + 9 * hour)]) == early)
        #expect(search.range(covering: [(times[0] - hour)...(times[0] - hour / 2), times[300]...times[310]]) == late)
        // Two spans inside: from the first to the last.
        #expect(search.range(covering: [times[300]...times[310], times[50]...times[60]]) == early.lowerBound..<late.upperBound)
        // A span just past the last entry, within the tolerance, still reaches the file.
        let pastEnd = (times[399] + 1_000_000_000)...(times[399] + 1_500_000_000)
        #expect(search.range(covering: [times[50]...times[60], pastEnd])?.upperBound == text.utf8.count)
        // No span reaches the file: as a single window (the first), as before.
        let none = [(times[0] - 2 * hour)...(times[0] - hour), (times[399] + hour)...(times[399] + 2 * hour)]
        #expect(search.range(covering: none) == search.range(earliest: none[0].lowerBound, latest: none[0].upperBound))
        #expect(search.range(covering: []) == nil)
    }
}
