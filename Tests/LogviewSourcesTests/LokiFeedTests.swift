import LogviewCore
import Testing
import TestSupport

@testable import LogviewSources

#if canImport(Glibc)
import Glibc
#endif

// The tail websocket of a real Loki cannot run here: the server below speaks websocket on a
// 127.0.0.1 socket and sends the text frames and close frames recorded from Loki 3.7.6.

@Suite struct WebSocketHandshakeTests {
    @Test func acceptValueMatchesRFC6455AndTheRecordedLoki() {
        #expect(WebSocketHandshake.accept(forKey: "dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
        #expect(WebSocketHandshake.accept(forKey: "qYSZyNzMZJE5tCAovH3kPw==") == "G7GRAYKTLxabjBifRYJfpUzehVw=")
    }
}

@Suite struct LokiFeedTests {
    static let query = #"{job="nginx"}"#
    static let start: Int64 = 1_795_600_408_000_000_000

    static func accept(_ r: ReplayServer.Request) -> String { WebSocketHandshake.accept(forKey: r.headers["sec-websocket-key"] ?? "") }

    /// Pumps `feed` like a run loop until `done` or a bound on rounds; returns what was added.
    static func run(_ feed: LokiFeed, _ timeline: Timeline, until done: (Timeline, [String]) -> Bool) -> [String] {
        var problems: [String] = []
        for _ in 0..<300 {
            var p = pollfd(fd: feed.descriptors[0], events: Int16(POLLIN), revents: 0)
            _ = poll(&p, 1, Int32(min(feed.deadline ?? 100, 100)))
            _ = feed.pump(into: timeline)
            problems += feed.takeProblems()
            if done(timeline, problems) { break }
        }
        return problems
    }

