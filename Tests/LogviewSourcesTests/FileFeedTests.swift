import Foundation
import LogviewCore
import LogviewSources
import Testing

/// The file follower against real files, pumped by hand with a test clock (no waiting on time).
@Suite struct FileFeedTests {
    /// A clock the test moves.
    final class TestClock: @unchecked Sendable {
        var now: Int64 = 1_000
        func read() -> Int64 { now }
    }

    static func line(_ s: Int, _ text: String) -> String {
        "2026-01-30T14:02:\(String(format: "%02d", s)).000Z  INFO 4242 --- [main] c.e.Feed : \(text)\n"
    }

    func append(_ path: String, _ text: String) throws {
        let h = try #require(FileHandle(forWritingAtPath: path))
        h.seekToEndOfFile()
        h.write(Data(text.utf8))
        try h.close()
    }

    func follow(_ paths: [String], clock: TestClock) -> (Timeline, FileFeed, SourceLoader.Result) {
        var settings = LoadSettings(defaultZone: .utc)
        settings.follow = true
        let specs = paths.map { SourceSpec(path: $0) }
        let loaded = SourceLoader.load(specs, settings: settings)
        let timeline = Timeline(sources: loaded.sources)
        let feed = FileFeed(specs: specs, loaded: loaded, settings: settings, partialLineGrace: 500, clock: clock.read)
        return (timeline, feed, loaded)
    }

    func text(_ tl: Timeline, _ ref: EntryRef) -> String {
        tl.sources[ref.source].withBytes(of: ref.entry) { String(decoding: $0, as: UTF8.self) }
    }

    @Test func loadingForFollowStopsAtTheLastWholeLineAndFollowingGoesOnFromThere() throws {
        let dir = try TempDir()
        let whole = Self.line(1, "one") + Self.line(2, "two")
        let partial = String(Self.line(3, "three").prefix(20))
        let path = try dir.write("app.log", whole + partial)
        let clock = TestClock()
        let (tl, feed, loaded) = follow([path], clock: clock)
        #expect(loaded.sources.map(\.entries.count) == [2])
        let point = try #require(loaded.followPoints.first ?? nil)
        #expect(point.offset == Int64(whole.utf8.count + partial.utf8.count))
        #expect(point.nextLine == 3)
        #expect(point.partial == Array(partial.utf8))
        // The first pump finds nothing new; the held part waits for its newline.
        #expect(feed.pump(into: tl).isEmpty)
        #expect(feed.deadline == 500)
        try append(path, String(Self.line(3, "three").dropFirst(20)) + Self.line(4, "four"))
        let added = feed.pump(into: tl)
        #expect(added.map { text(tl, $0) } == [Self.line(3, "three"), Self.line(4, "four")].map { String($0.dropLast()) })
        #expect(added.map { tl.sources[0].entries.lines[$0.entry] } == [3, 4])
        // Only the filesystem check, skipped within a second of the last, is still due.
        #expect(feed.deadline == 1_000)
        // Overdue is 0, never negative (a negative poll timeout would wait forever).
        clock.now += 1_005
        #expect(feed.deadline == 0)
        clock.now -= 5
        #expect(feed.pump(into: tl).isEmpty)
        #expect(feed.deadline == nil)
        #expect(feed.takeProblems() == [])
    }

    @Test func aLineWithoutNewlineIsShownOnceTheGracePeriodIsOver() throws {
        let dir = try TempDir()
        let path = try dir.write("app.log", Self.line(1, "one"))
        let clock = TestClock()
        let (tl, feed, _) = follow([path], clock: clock)
        _ = feed.pump(into: tl)
        try append(path, String(Self.line(2, "no newline").dropLast()))
        #expect(feed.pump(into: tl).isEmpty)
        clock.now += 499
        #expect(feed.deadline == 1)
        #expect(feed.pump(into: tl).isEmpty)
        clock.now += 1
        let added = feed.pump(into: tl)
        #expect(added.map { text(tl, $0) } == [String(Self.line(2, "no newline").dropLast())])
        #expect(added.map { tl.sources[0].entries.lines[$0.entry] } == [2])
    }

