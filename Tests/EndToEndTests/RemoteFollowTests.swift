import Foundation
import Testing
import TestSupport

// `logview --print --follow` of remote sources through the real binary: a Loki tail replayed
// from the recorded websocket frames (Fixtures/loki: Loki cannot run here), and a real
// systemd-journal-gatewayd while new journal files appear.

/// The recorded tail frames, moved in time so that they lie after "now": the tail of a followed
/// selector starts where its history ends (now), and Loki sends nothing older than that start.
struct ShiftedTailFrames {
    static let recorded: [Int64] = [
        1_795_600_423_000_000_000, 1_795_600_433_000_000_000, 1_795_600_443_000_000_000, 1_795_600_455_000_000_000,
        1_795_600_456_000_000_000,
    ]
    /// Whole seconds, so the entries keep their seconds precision.
    let shift: Int64

    init() {
        let now = Int64(Date().timeIntervalSince1970)
        shift = (now + 3600 - 1_795_600_423) * 1_000_000_000
    }

    func time(_ recorded: Int64) -> Int64 { recorded + shift }

    /// A recorded frame, shifted; `recorded` moves every entry of it to that (recorded) time instead.
    func frame(_ name: String, at recorded: Int64? = nil) -> [UInt8] {
        var text = String(decoding: RemoteFixtures.body(name), as: UTF8.self)
        for t in Self.recorded { text = text.replacingOccurrences(of: "\"\(t)\"", with: "\"\(time(recorded ?? t))\"") }
        return Array(text.utf8)
    }

    /// `2026-12-04T15:00:23Z` for a shifted time.
    func printed(_ recorded: Int64) -> String {
        let f = ISO8601DateFormatter()
        f.timeZone = TimeZone(identifier: "UTC")
        return f.string(from: Date(timeIntervalSince1970: TimeInterval(time(recorded) / 1_000_000_000)))
    }
}