    @Test func tailShowsHistoryAndLiveFramesAndResumesAfterADropWithoutDuplicates() throws {
        let server = try ReplayServer { r in
            guard r.path == "/loki/api/v1/tail", r.parameter("query") == Self.query else {
                return .http(status: 404, contentType: "text/plain", body: [])
            }
            if r.parameter("start") == String(Self.start) {
                return .websocket(accept: Self.accept(r), actions: [
                    .text(LokiFixtures.bytes("tail_frame1_history.json")), .ping, .text(LokiFixtures.bytes("tail_frame2.json")), .drop,
                ])
            }
            // The reconnect asks from the last timestamp shown: its history repeats frame 2.
            return .websocket(accept: Self.accept(r), actions: [
                .text(LokiFixtures.bytes("tail_frame2.json")), .text(LokiFixtures.bytes("tail_frame3.json")), .hold,
            ])
        }
        defer { server.stop() }
        let client = try lokiClient(server)
        let timeline = Timeline(sources: [])
        let assembler = LokiSourceAssembler(server: client.server, settings: LoadSettings(defaultZone: .utc))
        let feed = LokiFeed(client: client, query: Self.query, assembler: assembler, start: Self.start)
        defer { feed.stop() }
        let problems = Self.run(feed, timeline) { t, _ in t.count >= 6 }
        #expect(timeline.times == [
            1_795_600_423_000_000_000, 1_795_600_433_000_000_000, 1_795_600_443_000_000_000, 1_795_600_455_000_000_000,
            1_795_600_456_000_000_000, 1_795_600_456_000_000_000,
        ])
        #expect(timeline.sources.map(\.name) == ["nginx"])
        #expect(problems == ["\(server.url): the tail connection ended without a close; reconnecting in 500ms"])
        #expect(server.requests.map { $0.parameter("start") } == ["1795600408000000000", "1795600455000000000"])
        #expect(feed.lastTimestamp == 1_795_600_456_000_000_000)
        // The server's ping was answered with a pong.
        #expect(server.clientOpcodes.first == 0xA)
        // Both entries of frame 3 share a timestamp and a line prefix but are different lines.
        var q = Query()
        q.requestIDs = ["c4dd15c0fda64b2d9438c8789b1b42a2"]
        #expect(timeline.select(q).count == 1)
    }

    @Test(arguments: [
        (ReplayServer.Response.http(status: 400, contentType: "text/plain; charset=utf-8", body: LokiFixtures.bytes("tail_handshake_error_bad_query.txt")),
         "Loki rejected the query {job=\"nginx\"}: parse error at line 1, col 13"),
        (.http(status: 401, contentType: "text/plain; charset=utf-8", body: LokiFixtures.bytes("auth_tail_handshake_no_orgid.txt")),
         "access denied (HTTP 401: no org id): give the tenant with --org-id or LOKI_ORG_ID"),
    ])
    func aRefusedHandshakeIsReportedOnceAndNotRetried(answer: ReplayServer.Response, expected: String) throws {
        let server = try ReplayServer { _ in answer }
        defer { server.stop() }
        let client = try lokiClient(server)
        let timeline = Timeline(sources: [])
        let feed = LokiFeed(
            client: client, query: Self.query, assembler: LokiSourceAssembler(server: client.server, settings: LoadSettings(defaultZone: .utc)),
            start: Self.start)
        let problems = Self.run(feed, timeline) { _, p in !p.isEmpty }
        #expect(problems.count == 1)
        #expect(problems.first?.hasPrefix(server.url + ": ") == true)
        #expect(problems.first?.contains(expected) == true)
        #expect(feed.isStopped)
        #expect(feed.deadline == nil)
        #expect(server.requestCount == 1)
    }

    @Test func closeCode1011EndsTheTailWithLokisReason() throws {
        let server = try ReplayServer { r in
            .websocket(accept: Self.accept(r), actions: [.close(LokiFixtures.bytes("tail_close_metric_query.close.bin"))])
        }
        defer { server.stop() }
        let client = try lokiClient(server)
        let timeline = Timeline(sources: [])
        let feed = LokiFeed(
            client: client, query: #"count_over_time({job="nginx"}[1m])"#,
            assembler: LokiSourceAssembler(server: client.server, settings: LoadSettings(defaultZone: .utc)), start: Self.start)
        let problems = Self.run(feed, timeline) { _, p in !p.isEmpty }
        #expect(problems == [
            #"\#(server.url): Loki ended the tail of count_over_time({job="nginx"}[1m]) (close code 1011: only log selector is supported): fix the query (a log selector, start within the last 30 days)"#,
        ])
        #expect(feed.isStopped)
        #expect(timeline.count == 0)
    }

    @Test func anUnreachableServerIsRetriedWithBackoff() throws {
        let gone = try ReplayServer { _ in .close }
        let port = gone.port
        gone.stop()
        let client = try LokiClient(endpoint: RemoteEndpoint("http://127.0.0.1:\(port)")!, settings: quickSettings())
        let feed = LokiFeed(
            client: client, query: Self.query, assembler: LokiSourceAssembler(server: client.server, settings: LoadSettings(defaultZone: .utc)),
            start: Self.start)
        defer { feed.stop() }
        let problems = Self.run(feed, Timeline(sources: [])) { _, p in p.count >= 2 }
        #expect(problems == [
            "http://127.0.0.1:\(port): connection refused: check that the server runs and the URL's host and port are right; reconnecting in 500ms",
            "http://127.0.0.1:\(port): connection refused: check that the server runs and the URL's host and port are right; reconnecting in 1s",
        ])
        #expect(!feed.isStopped)
        #expect(feed.connections == 2)
    }
}

/// The tail websocket through a real HTTP proxy (tinyproxy on 127.0.0.1), chosen from
/// HTTP_PROXY / NO_PROXY like every other request.
@Suite(.serialized, .enabled(if: TinyProxy.isAvailable, "tinyproxy is needed (scripts/install-deps)"))
struct LokiTailProxyTests {
    static func tailServer() throws -> ReplayServer {
        try ReplayServer { r in
            guard r.path == "/loki/api/v1/tail" else { return .http(status: 404, contentType: "text/plain", body: []) }
            return .websocket(accept: LokiFeedTests.accept(r), actions: [
                .text(LokiFixtures.bytes("tail_frame1_history.json")), .text(LokiFixtures.bytes("tail_frame2.json")), .hold,
            ])
        }
    }

