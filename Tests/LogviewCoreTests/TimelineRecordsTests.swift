import LogviewCore
import Testing
import TestSupport

@Suite struct TimelineRecordsTests {
    static func batch(_ name: String, _ records: [(Int64, String)]) -> SourceIndex {
        var b = RecordSourceBuilder(name: name, formatName: "kv-test", parser: try? KeyValueTestFormat().makeParser(FormatOptions()))
        for (t, text) in records {
            Array(text.utf8).withUnsafeBytes {
                b.append(message: $0, timestamp: Timestamp(nanoseconds: t), precision: .nanoseconds, level: .info)
            }
        }
        return b.finish(label: name, details: nil)
    }

    @Test func batchesGrowOneSourceAndLateEntriesTakeTheirPlace() throws {
        let local = try Fixture.source("local", "@15 info id=r1 local line\n@40 info other\n")
        let timeline = Timeline(sources: [local])
        let s = timeline.addSource(Self.batch("remote", [(10, "@10 info id=r1 first"), (30, "@30 info second")]))
        #expect(timeline.times == [10, 15, 30, 40])
        // A later page: one entry after everything, one that goes back in time.
        let added = timeline.appendRecords(Self.batch("remote", [(50, "@50 info third"), (20, "@20 info id=r1 late")]), to: s)
        #expect(added.map(\.entry) == [3, 2])
        #expect(timeline.times == [10, 15, 20, 30, 40, 50])
        #expect(timeline.order.map { $0.source } == [1, 0, 1, 1, 0, 1])
        #expect(timeline.sources[s].segments.count == 2)
        #expect(timeline.sources[s].entries.count == 4)
        #expect(timeline.sources[s].withBytes(of: 3) { String(decoding: $0, as: UTF8.self) } == "@20 info id=r1 late")
        // Ids of the appended batch join the shared key space: one request across both sources.
        var q = Query()
        q.requestIDs = ["r1"]
        #expect(timeline.select(q).map { timeline.timestamp($0).nanoseconds } == [10, 15, 20])
        #expect(timeline.appendRecords(Self.batch("remote", []), to: s) == [])
    }
}
