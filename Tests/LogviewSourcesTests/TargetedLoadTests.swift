import Foundation
import LogviewCore
import Testing

@testable import LogviewSources

/// Print mode's targeted reads: the time of a request found from the bytes that hold its id, and
/// the part of a file read for a time window.
@Suite struct TargetedLoadTests {
    @Test func aRequestsTimeIsFoundFromTheBytesThatHoldItsIDAndAWindowsPartByTime() throws {
        let dir = try TempDir()
        // 12,000 entries 100 ms apart (20 minutes, about 1.2 MB): entry 6000 is at 14:10:00.
        let path = try dir.write("app.log", SourcePreviewTests.springLog(count: 12_000, start: 0, step: 100, thread: "exec-1"))
        let settings = LoadSettings(defaultZone: .utc)
        let jobs = SourceLoader.jobs(for: [SourceSpec(path: path)]).0
        let t6000: Int64 = 1_769_782_200_000_000_000
        let window = try #require(SourceLoader.requestWindow(jobs, ids: ["rid=r6000"], settings: settings))
        #expect(window.contains(t6000 - 30_000_000_000) && window.contains(t6000 + 30_000_000_000))
        #expect(window.upperBound - window.lowerBound < 240_000_000_000, "\(window) is not a part of the 20 minutes")
        #expect(SourceLoader.requestWindow(jobs, ids: ["rid=r99999"], settings: settings) == nil)
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
}
