@testable import LogviewCore
import TestSupport
import Testing

/// Print mode writing text with no request-id question indexes without correlation keys
/// (`IndexingOptions.correlationIDs` false): every other column must be what a full index has.
@Suite struct IndexingWithoutIDsTests {
    @Test(arguments: [("postgresql", ChunkedScanTests.postgres), ("spring-boot", ChunkedScanTests.spring), ("python", ChunkedScanTests.python)])
    func everyColumnButTheKeysIsTheFullIndexs(format: String, text: String) throws {
        let full = try ChunkedScanTests.index(text, format: ChunkedScanTests.format(format), threads: 1, chunkBytes: 1 << 20)
        #expect(full.entries.keys.count > 0, "the fixture carries ids")
        let withIDs = ChunkedScanTests.rows(full).map { $0.replacing(/\[[^\]]*\]/, with: "[]") }
        for (threads, chunk) in [(1, 1 << 20), (2, 7), (3, 1)] {
            var indexing = IndexingOptions(threads: threads, chunkBytes: chunk)
            indexing.correlationIDs = false
            let bare = try SourceIndexer.index(
                name: "t", format: ChunkedScanTests.format(format), options: FormatOptions(zone: ZoneRules(fixedOffset: 32_400, name: "KST")),
                segments: [Fixture.segment(text)], indexing: indexing)
            #expect(bare.entries.keys.isEmpty)
            #expect(bare.entries.keyStarts == [UInt32](repeating: 0, count: bare.entries.count + 1))
            #expect(bare.localIDs.count == 0)
            #expect(ChunkedScanTests.rows(bare) == withIDs, "threads \(threads) chunk \(chunk)")
        }
    }
}
