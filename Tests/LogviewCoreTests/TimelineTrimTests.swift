import LogviewCore
import TestSupport
import Testing

/// A follow session stays bounded: the oldest entries leave memory, the rest keep working.
@Suite struct TimelineTrimTests {
    func refs(_ tl: Timeline) -> [String] { tl.order.map { "\(tl.sources[$0.source].name):\($0.entry)" } }
    func text(_ src: SourceIndex, _ i: Int) -> String { src.withBytes(of: i) { String(decoding: $0, as: UTF8.self) } }
    func select(_ tl: Timeline, _ id: String) -> [String] {
        var q = Query()
        q.requestIDs = [id]
        return tl.select(q).map { "\(tl.sources[$0.source].name):\($0.entry)" }
    }

    /// a0 b0 a1 | a2 a3 a4 b1 a5, with ids r1..r5; the first three go.
    func grownTimeline() throws -> (Timeline, SourceIndex, SourceIndex) {
        let a = try Fixture.source("a", "@10 INFO id=r1 a0\n@30 INFO id=r2 a1\n")
        let b = try Fixture.source("b", "@20 INFO id=r1 b0\n")
        let tl = Timeline(sources: [a, b])
        tl.ingest(source: 0, segment: Fixture.segment("@40 INFO id=r3 a2\n@50 INFO id=r4 a3\n", path: "/logs/a.log"), firstLine: 3)
        tl.ingest(source: 0, segment: Fixture.segment("@60 INFO id=r4 a4\n@70 INFO id=r5 a5\n", path: "/logs/a.log"), firstLine: 5)
        tl.ingest(source: 1, segment: Fixture.segment("@65 INFO id=r5 b1\n", path: "/logs/b.log"), firstLine: 2)
        return (tl, a, b)
    }

    @Test func dropsTheOldestPrefixAndShiftsEverything() throws {
        let (tl, a, b) = try grownTimeline()
        #expect(refs(tl) == ["a:0", "b:0", "a:1", "a:2", "a:3", "a:4", "b:1", "a:5"])
        #expect(select(tl, "r1") == ["a:0", "b:0"])
        #expect(a.segments.count == 3)
        #expect(b.segments.count == 2)
        #expect(tl.correlation.ids.count == 5)
        let generation = tl.generation
        // 8 entries are not more than 7 + 7/4: nothing to do yet.
        #expect(tl.dropOldest(keeping: 7) == nil)
        let trim = try #require(tl.dropOldest(keeping: 5))
        #expect(trim.droppedPerSource == [2, 1])
        #expect(trim.droppedCount == 3)
        #expect(trim.map(EntryRef(source: 0, entry: 1)) == nil)
        #expect(trim.map(EntryRef(source: 0, entry: 4)) == EntryRef(source: 0, entry: 2))
        #expect(trim.map(EntryRef(source: 1, entry: 1)) == EntryRef(source: 1, entry: 0))
        #expect(refs(tl) == ["a:0", "a:1", "a:2", "b:0", "a:3"])
        #expect(tl.times == [40, 50, 60, 65, 70])
        #expect(a.entries.timestamps == [40, 50, 60, 70])
        #expect(a.entries.lines == [3, 4, 5, 6])
        #expect(b.entries.timestamps == [65])
        #expect(tl.generation == generation + 1)
        #expect(tl.firstChangedPosition == 0)
        #expect(tl.droppedCount == 3)
        #expect(tl.dropped(source: 0).count == 2)
        #expect(tl.dropped(source: 0).lines == [DroppedLines(path: "/logs/a.log", first: 1, last: 2)])
        #expect(tl.dropped(source: 1).lines == [DroppedLines(path: "/logs/b.log", first: 1, last: 1)])
        // The loaded segments no kept entry used are gone; the batches are renumbered.
        #expect(a.segments.count == 2)
        #expect(a.entries.segments == [0, 0, 1, 1])
        #expect(b.segments.count == 1)
        #expect(b.entries.segments == [0])
        #expect(text(a, 0) == "@40 INFO id=r3 a2")
        #expect(text(a, 3) == "@70 INFO id=r5 a5")
        #expect(text(b, 0) == "@65 INFO id=r5 b1")
        // Ids only dropped entries had left the id table; the kept ones still link.
        #expect(tl.correlation.ids.count == 3)
        #expect(tl.correlation.ids.key(of: "r1") == nil)
        #expect(tl.correlation.ids.key(of: "r2") == nil)
        #expect(trim.map(key: 0) == nil)
        #expect(trim.map(key: 2) == 0)
        #expect(select(tl, "r1") == [])
        #expect(select(tl, "r4") == ["a:1", "a:2"])
        #expect(select(tl, "r5") == ["b:0", "a:3"])
    }