    @Test func aStackTraceSplitAcrossReadsExtendsItsEntry() throws {
        let dir = try TempDir()
        let path = try dir.write("app.log", Self.line(1, "one"))
        let clock = TestClock()
        let (tl, feed, _) = follow([path], clock: clock)
        _ = feed.pump(into: tl)
        try append(path, Self.line(2, "boom").replacingOccurrences(of: "INFO", with: "ERROR"))
        let first = feed.pump(into: tl)
        #expect(first == [EntryRef(source: 0, entry: 1)])
        #expect(feed.takeExtendedEntries() == [])
        try append(path, "java.lang.IllegalStateException: boom\n\tat c.e.Feed.run(Feed.java:7)\n")
        #expect(feed.pump(into: tl) == [])
        #expect(feed.takeExtendedEntries() == [EntryRef(source: 0, entry: 1)])
        #expect(tl.sources[0].entries.lineCounts == [1, 3])
        #expect(text(tl, EntryRef(source: 0, entry: 1)).hasSuffix("boom\njava.lang.IllegalStateException: boom\n\tat c.e.Feed.run(Feed.java:7)"))
    }

    /// What an entry whose file lost its bytes reads as.
    static func placeholder(_ path: String) -> String { "[logview: \(path) changed on disk; this entry's bytes are gone]" }

    /// `: > app.log` (or the truncating half of copytruncate): same file, now empty.
    func truncate(_ path: String) throws {
        let h = try #require(FileHandle(forWritingAtPath: path))
        try h.truncate(atOffset: 0)
        try h.close()
    }

    @Test func linesAfterATruncationAreEntriesOfTheirOwnAfterALoadedStackTrace() throws {
        let dir = try TempDir()
        let trace = (1...10).map { "\tat com.example.billing.InvoiceService.step\($0)(InvoiceService.java:\(100 + $0))\n" }.joined()
        let boom = Self.line(2, "boom").replacingOccurrences(of: "INFO", with: "ERROR") + trace
        let path = try dir.write("app.log", Self.line(1, "one") + boom)
        let clock = TestClock()
        let (tl, feed, _) = follow([path], clock: clock)
        #expect(tl.sources[0].entries.lineCounts == [1, 11])
        // The loaded trace is longer than the placeholder, so a misaligned resume would drop lines.
        #expect(boom.utf8.count > Self.placeholder(path).utf8.count + 200)
        #expect(feed.pump(into: tl).isEmpty)
        try truncate(path)
        for (n, word) in ["alpha", "beta", "gamma"].enumerated() {
            try append(path, Self.line(10 + n, word))
            let added = feed.pump(into: tl)
            #expect(added == [EntryRef(source: 0, entry: 2 + n)])
            #expect(added.map { text(tl, $0) } == [String(Self.line(10 + n, word).dropLast())])
            #expect(added.map { tl.sources[0].entries.lines[$0.entry] } == [UInt32(n + 1)])
            #expect(feed.takeExtendedEntries() == [])
        }
        #expect(tl.sources[0].entries.lineCounts == [1, 11, 1, 1, 1])
        #expect(text(tl, EntryRef(source: 0, entry: 1)) == Self.placeholder(path))
        #expect(feed.takeProblems() == [])
    }

