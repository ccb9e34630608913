import Dispatch
import Foundation
import LogviewCore
import Synchronization
import Testing
import TestSupport
@testable import LogviewTUI

#if canImport(Glibc)
import Glibc
#endif

/// A terminal stand-in for the run-loop test (the real ncurses backend runs in the tmux tests):
/// keys are bytes written to a pipe, shown screens are kept.
final class PipeBackend: TerminalBackend, @unchecked Sendable {
    let keys: (read: Int32, write: Int32)
    private let lock = NSLock()
    private var shown: [Screen] = []

    init() {
        var fds: [Int32] = [-1, -1]
        pipe(&fds)
        _ = fcntl(fds[0], F_SETFL, fcntl(fds[0], F_GETFL) | O_NONBLOCK)
        keys = (fds[0], fds[1])
    }

    deinit {
        close(keys.read)
        close(keys.write)
    }

    var size: (rows: Int, columns: Int) { (14, 100) }
    var inputDescriptor: Int32 { keys.read }
    var last: Screen? { lock.withLock { shown.last } }
    func show(_ screen: Screen) { lock.withLock { shown.append(screen) } }
    func readKeys() -> [Key] {
        var buffer = [UInt8](repeating: 0, count: 64)
        let n = buffer.withUnsafeMutableBytes { read(keys.read, $0.baseAddress, $0.count) }
        return n > 0 ? buffer[0..<n].map { Key(scalar: Unicode.Scalar($0)) } : []
    }
    func suspend() {}
    func resume() {}
    func updateSize() -> (rows: Int, columns: Int) { size }

    func press(_ text: String) {
        var bytes = Array(text.utf8)
        _ = bytes.withUnsafeMutableBytes { write(keys.write, $0.baseAddress, $0.count) }
    }
}

/// A live feed over a pipe: whole lines written to it become entries of source 0 (nginx).
final class PipeFeed: LiveFeed, @unchecked Sendable {
    let fds: (read: Int32, write: Int32)
    var nextLine: Int

    init(firstLine: Int) {
        var p: [Int32] = [-1, -1]
        pipe(&p)
        _ = fcntl(p[0], F_SETFL, fcntl(p[0], F_GETFL) | O_NONBLOCK)
        fds = (p[0], p[1])
        nextLine = firstLine
    }

    deinit {
        close(fds.read)
        close(fds.write)
    }

    /// Lines taken into the timeline so far (read from the test's thread).
    let linesIngested = Atomic<Int>(0)

    var descriptors: [Int32] { [fds.read] }
    var deadline: Int? { nil }
    func pump(into timeline: Timeline) -> [EntryRef] {
        var buffer = [UInt8](repeating: 0, count: 4096)
        let n = buffer.withUnsafeMutableBytes { read(fds.read, $0.baseAddress, $0.count) }
        guard n > 0 else { return [] }
        let refs = timeline.ingest(source: 0, segment: Fixture.segment(bytes: Array(buffer[0..<n]), path: "/logs/access.log"), firstLine: nextLine)
        let lines = buffer[0..<n].filter { $0 == 0x0A }.count
        nextLine += lines
        linesIngested.add(lines, ordering: .sequentiallyConsistent)
        return refs
    }
    func takeProblems() -> [String] { [] }

    func append(_ line: String) {
        var bytes = Array(line.utf8)
        _ = bytes.withUnsafeMutableBytes { write(fds.write, $0.baseAddress, $0.count) }
    }
}

final class LoopBox: @unchecked Sendable {
    var viewer: Viewer
    var status: Int32 = -1
    init(_ viewer: Viewer) { self.viewer = viewer }
}

