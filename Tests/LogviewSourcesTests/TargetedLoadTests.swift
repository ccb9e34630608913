import Foundation
import LogviewCore
import Testing

@testable import LogviewSources

/// Print mode's targeted reads: the time of a request found from the bytes that hold its id, and
/// the part of a file read for a time window.
@Suite struct TargetedLoadTests {
    /// (source, line in its file) of the entries `query` selects.
    static func rows(_ t: Timeline, _ query: Query) -> [String] {
        t.select(query).map { "\(t.sources[$0.source].name):\(t.sources[$0.source].entries.lines[$0.entry])" }
    }

    @Test func aRequestsTimeIsFoundFromTheBytesThatHoldItsIDAndAWindowsPartByTime() throws {
        let dir = try TempDir()
        // 12,000 entries 100 ms apart (20 minutes, about 1.2 MB): entry 6000 is at 14:10:00.
        let path = try dir.write("app.log", SourcePreviewTests.springLog(count: 12_000, start: 0, step: 100, thread: "exec-1"))
        let settings = LoadSettings(defaultZone: .utc)
        let jobs = SourceLoader.jobs(for: [SourceSpec(path: path)]).0
        let t6000: Int64 = 1_769_782_200_000_000_000
        let spans = try #require(SourceLoader.requestSpans(jobs, ids: ["rid=r6000"], settings: settings)?.spans)
        #expect(spans.count == 1)
        let window = spans[0]
        #expect(window.contains(t6000 - 30_000_000_000) && window.contains(t6000 + 30_000_000_000))
        #expect(window.upperBound - window.lowerBound < 240_000_000_000, "\(window) is not a part of the 20 minutes")
        #expect(SourceLoader.requestSpans(jobs, ids: ["rid=r99999"], settings: settings) == nil)
        // The part read for the window holds every entry of the window, numbered as in the file.
        var targeted = settings
        targeted.timeWindow = window
        let part = try #require(SourceLoader.load([SourceSpec(path: path)], settings: targeted).sources.first)
        let whole = try #require(SourceLoader.load([SourceSpec(path: path)], settings: settings).sources.first)
        #expect(part.entries.count < whole.entries.count / 4)
        let inWindow = (0..<whole.entries.count).filter { window.contains(whole.entries.timestamps[$0]) }
        let first = try #require(part.entries.timestamps.firstIndex { window.contains($0) })
        #expect(inWindow.map { whole.entries.lines[$0] } == Array(part.entries.lines[first..<(first + inWindow.count)]))
        #expect(inWindow.map { i in whole.withBytes(of: i) { Array($0) } }
            == (first..<(first + inWindow.count)).map { i in part.withBytes(of: i) { Array($0) } })
    }

    /// The request's trace id leads the read to a worker's line five minutes later, which the
    /// first window (around the request id's lines) does not hold; still only a part is read.
    @Test func aRequestReadFollowsItsLinkedIDsAndStillReadsAPart() throws {
        let dir = try TempDir()
        // Two files of 12,000 entries 100 ms apart from 14:00 (20 minutes, about 1.2 MB each).
        let app = SourcePreviewTests.springLog(count: 12_000, start: 0, step: 100, thread: "exec-1")
            .replacingOccurrences(of: "order 6000 placed rid=r6000\n", with: "order 6000 placed rid=r6000 traceId=t6000x\n")
        let worker = SourcePreviewTests.springLog(count: 12_000, start: 50, step: 100, thread: "worker-1")
            .replacingOccurrences(of: "order 9000 placed rid=r9000\n", with: "charged traceId=t6000x\n")
        let specs = [SourceSpec(path: try dir.write("app.log", app)), SourceSpec(path: try dir.write("worker.log", worker))]
        var query = Query()
        query.requestIDs = ["r6000"]
        func request(_ t: Timeline) -> [String] { Self.rows(t, query) }
        var settings = LoadSettings(defaultZone: .utc)
        let full = Timeline(sources: SourceLoader.load(specs, settings: settings).sources)
        settings.requestIDPrescan = query.requestIDs
        let (loaded, targeted) = SourceLoader.loadRequest(specs, settings: settings)
        #expect(request(full).count == 3)
        #expect(request(targeted) == request(full))
        let read = loaded.sources.reduce(0) { $0 + $1.segments.reduce(0) { $0 + $1.data.count } }
        #expect(read < (app.utf8.count + worker.utf8.count) / 2, "\(read) bytes read: not a part")
    }
}