    @Test func keepsFollowingAfterATrim() throws {
        let (tl, a, _) = try grownTimeline()
        try #require(tl.dropOldest(keeping: 5) != nil)
        let added = tl.ingest(source: 0, segment: Fixture.segment("  more id=r3\n@80 INFO id=r3 a6\n", path: "/logs/a.log"), firstLine: 7)
        // The continuation joins the kept last entry; the new entry links to the kept r3 entry.
        #expect(tl.extendedEntry == EntryRef(source: 0, entry: 3))
        #expect(text(a, 3) == "@70 INFO id=r5 a5\n  more id=r3")
        #expect(added == [EntryRef(source: 0, entry: 4)])
        #expect(a.entries.lines == [3, 4, 5, 6, 8])
        #expect(refs(tl) == ["a:0", "a:1", "a:2", "b:0", "a:3", "a:4"])
        #expect(select(tl, "r3") == ["a:0", "b:0", "a:3", "a:4"])
        #expect(tl.correlation.ids.count == 3)
    }

    @Test func aSourceOutOfTimeOrderKeepsWhatItMust() throws {
        // a0 is the newest but one: the prefix a0... cannot go before it does.
        let a = try Fixture.source("a", "@50 INFO a0\n@10 INFO a1\n@20 INFO a2\n@60 INFO a3\n@70 INFO a4\n@80 INFO a5\n@90 INFO a6\n")
        let tl = Timeline(sources: [a])
        #expect(tl.dropOldest(keeping: 5) == nil)
        #expect(tl.count == 7)
        let trim = try #require(tl.dropOldest(keeping: 4))
        #expect(trim.droppedPerSource == [3])
        #expect(tl.times == [60, 70, 80, 90])
        #expect(a.timeOrder == nil)
        #expect(tl.dropped(source: 0).lines == [DroppedLines(path: "/logs/a.log", first: 1, last: 3)])
    }

    @Test func aQuietSourceKeepsItsLastEntry() throws {
        let c = try Fixture.source("c", "@5 INFO c0\n  its second line\n")
        let a = try Fixture.source("a", (0..<10).map { "@\(10 * ($0 + 1)) INFO a\($0)\n" }.joined())
        let tl = Timeline(sources: [c, a])
        let trim = try #require(tl.dropOldest(keeping: 4))
        #expect(trim.droppedPerSource == [0, 6])
        #expect(refs(tl) == ["c:0", "a:0", "a:1", "a:2", "a:3"])
        #expect(tl.times == [5, 70, 80, 90, 100])
        #expect(tl.droppedCount == 6)
        #expect(tl.dropped(source: 0) == DroppedEntries())
    }
}

extension TimelineTrimTests {
    @Test func anUnlimitedBudgetNeverTrims() throws {
        let (tl, _, _) = try grownTimeline()
        #expect(tl.dropOldest(keeping: .max) == nil)
        #expect(tl.count == 8)
    }
}

/// Per-entry details numbered by entry, as journal and remote sources keep them.
final class NumberedDetails: EntryDetailProvider, @unchecked Sendable {
    var names: [String] = []
    let canDrop: Bool
    init(canDrop: Bool) { self.canDrop = canDrop }
    func appendJSONMembers(entry: Int, to out: inout [UInt8]) { out += Array(names[entry].utf8) }
    func fields(of entry: Int) -> [Field] { [Field("name", names[entry])] }
    func dropFirst(_ count: Int) -> Bool {
        guard canDrop else { return false }
        names.removeFirst(count)
        return true
    }
}