@Suite struct ViewerLoopTests {
    func waitFor(_ backend: PipeBackend, _ what: String, _ condition: (Screen) -> Bool) {
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            if let s = backend.last, condition(s) { return }
            usleep(2000)
        }
        Issue.record("timed out waiting for \(what); last screen:\n\(backend.last?.text ?? "none")")
    }

    func waitFor(_ feed: PipeFeed, toIngest lines: Int) {
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline, feed.linesIngested.load(ordering: .sequentiallyConsistent) < lines { usleep(2000) }
        #expect(feed.linesIngested.load(ordering: .sequentiallyConsistent) == lines)
    }

    @Test func liveFramesWaitForTheirIntervalWhileKeysAreAnsweredAtOnce() throws {
        let backend = PipeBackend()
        let feed = PipeFeed(firstLine: 4)
        let clock = HandClock()  // stands still until the test moves it
        var viewer = Viewer(app: try TUIFixture.app(), backend: backend, signals: nil, feeds: [feed], renderLog: nil)
        viewer.pacer = FramePacer(interval: 25_000_000, clock: clock.read)
        let box = LoopBox(viewer)
        let done = DispatchSemaphore(value: 0)
        Thread {
            box.status = box.viewer.run()
            done.signal()
        }.start()
        waitFor(backend, "the first screen") { $0.line(12) == " nginx 3 backend 2 postgresql 2 │ 7/7 │ window ±5s │ follow: live" }
        // An entry within the interval of the first frame: in the timeline, not yet drawn.
        feed.append("10.0.0.9 - - [30/Jan/2026:14:03:01 +0000] \"GET /live/1 HTTP/1.1\" 200 1 \"-\" \"t\" rid=dddd1 rt=0.001\n")
        waitFor(feed, toIngest: 1)
        #expect(backend.last?.line(12) == " nginx 3 backend 2 postgresql 2 │ 7/7 │ window ±5s │ follow: live")
        // A key is answered at once, and its screen has the held entry.
        backend.press("k")
        waitFor(backend, "the key") { $0.line(12) == " nginx 4 backend 2 postgresql 2 │ 7/8 │ window ±5s │ follow: paused (G)" }
        feed.append("10.0.0.9 - - [30/Jan/2026:14:03:02 +0000] \"GET /live/2 HTTP/1.1\" 200 1 \"-\" \"t\" rid=dddd2 rt=0.001\n")
        waitFor(feed, toIngest: 2)
        #expect(backend.last?.line(12) == " nginx 4 backend 2 postgresql 2 │ 7/8 │ window ±5s │ follow: paused (G)")
        // Once the interval has passed the held frame is drawn, though no more data came.
        clock.now = 25_000_000
        waitFor(backend, "the held frame") { $0.line(12) == " nginx 5 backend 2 postgresql 2 │ 7/9 │ window ±5s │ follow: paused, 1 new (G)" }
        backend.press("q")
        #expect(done.wait(timeout: .now() + 10) == .success)
        #expect(box.status == 0)
    }

    @Test func theRunLoopPumpsLiveFeedsAndReadsKeys() throws {
        let backend = PipeBackend()
        let feed = PipeFeed(firstLine: 4)
        let app = try TUIFixture.app()
        let box = LoopBox(Viewer(app: app, backend: backend, signals: nil, feeds: [feed], renderLog: nil))
        let done = DispatchSemaphore(value: 0)
        Thread {
            box.status = box.viewer.run()
            done.signal()
        }.start()
        waitFor(backend, "the first screen") { $0.line(12) == " nginx 3 backend 2 postgresql 2 │ 7/7 │ window ±5s │ follow: live" }
        feed.append("10.0.0.9 - - [30/Jan/2026:14:03:01 +0000] \"GET /live/1 HTTP/1.1\" 200 1 \"-\" \"t\" rid=dddd1 rt=0.001\n")
        waitFor(backend, "the live entry, followed") { $0.line(12) == " nginx 4 backend 2 postgresql 2 │ 8/8 │ window ±5s │ follow: live" }
        #expect(backend.last?.line(7).hasPrefix(" 01-30 14:03:01.000 nginx      INFO  10.0.0.9") == true)
        #expect(backend.last?[7, 0].mark == .selected)
        backend.press("k")
        waitFor(backend, "the cursor up") { $0.line(12).contains("│ 7/8 │") }
        feed.append("10.0.0.9 - - [30/Jan/2026:14:03:02 +0000] \"GET /live/2 HTTP/1.1\" 200 1 \"-\" \"t\" rid=dddd2 rt=0.001\n")
        waitFor(backend, "the new-entry count") { $0.line(12) == " nginx 5 backend 2 postgresql 2 │ 7/9 │ window ±5s │ follow: paused, 1 new (G)" }
        backend.press("q")
        #expect(done.wait(timeout: .now() + 10) == .success)
        #expect(box.status == 0)
    }

    @Test func capitalFMakesTheFeedsOfAViewerOpenedWithoutFollowing() throws {
        let backend = PipeBackend()
        let feed = PipeFeed(firstLine: 4)
        nonisolated(unsafe) var makeCount = 0
        let box = LoopBox(Viewer(app: try TUIFixture.app(), backend: backend, signals: nil, feeds: [],
            makeFeeds: { makeCount += 1; return [feed] }, renderLog: nil))
        let done = DispatchSemaphore(value: 0)
        Thread {
            box.status = box.viewer.run()
            done.signal()
        }.start()
        waitFor(backend, "the first screen") { $0.line(12) == " nginx 3 backend 2 postgresql 2 │ 7/7 │ window ±5s │ follow: off" }
        // Written before following starts: read when it starts (the feed continues where loading ended).
        feed.append("10.0.0.9 - - [30/Jan/2026:14:03:01 +0000] \"GET /live/1 HTTP/1.1\" 200 1 \"-\" \"t\" rid=dddd1 rt=0.001\n")
        backend.press("F")
        waitFor(backend, "the live entry") { $0.line(12) == " nginx 4 backend 2 postgresql 2 │ 8/8 │ window ±5s │ follow: live" }
        backend.press("F")
        waitFor(backend, "following off") { $0.line(12) == " nginx 4 backend 2 postgresql 2 │ 8/8 │ window ±5s │ follow: off" }
        feed.append("10.0.0.9 - - [30/Jan/2026:14:03:02 +0000] \"GET /live/2 HTTP/1.1\" 200 1 \"-\" \"t\" rid=dddd2 rt=0.001\n")
        backend.press("k")
        waitFor(backend, "the cursor up, nothing read") { $0.line(12) == " nginx 4 backend 2 postgresql 2 │ 7/8 │ window ±5s │ follow: off" }
        backend.press("F")
        waitFor(backend, "following again") { $0.line(12) == " nginx 5 backend 2 postgresql 2 │ 9/9 │ window ±5s │ follow: live" }
        backend.press("q")
        #expect(done.wait(timeout: .now() + 10) == .success)
        #expect(box.status == 0)
        #expect(makeCount == 1)
    }
}
