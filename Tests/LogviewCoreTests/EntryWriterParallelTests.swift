import LogviewCore
import TestSupport
import Testing

/// Rendering blocks of entries on several threads gives the bytes of writing them one by one.
@Suite struct EntryWriterParallelTests {
    static func timeline() throws -> Timeline {
        var app = ""
        for i in 0..<25 { app += "@\(1_769_749_323_000_000_000 + i * 333_333_333) INFO request \(i) id=r\(i % 7)\n  detail \(i)\n" }
        var db = ""
        for i in 0..<18 { db += "@\(1_769_749_323_100_000_000 + i * 500_000_000) ERROR query \(i) tid=t\(i % 5)\n" }
        return Timeline(sources: [try Fixture.source("app", app), try Fixture.source("db", db)])
    }

    @Test(arguments: [EntryWriter.Style.text, .json])
    func parallelBlocksEqualSequentialWrites(style: EntryWriter.Style) throws {
        let t = try Self.timeline()
        let zone = ZoneRules(fixedOffset: 32_400)
        let writer = EntryWriter(timeline: t, style: style, zone: zone)
        var expected: [UInt8] = []
        for ref in t.order { writer.write(ref, to: &expected) }
        #expect(expected.filter { $0 == 0x0A }.count == (style == .text ? 25 * 2 + 18 : 43))
        for (threads, block) in [(1, 4), (3, 1), (3, 2), (2, 7), (4, 100)] {
            var got: [UInt8] = []
            var blocks = 0
            let finished = EntryWriter.render(t.order, timeline: t, style: style, zone: zone, threads: threads, blockSize: block) {
                got += $0
                blocks += 1
                return true
            }
            #expect(finished)
            #expect(blocks == (43 + block - 1) / block)
            #expect(got == expected, "threads \(threads), block \(block)")
        }
    }

    @Test func stopsWhenTheReaderGoesAway() throws {
        let t = try Self.timeline()
        var calls = 0
        let finished = EntryWriter.render(t.order, timeline: t, style: .text, zone: .utc, threads: 2, blockSize: 5) { _ in
            calls += 1
            return calls < 2
        }
        #expect(!finished)
        #expect(calls == 2)
    }
}