/// A details provider that says nothing about dropping (the protocol's default).
final class FixedDetails: EntryDetailProvider, @unchecked Sendable {
    func appendJSONMembers(entry: Int, to out: inout [UInt8]) {}
    func fields(of entry: Int) -> [Field] { [] }
}

extension TimelineTrimTests {
    func records(_ name: String, _ times: Range<Int64>, details: NumberedDetails?) -> SourceIndex {
        var b = RecordSourceBuilder(name: name, formatName: "kv-test", parser: try? KeyValueTestFormat().makeParser(FormatOptions()))
        for t in times {
            Array("@\(t) info id=q\(t) record \(t)".utf8).withUnsafeBytes {
                b.append(message: $0, timestamp: Timestamp(nanoseconds: t), precision: .nanoseconds, level: .info)
            }
            details?.names.append("record \(t)")
        }
        return b.finish(label: "journal:\(name)", details: details)
    }

    @Test func recordSourcesDropTheirDetailsAlongside() throws {
        let details = NumberedDetails(canDrop: true)
        let tl = Timeline(sources: [records("unit", 0..<4, details: details)])
        tl.appendRecords(records("unit", 4..<8, details: details), to: 0)
        let trim = try #require(tl.dropOldest(keeping: 5))
        #expect(trim.droppedPerSource == [3])
        #expect(tl.times == [3, 4, 5, 6, 7])
        #expect(tl.sources[0].fields(of: 0) == [Field("name", "record 3")])
        #expect(tl.sources[0].withBytes(of: 0) { String(decoding: $0, as: UTF8.self) } == "@3 info id=q3 record 3")
        // Record entries have no file lines: only the count is recorded.
        #expect(tl.dropped(source: 0).count == 3)
        #expect(tl.dropped(source: 0).lines == [])
        #expect(tl.sources[0].segments.count == 2)
        #expect(tl.correlation.ids.count == 5)
        #expect(tl.correlation.ids.key(of: "q2") == nil)
    }

    @Test func detailsThatCannotDropKeepTheirSourceWhole() throws {
        let fixed = FixedDetails()
        var b = RecordSourceBuilder(name: "fixed", formatName: "kv-test", parser: nil)
        for t in Int64(0)..<8 {
            Array("@\(t) info fixed".utf8).withUnsafeBytes {
                b.append(message: $0, timestamp: Timestamp(nanoseconds: t), precision: .nanoseconds, level: .info)
            }
        }
        let tl = Timeline(sources: [b.finish(label: "fixed", details: fixed)])
        #expect(tl.dropOldest(keeping: 5) == nil)
        #expect(tl.count == 8)
        #expect(tl.droppedCount == 0)
    }
}

extension TimelineTrimTests {
    @Test func droppedLinesAreOneSpanPerFileAcrossBatches() throws {
        // The rotated file was loaded; the live file's lines came in three batches.
        let a = try Fixture.source("a", "@1 INFO old1\n@2 INFO old2\n", path: "/logs/a.log.1")
        let tl = Timeline(sources: [a])
        for (k, first) in [(3, 1), (5, 3), (7, 5)] {
            tl.ingest(source: 0, segment: Fixture.segment("@\(k) INFO new\n@\(k + 1) INFO new\n", path: "/logs/a.log"), firstLine: first)
        }
        let trim = try #require(tl.dropOldest(keeping: 2))
        #expect(trim.droppedPerSource == [6])
        #expect(tl.dropped(source: 0).lines == [
            DroppedLines(path: "/logs/a.log.1", first: 1, last: 2), DroppedLines(path: "/logs/a.log", first: 1, last: 4),
        ])
        #expect(a.segments.count == 1)
        #expect(a.entries.lines == [5, 6])
    }
}
