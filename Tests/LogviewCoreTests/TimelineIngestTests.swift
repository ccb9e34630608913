import LogviewCore
import TestSupport
import Testing

/// Live entries join the timeline, its order and its correlation as they arrive.
@Suite struct TimelineIngestTests {
    func refs(_ tl: Timeline) -> [String] { tl.order.map { "\(tl.sources[$0.source].name):\($0.entry)" } }

    @Test func appendsInOrderAndInsertsLateEntries() throws {
        let a = try Fixture.source("a", "@10 INFO a0\n@20 INFO a1\n")
        let b = try Fixture.source("b", "@15 INFO b0\n")
        let tl = Timeline(sources: [a, b])
        let gen = tl.generation
        let added = tl.ingest(source: 1, segment: Fixture.segment("@30 INFO b1\n@40 INFO b2\n  more of b2\n", path: "/logs/b.log"), firstLine: 2)
        #expect(added.map(\.entry) == [1, 2])
        #expect(refs(tl) == ["a:0", "b:0", "a:1", "b:1", "b:2"])
        #expect(tl.generation == gen + 1)
        #expect(tl.firstChangedPosition == 3)
        #expect(b.entries.lines == [1, 2, 3])
        #expect(b.entries.lineCounts == [1, 1, 2])
        #expect(b.path(of: 2) == "/logs/b.log")
        // A late line (buffered writer) goes to its place in time, not to the end.
        tl.ingest(source: 0, segment: Fixture.segment("@12 INFO a2-late\n"), firstLine: 3)
        #expect(refs(tl) == ["a:0", "a:2", "b:0", "a:1", "b:1", "b:2"])
        #expect(tl.firstChangedPosition == 1)
        #expect(tl.times == [10, 12, 15, 20, 30, 40])
        #expect(a.timeOrder == [0, 2, 1])
    }

    @Test func continuationArrivingInALaterBatchExtendsItsEntry() throws {
        let a = try Fixture.source("a", "@10 ERROR boom\n")
        let tl = Timeline(sources: [a])
        let gen = tl.generation
        let seg = Segment(path: "/logs/a.log", data: SegmentBytes(copying: Array("\tat x.y(Z.java:1) id=r9\n\tat q\n@20 INFO next\n".utf8)),
            modified: Timestamp(nanoseconds: 10))
        let added = tl.ingest(source: 0, segment: seg, firstLine: 2)
        #expect(added == [EntryRef(source: 0, entry: 1)])
        #expect(tl.extendedEntry == EntryRef(source: 0, entry: 0))
        #expect(tl.generation == gen + 2)
        #expect(a.entries.timestamps == [10, 20])
        #expect(a.entries.lines == [1, 4])
        #expect(a.entries.lineCounts == [3, 1])
        #expect(a.withBytes(of: 0) { String(decoding: $0, as: UTF8.self) } == "@10 ERROR boom\n\tat x.y(Z.java:1) id=r9\n\tat q")
        #expect(a.withBytes(of: 1) { String(decoding: $0, as: UTF8.self) } == "@20 INFO next")
        #expect(a.path(of: 0) == "/logs/a.log")
        // The id on the continuation line reaches the correlation index.
        var q = Query()
        q.requestIDs = ["r9"]
        #expect(tl.select(q) == [EntryRef(source: 0, entry: 0)])
        // A batch that starts with a new entry leaves the previous one alone.
        tl.ingest(source: 0, segment: Fixture.segment("@30 INFO last\n"), firstLine: 5)
        #expect(tl.extendedEntry == nil)
        #expect(a.entries.lineCounts == [3, 1, 1])
        #expect(a.withBytes(of: 1) { String(decoding: $0, as: UTF8.self) } == "@20 INFO next")
        #expect(a.withBytes(of: 2) { String(decoding: $0, as: UTF8.self) } == "@30 INFO last")
    }

    @Test func sessionEntriesLinkOnceTheRequestSpanArrives() throws {
        // The database logs the statement and COMMIT first; nginx logs the request at its end.
        let db = try Fixture.source("db", "@200 INFO s=7 id=r1 select\n")
        let nginx = try Fixture.source("nginx", "@50 INFO id=other dur=10\n")
        let tl = Timeline(sources: [db, nginx])
        tl.ingest(source: 0, segment: Fixture.segment("@300 INFO s=7 COMMIT\n"), firstLine: 2)
        var q = Query()
        q.requestIDs = ["r1"]
        #expect(tl.select(q).map { "\($0.source):\($0.entry)" } == ["0:0"])
        tl.ingest(source: 1, segment: Fixture.segment("@1000 INFO id=r1 dur=900\n"), firstLine: 2)
        #expect(tl.select(q).map { "\($0.source):\($0.entry)" } == ["0:0", "0:1", "1:1"])
    }

    @Test func errorLineArrivingBeforeItsAccessLineIsLinkedLater() throws {
        let errors = try Fixture.source("err", "")
        let access = try Fixture.source("nginx", "")
        let tl = Timeline(sources: [errors, access])
        tl.ingest(source: 0, segment: Fixture.segment("@5000 ERROR peer=10.0.0.9 req=GET_/x upstream timed out\n"), firstLine: 1)
        tl.ingest(source: 1, segment: Fixture.segment("@9000 INFO id=late dur=6000 peer=10.0.0.9 req=GET_/x\n"), firstLine: 1)
        var q = Query()
        q.requestIDs = ["late"]
        #expect(tl.select(q).map { "\($0.source):\($0.entry)" } == ["0:0", "1:0"])
    }

    @Test func idsSeenTogetherLaterMergeGroups() throws {
        let a = try Fixture.source("a", "@1 INFO id=r1\n@2 INFO tid=t1\n")
        let tl = Timeline(sources: [a])
        var q = Query()
        q.requestIDs = ["r1"]
        #expect(tl.select(q).count == 1)
        tl.ingest(source: 0, segment: Fixture.segment("@3 INFO id=r1 tid=t1\n"), firstLine: 3)
        #expect(tl.select(q).map(\.entry) == [0, 1, 2])
    }

    @Test func addedSourceMergesAtItsPlaceAndCorrelates() throws {
        let a = try Fixture.source("a", "@10 INFO a0\n@30 INFO a1\n")
        let tl = Timeline(sources: [a])
        let late = try Fixture.source("late", "@40 INFO l0\n@50 INFO l1\n")
        #expect(tl.addSource(late) == 1)
        #expect(refs(tl) == ["a:0", "a:1", "late:0", "late:1"])
        #expect(tl.firstChangedPosition == 2)
        let early = try Fixture.source("early", "@20 INFO e0\n@30 INFO e1\n")
        #expect(tl.addSource(early) == 2)
        #expect(refs(tl) == ["a:0", "early:0", "a:1", "early:1", "late:0", "late:1"])
        #expect(tl.firstChangedPosition == 1)
        #expect(tl.times == [10, 20, 30, 30, 40, 50])
    }
}
