import Dispatch
import Foundation
import LogviewCore
import Testing
import TestSupport
@testable import LogviewTUI

/// The viewer opens before its sources are read: a `BackgroundLoad` whose work the test holds
/// back with semaphores stands in for the file loader (the real loader runs in the tmux test).
@Suite struct BackgroundLoadTests {
    func waitFor(_ backend: PipeBackend, _ what: String, _ condition: (Screen) -> Bool) {
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            if let s = backend.last, condition(s) { return }
            usleep(2000)
        }
        Issue.record("timed out waiting for \(what); last screen:\n\(backend.last?.text ?? "none")")
    }

    @Test func keysAreAnsweredWhileLoadingAndTheInitialViewAppliesToTheLoadedTimeline() throws {
        let backend = PipeBackend()
        let firstSourceRead = DispatchSemaphore(value: 0)
        let finish = DispatchSemaphore(value: 0)
        let timeline = try TUIFixture.timeline()
        let loader = BackgroundLoad { report in
            report(.init(done: 0, total: 3))
            firstSourceRead.wait()
            report(.init(done: 1, total: 3))
            finish.wait()
            report(.init(done: 3, total: 3))
            return .init(timeline: timeline, problems: ["/logs/gone.log: no such file"])
        }
        var filter = PaneFilter()
        filter.minimumLevel = .warning  // as --level warn would
        var app = App(timeline: Timeline(sources: []), zone: .utc, filter: filter, rows: 14, columns: 100)
        app.onlySourceNames = ["nginx", "postgresql"]  // as --source nginx,postgresql would
        let box = LoopBox(Viewer(app: app, backend: backend, signals: nil, loader: loader, follow: false,
            makeFeeds: { [] }, renderLog: nil))
        let done = DispatchSemaphore(value: 0)
        Thread {
            box.status = box.viewer.run()
            done.signal()
        }.start()
        waitFor(backend, "the first screen") { $0.line(12) == " loading 0/3 sources │ no entries │ level>=warn │ window ±5s │ follow: off" }
        firstSourceRead.signal()
        waitFor(backend, "progress") { $0.line(12) == " loading 1/3 sources │ no entries │ level>=warn │ window ±5s │ follow: off" }
        backend.press("j:")
        waitFor(backend, "the prompt") { $0.line(13) == ":" }
        backend.press("\u{1B}")
        waitFor(backend, "the prompt closed") { $0.line(13).hasPrefix("F1 help") }
        finish.signal()
        waitFor(backend, "the loaded timeline") {
            $0.line(12) == " nginx 3 backend 2 postgresql 2 │ 2/2 │ level>=warn -backend │ window ±5s │ follow: off"
        }
        let screen = try #require(backend.last)
        #expect(screen.line(13) == "/logs/gone.log: no such file")
        #expect(screen.line(0).hasPrefix(" 01-30 14:02:09.990 postgresql ERROR [41002] app@shop ERROR:  duplicate key"))
        #expect(screen.line(1).hasPrefix(" 01-30 14:02:10.000 nginx      ERROR 10.0.0.2 - - [30/Jan/2026:14:02:10 +0000] \"POST /api/orders"))
        #expect(screen[1, 0].mark == .selected)  // at the newest entry, as when opened on loaded sources
        #expect(box.viewer.isLoaded)
        backend.press("q")
        #expect(done.wait(timeout: .now() + 10) == .success)
        #expect(box.status == 0)
        #expect(box.viewer.loadProblems == ["/logs/gone.log: no such file"])
    }

    @Test func followingStartsOnceLoaded() throws {
        let backend = PipeBackend()
        let feed = PipeFeed(firstLine: 4)
        let finish = DispatchSemaphore(value: 0)
        let timeline = try TUIFixture.timeline()
        let loader = BackgroundLoad { report in
            report(.init(done: 0, total: 1))
            finish.wait()
            return .init(timeline: timeline, problems: [])
        }
        nonisolated(unsafe) var made = 0
        let app = App(timeline: Timeline(sources: []), zone: .utc, rows: 14, columns: 100)
        let box = LoopBox(Viewer(app: app, backend: backend, signals: nil, loader: loader, follow: true,
            makeFeeds: { made += 1; return [feed] }, renderLog: nil))
        let done = DispatchSemaphore(value: 0)
        Thread {
            box.status = box.viewer.run()
            done.signal()
        }.start()
        waitFor(backend, "the first screen") { $0.line(12) == " loading 0/1 sources │ no entries │ window ±5s │ follow: live" }
        feed.append("10.0.0.9 - - [30/Jan/2026:14:03:01 +0000] \"GET /live/1 HTTP/1.1\" 200 1 \"-\" \"t\" rid=dddd1 rt=0.001\n")
        finish.signal()
        waitFor(backend, "loaded, then the live entry") { $0.line(12) == " nginx 4 backend 2 postgresql 2 │ 8/8 │ window ±5s │ follow: live" }
        backend.press("q")
        #expect(done.wait(timeout: .now() + 10) == .success)
        #expect(made == 1)
    }

    @Test func aPreviewIsShownWhileLoadingAndAPaneMovedUpKeepsItsTimeWhenTheWholeArrives() throws {
        let backend = PipeBackend()
        let finish = DispatchSemaphore(value: 0)
        let timeline = try TUIFixture.timeline()
        // The newest part: the PostgreSQL source alone (as if its tail reached back furthest),
        // indexed on its own as the real preview is (a timeline adopts its sources' ids, so two
        // timelines never share a source).
        let newest = Timeline(sources: [
            try Fixture.source("postgresql", TUIFixture.postgres, format: FormatRegistry.format(named: "postgresql")!,
                options: FormatOptions(zone: .utc), path: "/logs/postgresql.log"),
        ])
        let loader = BackgroundLoad(preview: { newest }) { report in
            report(.init(done: 0, total: 3))
            finish.wait()
            return .init(timeline: timeline, problems: [])
        }
        let app = App(timeline: Timeline(sources: []), zone: .utc, rows: 14, columns: 100)
        let box = LoopBox(Viewer(app: app, backend: backend, signals: nil, loader: loader, follow: false,
            makeFeeds: { [] }, renderLog: nil))
        let done = DispatchSemaphore(value: 0)
        Thread {
            box.status = box.viewer.run()
            done.signal()
        }.start()
        waitFor(backend, "the preview") {
            $0.line(12) == " loading 0/3 sources, newest part shown │ 2/2 │ window ±5s │ follow: off"
        }
        var screen = try #require(backend.last)
        #expect(screen.line(1).hasPrefix(" 01-30 14:02:09.990 postgresql ERROR [41002] app@shop ERROR:  duplicate key"))
        backend.press("k")
        waitFor(backend, "the cursor moved up") { $0.line(12).contains("│ 1/2 │") }
        backend.press("\r")
        waitFor(backend, "the detail pane") { $0.text.contains("lines 1-3 of 14") }
        // The pane shows three of its lines: scroll down to the file row.
        var top = 1
        while top < 12, try #require(backend.last).text.contains("line number once loaded") == false {
            backend.press("J")
            top += 1
            waitFor(backend, "detail line \(top) on top") { $0.text.contains("lines \(top)-\(top + 2) of 14") }
        }
        #expect(try #require(backend.last).text.contains(" file         /logs/postgresql.log (line number once loaded)"))
        backend.press("\r")
        waitFor(backend, "the detail pane closed") { !$0.text.contains("line number once loaded") }
        finish.signal()
        // The whole timeline: the cursor stays at 14:02:02.995, not at the newest entry.
        waitFor(backend, "the loaded timeline") {
            $0.line(12) == " nginx 3 backend 2 postgresql 2 │ 2/7 │ window ±5s │ follow: off"
        }
        screen = try #require(backend.last)
        let selected = try #require((0..<12).first { screen[$0, 0].mark == .selected })
        #expect(screen.line(selected).hasPrefix(" 01-30 14:02:02.995 postgresql INFO  [41001] app@shop LOG:  duration: 1.204 ms"))
        backend.press("q")
        #expect(done.wait(timeout: .now() + 10) == .success)
    }
}