    @Test func afterCopytruncateTheLoadedEntriesReadAsThePlaceholderNotTheNewBytes() throws {
        let dir = try TempDir()
        let path = try dir.write("app.log", Self.line(1, "one") + Self.line(2, "two"))
        let clock = TestClock()
        let (tl, feed, _) = follow([path], clock: clock)
        #expect(feed.pump(into: tl).isEmpty)
        // Read once, so the reader holds the old bytes in a window.
        #expect(text(tl, EntryRef(source: 0, entry: 0)) == String(Self.line(1, "one").dropLast()))
        try FileManager.default.copyItem(atPath: path, toPath: path + ".1")
        try truncate(path)
        // As long as the old content: the old entries' offsets now hold new text.
        try append(path, Self.line(3, "uno") + Self.line(4, "dos"))
        let added = feed.pump(into: tl)
        #expect(added == [EntryRef(source: 0, entry: 2), EntryRef(source: 0, entry: 3)])
        #expect(added.map { text(tl, $0) } == [Self.line(3, "uno"), Self.line(4, "dos")].map { String($0.dropLast()) })
        #expect(added.map { tl.sources[0].entries.lines[$0.entry] } == [1, 2])
        #expect([0, 1].map { text(tl, EntryRef(source: 0, entry: $0)) } == [Self.placeholder(path), Self.placeholder(path)])
        // Another thread's reader (no window yet) reads the file itself, and sees the same.
        final class Texts: @unchecked Sendable { var read: [String] = [] }
        let other = Texts()
        let done = DispatchSemaphore(value: 0)
        Thread {
            other.read = [0, 1].map { i in tl.sources[0].withBytes(of: i) { String(decoding: $0, as: UTF8.self) } }
            done.signal()
        }.start()
        done.wait()
        #expect(other.read == [Self.placeholder(path), Self.placeholder(path)])
    }

    @Test func aFileLoadedWithoutFollowingIsFollowedAfterItsLoadedBytes() throws {
        let dir = try TempDir()
        let path = try dir.write("app.log", Self.line(1, "one") + Self.line(2, "two"))
        let settings = LoadSettings(defaultZone: .utc)
        let specs = [SourceSpec(path: path)]
        let loaded = SourceLoader.load(specs, settings: settings)
        #expect(loaded.followPoints.count == 1 && loaded.followPoints[0] == nil)
        let tl = Timeline(sources: loaded.sources)
        let clock = TestClock()
        let feed = FileFeed(specs: specs, loaded: loaded, settings: settings, clock: clock.read)
        try append(path, Self.line(3, "three"))
        let added = feed.pump(into: tl)
        #expect(added.map { tl.sources[0].entries.lines[$0.entry] } == [3])
        #expect(added.map { text(tl, $0) } == [String(Self.line(3, "three").dropLast())])
    }

    @Test func aNewFileInAGlobSourceKeepsTheSpecsSettings() throws {
        let dir = try TempDir()
        _ = try dir.write("a.log", Self.line(1, "one job=aaaa1111"))
        var spec = SourceSpec(name: "svc", path: dir.path + "/*.log")
        spec.clockOffset = TimeSpan(nanoseconds: -90_000_000_000)
        spec.requestIDPatterns = ["job=([0-9a-f]+)"]
        var settings = LoadSettings(defaultZone: .utc)
        settings.follow = true
        let loaded = SourceLoader.load([spec], settings: settings)
        let tl = Timeline(sources: loaded.sources)
        let clock = TestClock()
        let feed = FileFeed(specs: [spec], loaded: loaded, settings: settings, clock: clock.read)
        #expect(feed.pump(into: tl).isEmpty)
        _ = try dir.write("b.log", Self.line(5, "five job=bbbb2222"))
        let added = feed.pump(into: tl)
        #expect(feed.takeProblems() == [])
        #expect(tl.sources.map(\.name) == ["svc", "svc"])
        #expect(added == [EntryRef(source: 1, entry: 0)])
        // 14:02:05 less the spec's 90 s clock offset, and the id only the spec's pattern finds.
        #expect(tl.sources[1].entries.timestamps[0] == Timestamp(seconds: 1769781635).nanoseconds)
        let group = try #require(tl.correlation.group(of: "bbbb2222"))
        #expect(tl.correlation.entries(ofGroup: group) == [EntryRef(source: 1, entry: 0)])
    }
}