    /// Follows the tail server with `proxyEnvironment` until its four entries arrived or a problem.
    static func follow(_ server: ReplayServer, proxyEnvironment: [String: String]) throws -> (times: [Int64], problems: [String]) {
        var settings = quickSettings()
        settings.proxyEnvironment = proxyEnvironment
        let client = try lokiClient(server, settings)
        let timeline = Timeline(sources: [])
        let feed = LokiFeed(
            client: client, query: LokiFeedTests.query,
            assembler: LokiSourceAssembler(server: client.server, settings: LoadSettings(defaultZone: .utc)), start: LokiFeedTests.start)
        defer { feed.stop() }
        let problems = LokiFeedTests.run(feed, timeline) { t, p in t.count >= 4 || !p.isEmpty }
        return (timeline.times, problems)
    }

    static let frameTimes: [Int64] = [1_795_600_423_000_000_000, 1_795_600_433_000_000_000, 1_795_600_443_000_000_000, 1_795_600_455_000_000_000]

    @Test func theTailTunnelsThroughHTTPProxy() throws {
        let proxy = try TinyProxy()
        defer { proxy.stop() }
        let server = try Self.tailServer()
        defer { server.stop() }
        let (times, problems) = try Self.follow(server, proxyEnvironment: ["HTTP_PROXY": proxy.url])
        #expect(problems == [])
        #expect(times == Self.frameTimes)
        #expect(proxy.connectTargets == ["127.0.0.1:\(server.port)"])
        #expect(server.requests.map(\.path) == ["/loki/api/v1/tail"])
    }

    @Test func noProxyNamesTheHostThatIsReachedDirectly() throws {
        let proxy = try TinyProxy()
        defer { proxy.stop() }
        let server = try Self.tailServer()
        defer { server.stop() }
        let (times, problems) = try Self.follow(server, proxyEnvironment: ["http_proxy": proxy.url, "NO_PROXY": "localhost,127.0.0.1"])
        #expect(problems == [])
        #expect(times == Self.frameTimes)
        #expect(proxy.connectTargets == [])
        // https_proxy alone does not apply to ws://.
        let (plain, _) = try Self.follow(server, proxyEnvironment: ["HTTPS_PROXY": proxy.url])
        #expect(plain == Self.frameTimes)
        #expect(proxy.connectTargets == [])
    }

    @Test func aProxyThatRefusesTheTunnelIsNamedAndRetried() throws {
        let proxy = try TinyProxy(connectPorts: [443])
        defer { proxy.stop() }
        let server = try Self.tailServer()
        defer { server.stop() }
        let (times, problems) = try Self.follow(server, proxyEnvironment: ["HTTP_PROXY": proxy.url])
        #expect(times == [])
        #expect(problems == [
            "\(server.url): request failed: the proxy 127.0.0.1:\(proxy.port) refused the tunnel (HTTP 403): check HTTP_PROXY, HTTPS_PROXY and NO_PROXY; reconnecting in 500ms",
        ])
        #expect(server.requestCount == 0)
    }

    @Test func aProxyThatIsNotRunningIsNamedNotTheServer() throws {
        let gone = try ReplayServer { _ in .close }
        let port = gone.port
        gone.stop()
        let server = try Self.tailServer()
        defer { server.stop() }
        let (times, problems) = try Self.follow(server, proxyEnvironment: ["HTTP_PROXY": "http://127.0.0.1:\(port)"])
        #expect(times == [])
        #expect(problems == [
            "\(server.url): request failed: the proxy 127.0.0.1:\(port) refused the connection: check HTTP_PROXY, HTTPS_PROXY and NO_PROXY; reconnecting in 500ms",
        ])
        #expect(server.requestCount == 0)
    }
}