/// The `Sec-WebSocket-Accept` answer to a key (RFC 6455), computed by the openssl command rather
/// than by logview's own SHA-1, so the handshake is checked independently.
func websocketAccept(_ request: ReplayServer.Request) -> String {
    let key = (request.headers["sec-websocket-key"] ?? "") + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
    let run = try? ChildProcess.run(
        name: "openssl", executable: "/bin/sh", arguments: ["-c", #"printf %s "$0" | openssl dgst -sha1 -binary | base64"#, key],
        environment: childEnvironment(), scratch: "/tmp", timeout: .seconds(20))
    return run?.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
}

/// Serialized: run side by side, the two tests' logview processes now and then lost their first
/// connections at the same moment (the reconnect test saw an EOF before its websocket handshake or
/// a reset history request, the proxy test a third CONNECT): about 1 run in 4 at stop 11's head,
/// still 1 in 14 once spawned servers stopped inheriting our descriptors; one after the other, 0
/// in 14. The cause is not found yet (see the stop's note).
@Suite(.serialized, .timeLimit(.minutes(10)))
struct LokiFollowEndToEndTests {
    static let query = #"{job="nginx"}"#

    /// A replayed Loki: an empty history, and tail connections told apart by their `start`.
    static func replay(_ tails: @escaping @Sendable (ReplayServer.Request) -> [ReplayServer.WebSocketAction]) throws -> ReplayServer {
        try ReplayServer { r in
            switch r.path {
            case "/loki/api/v1/query_range":
                .http(status: 200, contentType: "application/json; charset=UTF-8", body: RemoteFixtures.body("query_range_no_match.json"))
            case "/loki/api/v1/tail":
                .websocket(accept: websocketAccept(r), actions: tails(r))
            default:
                .http(status: 404, contentType: "text/plain; charset=utf-8", body: Array("404 page not found\n".utf8))
            }
        }
    }

    /// The six recorded tail entries as `logview --print` shows them.
    static func printedLines(_ frames: ShiftedTailFrames) -> [String] {
        let r = ShiftedTailFrames.recorded
        let agent = #""-" "lokifix-recorder/1""#
        return [
            "\(frames.printed(r[0])) nginx INFO  127.0.0.1 - - [25/Nov/2026:18:53:43 +0900] \"GET /api/tail-demo/history-1 HTTP/1.1\" 200 17 \(agent) rid=e2f8b641c81629385b16875fb26f9c10 rt=0.001 urt=0.001",
            "\(frames.printed(r[1])) nginx WARN  127.0.0.1 - - [25/Nov/2026:18:53:53 +0900] \"GET /api/tail-demo/history-2 HTTP/1.1\" 404 0 \(agent) rid=f3b83d4d7b17140c47fb5f4721e61fe4 rt=0.001 urt=0.001",
            "\(frames.printed(r[2])) nginx INFO  127.0.0.1 - - [25/Nov/2026:18:54:03 +0900] \"GET /api/tail-demo/history-3 HTTP/1.1\" 200 17 \(agent) rid=426626a5ff8e75a229dda66da9815c20 rt=0.001 urt=0.001",
            "\(frames.printed(r[3])) nginx INFO  127.0.0.1 - - [25/Nov/2026:18:54:15 +0900] \"GET /api/tail-demo/live-1 HTTP/1.1\" 200 17 \(agent) rid=c4dd15c0fda64b2d9438c8789b1b42a2 rt=0.001 urt=0.001",
            "\(frames.printed(r[4])) nginx ERROR 127.0.0.1 - - [25/Nov/2026:18:54:16 +0900] \"GET /api/tail-demo/live-2 HTTP/1.1\" 500 0 \(agent) rid=834acd3f4a52ff72d93f82855c541559 rt=0.001 urt=0.001",
            "\(frames.printed(r[4])) nginx INFO  127.0.0.1 - - [25/Nov/2026:18:54:16 +0900] \"GET /api/tail-demo/live-3 HTTP/1.1\" 200 17 \(agent) rid=0c20aff56ba3371461cab249b8669b12 rt=0.001 urt=0.001",
        ]
    }

    @Test func followPrintsTheTailAndResumesAfterEachDisconnectWithoutDuplicatesOrGaps() throws {
        let dir = try TemporaryDirectory("loki-follow")
        defer { dir.remove() }
        let frames = ShiftedTailFrames()
        let r = ShiftedTailFrames.recorded
        let afterFrame2 = String(frames.time(r[3])), afterFrame3 = String(frames.time(r[4]))
        // Frame 2's line once more, a second after frame 3: a new entry that shows the third
        // connection's repeats of frame 3 were read (and dropped) before it.
        let later = frames.frame("tail_frame2.json", at: r[4] + 1_000_000_000)
        let loki = try Self.replay { request in
            switch request.parameter("start") {
            case afterFrame2?:  // resumes at frame 2's time (start is inclusive): frame 2 again, then 3; then a drop
                [.text(frames.frame("tail_frame2.json")), .text(frames.frame("tail_frame3.json")), .drop]
            case afterFrame3?:  // frame 3's two entries share a timestamp: both come again
                [.text(frames.frame("tail_frame3.json")), .text(later), .hold]
            default:  // the first connection: history, a ping, frame 2, then the server closes the websocket
                [.text(frames.frame("tail_frame1_history.json")), .ping, .text(frames.frame("tail_frame2.json")),
                 .close([0x03, 0xE9] + Array("going away".utf8))]
            }
        }
        defer { loki.stop() }
        let run = try FollowRun(["loki:" + Self.query], in: dir, output: "text", environment: ["LOKI_ADDR": loki.url])
        try waitUntil("seven tail entries", process: run.process) { run.lines().count >= 7 }
        _ = run.stop()

        let expected = Self.printedLines(frames)
        #expect(run.lines() == expected + [
            expected[3].replacingOccurrences(of: frames.printed(r[3]), with: frames.printed(r[4] + 1_000_000_000)),
        ])
        let ranges = loki.requests.filter { $0.path == "/loki/api/v1/query_range" }
        let tails = loki.requests.filter { $0.path == "/loki/api/v1/tail" }
        #expect(ranges.count == 1)
        // No gap: the tail starts where the history ended, each reconnect at the last timestamp shown.
        #expect(tails.map { $0.parameter("start") } == [ranges.first?.parameter("end"), afterFrame2, afterFrame3])
        #expect(tails.map { $0.parameter("query") } == [Self.query, Self.query, Self.query])
        #expect(run.stderr == """
            logview: \(loki.url): Loki closed the tail (close code 1001: going away); reconnecting in 500ms
            logview: \(loki.url): the tail connection ended without a close; reconnecting in 500ms

            """)
    }

    /// The binary with HTTP_PROXY set: the history request and the tail websocket both go
    /// through a real proxy (tinyproxy), which logs a CONNECT for each.
    @Test(.enabled(if: TinyProxy.isAvailable, "tinyproxy is needed (scripts/install-deps)"))
    func followGoesThroughTheProxyFromTheEnvironment() throws {
        let dir = try TemporaryDirectory("loki-follow-proxy")
        defer { dir.remove() }
        let proxy = try TinyProxy()
        defer { proxy.stop() }
        let frames = ShiftedTailFrames()
        let loki = try Self.replay { _ in [.text(frames.frame("tail_frame1_history.json")), .text(frames.frame("tail_frame2.json")), .hold] }
        defer { loki.stop() }
        let run = try FollowRun(["--loki", loki.url, "loki:" + Self.query], in: dir, output: "text", environment: ["HTTP_PROXY": proxy.url])
        try waitUntil("four tail entries", process: run.process) { run.lines().count >= 4 }
        _ = run.stop()
        #expect(run.lines() == Array(Self.printedLines(frames).prefix(4)))
        #expect(loki.requests.map(\.path) == ["/loki/api/v1/query_range", "/loki/api/v1/tail"])
        #expect(proxy.connectTargets == ["127.0.0.1:\(loki.port)", "127.0.0.1:\(loki.port)"])
        #expect(run.stderr == "")
    }
}

@Suite(.enabled(if: GatewaydServer.isAvailable, "systemd-journal-gatewayd is needed (package systemd-journal-remote)"), .timeLimit(.minutes(10)))
struct GatewaydFollowEndToEndTests {
    static func entry(_ usec: Int64, priority: Int, _ message: String) -> [(String, [UInt8])] {
        [
            ("__REALTIME_TIMESTAMP", Array(String(usec).utf8)), ("__MONOTONIC_TIMESTAMP", Array(String(usec - 1_769_740_000_000_000).utf8)),
            ("_BOOT_ID", Array("0123456789abcdef0123456789abcdef".utf8)), ("_SYSTEMD_UNIT", Array("backend.service".utf8)),
            ("SYSLOG_IDENTIFIER", Array("backend".utf8)), ("PRIORITY", Array(String(priority).utf8)), ("MESSAGE", Array(message.utf8)),
        ]
    }

    @Test func followPrintsEachNewJournalEntryOnce() throws {
        let dir = try TemporaryDirectory("gatewayd-follow")
        defer { dir.remove() }
        mkdir(dir.file("journal"), 0o755)
        try GatewaydServer.makeJournal(
            [Self.entry(1_769_749_232_013_000, priority: 6, "request started"), Self.entry(1_769_749_232_814_000, priority: 3, "upstream failed")],
            exportPath: dir.file("1.export"), journalPath: dir.file("journal/1.journal"))
        let server = try GatewaydServer(directory: dir.file("journal"))
        defer { server.stop() }
        let run = try FollowRun(["gatewayd+" + server.url], in: dir, output: "text")
        try waitUntil("the journal's two entries", process: run.process) { run.lines().count >= 2 }
        try GatewaydServer.makeJournal(
            [Self.entry(1_769_749_240_000_000, priority: 4, "retrying upstream"), Self.entry(1_769_749_241_500_000, priority: 6, "request done")],
            exportPath: dir.file("2.export"), journalPath: dir.file("journal/2.journal"))
        try waitUntil("the second file's entries", process: run.process) { run.lines().count >= 4 }
        try GatewaydServer.makeJournal(
            [Self.entry(1_769_749_250_000_000, priority: 6, "next request")], exportPath: dir.file("3.export"), journalPath: dir.file("journal/3.journal"))
        try waitUntil("the third file's entry", process: run.process) { run.lines().count >= 5 }
        _ = run.stop()
        #expect(run.lines() == [
            "2026-01-30T05:00:32.013000Z backend.service INFO  request started",
            "2026-01-30T05:00:32.814000Z backend.service ERROR upstream failed",
            "2026-01-30T05:00:40.000000Z backend.service WARN  retrying upstream",
            "2026-01-30T05:00:41.500000Z backend.service INFO  request done",
            "2026-01-30T05:00:50.000000Z backend.service INFO  next request",
        ])
        #expect(run.stderr == "")
    }
}
