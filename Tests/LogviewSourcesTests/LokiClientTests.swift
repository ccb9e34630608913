import LogviewCore

#if canImport(Glibc)
import Glibc
#endif
import Testing
import TestSupport

@testable import LogviewSources

// No Loki server can run on this machine, so these tests replay byte-exact answers recorded from
// a real Loki 3.7.6 (Tests/EndToEndTests/Fixtures/loki, see RECORDING.md there) from a real HTTP
// server on a 127.0.0.1 socket. The client under test is the one logview uses.

enum LokiFixtures {
    static let directory: String = {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        parts.removeLast(2)
        return parts.joined(separator: "/") + "/EndToEndTests/Fixtures/loki/"
    }()

    static func bytes(_ name: String) -> [UInt8] { fileBytes(directory + name) }

    static func json(_ name: String) -> ReplayServer.Response {
        .http(status: 200, contentType: "application/json; charset=UTF-8", body: bytes(name))
    }

    static func text(_ status: Int, _ name: String) -> ReplayServer.Response {
        .http(status: status, contentType: "text/plain; charset=utf-8", body: bytes(name))
    }

    /// S and E of the recording: 2026-01-30T05:00:00Z and 05:05:00Z.
    static let start: Int64 = 1_769_749_200_000_000_000
    static let end: Int64 = 1_769_749_500_000_000_000
}

func quickSettings() -> RemoteSettings {
    var s = RemoteSettings()
    s.readTimeout = .seconds(2)
    s.connectTimeout = .seconds(2)
    s.retries = 1
    s.retryDelay = .milliseconds(10)
    return s
}

func lokiClient(_ server: ReplayServer, _ settings: RemoteSettings = quickSettings()) throws -> LokiClient {
    try LokiClient(endpoint: RemoteEndpoint(server.url)!, settings: settings)
}

@Suite struct LokiWireTests {
    @Test func queryRangePathEncodesLikeTheRecording() {
        let path = LokiWire.queryRangePath(
            query: #"{job="nginx"}"#, start: LokiFixtures.start, end: LokiFixtures.end, limit: 100)
        #expect(path == "/loki/api/v1/query_range?query=%7Bjob%3D%22nginx%22%7D&start=1769749200000000000&end=1769749500000000000&limit=100&direction=forward")
    }

    @Test func decodesAPageWithGoEscapesAndMultiLineEntries() throws {
        let page = try LokiFixtures.bytes("query_range_request_id_forward.json").withUnsafeBytes { try LokiWire.decodeQueryRange($0) }
        #expect(page.count == 5)
        #expect(page.streams.count == 4)
        let order = page.timeOrder()
        #expect(order.map { page.entries[$0].timestamp } == [
            1_769_749_232_000_000_000, 1_769_749_232_013_000_000, 1_769_749_232_014_000_000, 1_769_749_232_021_000_000,
            1_769_749_232_814_000_000,
        ])
        let nginx = page.line(page.entries[order[0]])
        #expect(nginx.hasPrefix(#"198.51.100.226 - - [30/Jan/2026:14:00:32 +0900] "POST /api/assist HTTP/1.1" 502 138"#))
        let trace = page.line(page.entries[order[4]])
        #expect(trace.split(separator: "\n", omittingEmptySubsequences: false).count == 65)
        #expect(page.streams[page.entries[order[0]].stream]["job"] == "nginx")
    }

    @Test func metricAnswersAreRefusedWithAReason() {
        #expect(throws: LokiWire.DecodeError.notLogLines(resultType: "matrix")) {
            try LokiFixtures.bytes("query_range_metric_count_by_job.json").withUnsafeBytes { try LokiWire.decodeQueryRange($0) }
        }
    }

    @Test func truncatedAndMalformedBodiesAreErrorsNotCrashes() {
        let body = LokiFixtures.bytes("query_range_nginx_forward_page1.json")
        for cut in [1, 100, 5000, body.count / 2, body.count - 3] {
            #expect(throws: LokiWire.DecodeError.self) {
                try Array(body[0..<cut]).withUnsafeBytes { try LokiWire.decodeQueryRange($0) }
            }
        }
        #expect(throws: LokiWire.DecodeError.self) { try Array("<html>bad gateway</html>".utf8).withUnsafeBytes { try LokiWire.decodeQueryRange($0) } }
    }

    @Test func labelsWithoutDataAreEmpty() throws {
        #expect(try LokiFixtures.bytes("auth_labels_tenant_without_data.json").withUnsafeBytes { try LokiWire.decodeStringList($0) } == [])
        #expect(try LokiFixtures.bytes("label_job_values.json").withUnsafeBytes { try LokiWire.decodeStringList($0) } == ["backend", "nginx", "postgresql"])
        let series = try LokiFixtures.bytes("series_nginx.json").withUnsafeBytes { try LokiWire.decodeSeries($0) }
        #expect(series.map(\.description) == [#"{filename="/var/log/nginx/access.log", host="app1", job="nginx", service_name="nginx"}"#])
    }

    @Test func streamSelectorIsCutFromALineFilterQuery() {
        #expect(LokiSelector.streamSelector(#"{unit="backend.service", x="}"} |= "ERROR""#) == #"{unit="backend.service", x="}"}"#)
    }
}

@Suite struct LokiClientTests {
    /// Replays the two recorded forward pages of {job="nginx"} (limit 100); the third request,
    /// which starts at page 2's last timestamp, gets the recorded empty answer.
    static func pagingServer() throws -> ReplayServer {
        try ReplayServer { r in
            guard r.path == "/loki/api/v1/query_range", r.parameter("query") == #"{job="nginx"}"#,
                r.parameter("limit") == "100", r.parameter("direction") == "forward"
            else { return .http(status: 404, contentType: "text/plain", body: Array("404 page not found\n".utf8)) }
            switch r.parameter("start") {
            case "1769749200000000000": return LokiFixtures.json("query_range_nginx_forward_page1.json")
            case "1769749230000000000": return LokiFixtures.json("query_range_nginx_forward_page2.json")
            default: return LokiFixtures.json("query_range_no_match.json")
            }
        }
    }

    @Test func pagesCoverTheRangeAndDropTheBoundaryDuplicate() throws {
        let server = try Self.pagingServer()
        defer { server.stop() }
        let client = try lokiClient(server)
        var lines: [(Int64, String)] = []
        var pages = 0
        let crowded = try client.history(query: #"{job="nginx"}"#, start: LokiFixtures.start, end: LokiFixtures.end, pageSize: 100) { page, fresh in
            pages += 1
            for i in fresh { lines.append((page.entries[i].timestamp, page.line(page.entries[i]))) }
            return true
        }
        #expect(crowded == [])
        #expect(pages == 3)
        #expect(lines.count == 199)
        #expect(lines.first?.0 == 1_769_749_200_000_000_000)
        #expect(lines.last?.0 == 1_769_749_249_000_000_000)
        #expect(zip(lines, lines.dropFirst()).allSatisfy { $0.0 <= $1.0 })
        // The 5 entries at 14:00:30 appear once each: 1 from page 1, 4 more from page 2.
        #expect(lines.filter { $0.0 == 1_769_749_230_000_000_000 }.count == 5)
        #expect(Set(lines.map { "\($0.0) \($0.1)" }).count == 199)
        #expect(server.requests.compactMap { $0.parameter("start") } == [
            "1769749200000000000", "1769749230000000000", "1769749249000000000",
        ])
    }

    @Test func firstPageReachesTheTimelineBeforeTheLastIsFetched() throws {
        let server = try Self.pagingServer()
        defer { server.stop() }
        let client = try lokiClient(server)
        let timeline = Timeline(sources: [])
        let assembler = LokiSourceAssembler(server: server.url, settings: LoadSettings(defaultZone: .utc))
        var seen: [(requests: Int, entries: Int)] = []
        try client.history(query: #"{job="nginx"}"#, start: LokiFixtures.start, end: LokiFixtures.end, pageSize: 100) { page, fresh in
            assembler.add(page, fresh: fresh, to: timeline)
            seen.append((server.requestCount, timeline.count))
            return true
        }
        #expect(seen.map(\.requests) == [1, 2, 3])
        #expect(seen.map(\.entries) == [100, 199, 199])
        #expect(timeline.sources.count == 1)
        #expect(timeline.sources[0].name == "nginx")
        #expect(timeline.sources[0].formatName == "nginx-access")
        #expect(timeline.sources[0].segments.count == 2)
    }

    @Test func requestIDPivotWorksAcrossLokiStreams() throws {
        let server = try ReplayServer { _ in LokiFixtures.json("query_range_request_id_forward.json") }
        defer { server.stop() }
        let client = try lokiClient(server)
        let timeline = Timeline(sources: [])
        let assembler = LokiSourceAssembler(server: "loki", settings: LoadSettings(defaultZone: .utc))
        let query = #"{job=~"nginx|backend|postgresql"} |= "68b9b89e487c92d1c53be9b3d4ce44e5""#
        try client.history(query: query, start: LokiFixtures.start, end: LokiFixtures.end, pageSize: 100) { page, fresh in
            assembler.add(page, fresh: fresh, to: timeline)
            return true
        }
        #expect(server.requests.first?.parameter("query") == query)
        #expect(timeline.sources.map(\.name) == ["nginx", "backend", "postgresql"])
        #expect(timeline.sources.map(\.formatName) == ["nginx-access", "spring-boot", "postgresql"])
        var q = Query()
        q.requestIDs = ["68b9b89e487c92d1c53be9b3d4ce44e5"]
        let hits = timeline.select(q)
        #expect(hits.map { timeline.sources[$0.source].name } == ["nginx", "backend", "backend", "postgresql", "backend"])
        let writer = EntryWriter(timeline: timeline, style: .json, zone: .utc)
        var out: [UInt8] = []
        writer.write(hits[0], to: &out)
        let line = String(decoding: out, as: UTF8.self)
        #expect(line.contains(#""server":"loki","fields":{"detected_level":"unknown","filename":"/var/log/nginx/access.log","host":"app1","job":"nginx","service_name":"nginx"}"#))
        #expect(line.hasPrefix(#"{"ts":"2026-01-30T05:00:32.000000000Z","source":"nginx","level":"error""#))
    }

    @Test(arguments: [
        ("error_invalid_logql.txt", 400, #"http://127.0.0.1:PORT: Loki rejected the query {job="nginx": parse error at line 1, col 13: syntax error: unexpected $end, expecting } or ,: fix the LogQL selector (e.g. loki:'{job="nginx"} |= "ERROR"')"#),
        ("error_range_too_long.txt", 400, "narrow the time range with --since/--until"),
        ("error_limit_above_max.txt", 400, "max entries limit per query exceeded"),
        ("error_empty_matcher.txt", 400, "queries require at least one regexp or equality matcher"),
        ("auth_query_range_no_orgid.txt", 401, "access denied (HTTP 401: no org id): give the tenant with --org-id or LOKI_ORG_ID"),
    ])
    func recordedErrorsBecomeOneClearLine(file: String, status: Int, expected: String) throws {
        let server = try ReplayServer { _ in LokiFixtures.text(status, file) }
        defer { server.stop() }
        let client = try lokiClient(server)
        var message = ""
        do {
            try client.history(query: #"{job="nginx""#, start: LokiFixtures.start, end: LokiFixtures.end) { _, _ in true }
        } catch {
            message = error.description
        }
        #expect(message.contains(expected.replacingPort(server.port)))
        #expect(!message.contains("\n"))
        #expect(server.requestCount == 1)  // a 4xx is not retried
    }

    @Test func rateLimitAndServerErrorsAreRetriedThenReported() throws {
        let server = try ReplayServer { _ in .http(status: 429, contentType: "text/plain", body: Array("too many outstanding requests".utf8)) }
        defer { server.stop() }
        let client = try lokiClient(server)
        #expect(throws: LokiClient.Error.self) {
            try client.history(query: #"{job="nginx"}"#, start: LokiFixtures.start, end: LokiFixtures.end) { _, _ in true }
        }
        #expect(server.requestCount == 2)
        let broken = try ReplayServer { _ in .http(status: 502, contentType: "text/html", body: Array("<html>\u{1B}[31mBad Gateway</html>".utf8)) }
        defer { broken.stop() }
        let brokenClient = try lokiClient(broken)
        do {
            try brokenClient.history(query: #"{job="nginx"}"#, start: LokiFixtures.start, end: LokiFixtures.end) { _, _ in true }
            Issue.record("expected an error")
        } catch {
            #expect(error.description == "\(broken.url): the server failed (HTTP 502: <html>\\e[31mBad Gateway</html>): try again later; check the server's logs")
        }
    }

    @Test func stalledTruncatedAndClosedAnswersEndWithAMessageAndKeepEarlierPages() throws {
        // Page 1 arrives; the second request stalls, is truncated, or is closed without a byte.
        for failure in [ReplayServer.Response.stall, .truncated(declaredLength: 30956, body: Array(LokiFixtures.bytes("query_range_nginx_forward_page2.json")[0..<4000])), .close] {
            let server = try ReplayServer { r in
                r.parameter("start") == "1769749200000000000" ? LokiFixtures.json("query_range_nginx_forward_page1.json") : failure
            }
            defer { server.stop() }
            var settings = quickSettings()
            settings.readTimeout = .milliseconds(500)
            settings.retries = 0
            let client = try lokiClient(server, settings)
            var kept = 0
            var message = ""
            do {
                try client.history(query: #"{job="nginx"}"#, start: LokiFixtures.start, end: LokiFixtures.end, pageSize: 100) { _, fresh in
                    kept += fresh.count
                    return true
                }
            } catch {
                message = error.description
            }
            #expect(kept == 100)
            #expect(message.hasPrefix("http://127.0.0.1:\(server.port): "))
        }
    }

    @Test func unreachableServerAndUnknownHostAreNamed() throws {
        let closed = try ReplayServer { _ in .close }
        let port = closed.port
        closed.stop()
        var settings = quickSettings()
        settings.retries = 0
        let client = try LokiClient(endpoint: RemoteEndpoint("http://127.0.0.1:\(port)")!, settings: settings)
        do {
            _ = try client.labels(start: LokiFixtures.start, end: LokiFixtures.end)
            Issue.record("expected an error")
        } catch {
            #expect(error.description == "http://127.0.0.1:\(port): connection refused: check that the server runs and the URL's host and port are right")
        }
        let nowhere = try LokiClient(endpoint: RemoteEndpoint("http://no-such-host.invalid:3100")!, settings: settings)
        do {
            _ = try nowhere.labels(start: LokiFixtures.start, end: LokiFixtures.end)
            Issue.record("expected an error")
        } catch {
            #expect(error.description == "http://no-such-host.invalid:3100: cannot resolve host name 'no-such-host.invalid': check the URL and DNS")
        }
    }

    @Test func tlsToAPlainServerFailsAsTLS() throws {
        let server = try ReplayServer { _ in LokiFixtures.json("labels.json") }
        defer { server.stop() }
        var settings = quickSettings()
        settings.retries = 0
        let client = try LokiClient(endpoint: RemoteEndpoint("https://127.0.0.1:\(server.port)")!, settings: settings)
        do {
            _ = try client.labels(start: LokiFixtures.start, end: LokiFixtures.end)
            Issue.record("expected an error")
        } catch {
            #expect(error.description.hasPrefix("https://127.0.0.1:\(server.port): TLS failed ("))
        }
    }

    @Test func tenantAndBasicAuthAreSent() throws {
        let server = try ReplayServer { r in
            r.headers["x-scope-orgid"] == "team-empty" ? LokiFixtures.json("auth_query_range_tenant_without_data.json") : LokiFixtures.text(401, "auth_query_range_no_orgid.txt")
        }
        defer { server.stop() }
        var settings = quickSettings()
        settings.orgID = "team-empty"
        settings.username = "ops"
        settings.password = "s3cret"
        var count = 0
        try lokiClient(server, settings).history(query: #"{job="nginx"}"#, start: LokiFixtures.start, end: LokiFixtures.end) { _, fresh in
            count += fresh.count
            return true
        }
        #expect(count == 0)
        #expect(server.requests[0].headers["authorization"] == "Basic b3BzOnMzY3JldA==")
    }
}

@Suite struct LokiTransportTests {
    @Test func theProxyFromTheEnvironmentCarriesTheRequestAndNoProxyBypassesIt() throws {
        // The replay server acts as the HTTP proxy: a CONNECT to the target, then the request.
        let proxy = try ReplayServer { r in
            if r.method == "CONNECT" { return .tunnel }
            return r.path == "/loki/api/v1/labels" && r.headers["host"] == "loki.invalid:3100"
                ? LokiFixtures.json("labels.json") : .http(status: 404, contentType: "text/plain", body: [])
        }
        defer { proxy.stop() }
        var settings = quickSettings()
        settings.retries = 0
        settings.proxyEnvironment = ["HTTP_PROXY": proxy.url]
        let viaProxy = try LokiClient(endpoint: RemoteEndpoint("http://loki.invalid:3100")!, settings: settings)
        #expect(try viaProxy.labels(start: LokiFixtures.start, end: LokiFixtures.end) == ["filename", "host", "job", "service_name", "unit"])
        settings.proxyEnvironment["no_proxy"] = ".invalid"
        let direct = try LokiClient(endpoint: RemoteEndpoint("http://loki.invalid:3100")!, settings: settings)
        do {
            _ = try direct.labels(start: LokiFixtures.start, end: LokiFixtures.end)
            Issue.record("expected an error")
        } catch {
            #expect(error.description == "http://loki.invalid:3100: cannot resolve host name 'loki.invalid': check the URL and DNS")
        }
        #expect(proxy.requests.map(\.method) == ["CONNECT", "GET"])
        #expect(proxy.requests.first?.path == "loki.invalid:3100")
    }

    @Test func aBearerTokenFromAFileIsSent() throws {
        let dir = try TemporaryJournalDirectory()
        defer { dir.remove() }
        let path = dir.path + "/token"
        let f = fopen(path, "w")
        fputs("tok-123\n", f)
        fclose(f)
        let server = try ReplayServer { _ in LokiFixtures.json("label_job_values.json") }
        defer { server.stop() }
        var settings = quickSettings()
        settings.bearerToken = try RemoteSettings.secret(fromFile: path, what: "bearer token")
        #expect(try lokiClient(server, settings).labelValues(name: "job", start: 0, end: 1) == ["backend", "nginx", "postgresql"])
        #expect(server.requests[0].headers["authorization"] == "Bearer tok-123")
        #expect(server.requests[0].path == "/loki/api/v1/label/job/values")
        #expect(throws: RemoteSettings.Error.self) { try RemoteSettings.secret(fromFile: dir.path + "/missing", what: "password") }
    }

    @Test func remoteTextIsSanitisedLikeLocalText() throws {
        // Not a recording: a body in Loki's shape whose line carries a terminal title escape and a BEL.
        let body = #"{"status":"success","data":{"resultType":"streams","result":[{"stream":{"job":"evil"},"values":[["1769749200000000000","GET /\u001b]0;pwned\u0007 done"]]}]}}"#
        let server = try ReplayServer { _ in .http(status: 200, contentType: "application/json", body: Array(body.utf8)) }
        defer { server.stop() }
        let timeline = Timeline(sources: [])
        let assembler = LokiSourceAssembler(server: "loki", settings: LoadSettings(defaultZone: .utc))
        try lokiClient(server).history(query: #"{job="evil"}"#, start: LokiFixtures.start, end: LokiFixtures.end) { page, fresh in
            assembler.add(page, fresh: fresh, to: timeline)
            return true
        }
        var out: [UInt8] = []
        EntryWriter(timeline: timeline, style: .text, zone: .utc).write(timeline.order[0], to: &out)
        #expect(!out.contains(0x1B) && !out.contains(0x07))
        #expect(String(decoding: out, as: UTF8.self).contains(#"GET /\e]0;pwned\a done"#))
    }
}

extension String {
    func replacingPort(_ port: Int) -> String {
        var out = ""
        var rest = Substring(self)
        while let r = rest.firstRange(of: "PORT") {
            out += rest[..<r.lowerBound] + String(port)
            rest = rest[r.upperBound...]
        }
        return out + rest
    }

}

@Suite struct LokiPagerTests {
    /// A page in Loki's answer shape (not a recording) with one stream and these timestamps.
    static func page(_ timestamps: [Int64]) throws -> LokiBatch {
        let values = timestamps.map { #"["\#($0)","line \#($0)"]"# }.joined(separator: ",")
        let body = #"{"status":"success","data":{"resultType":"streams","result":[{"stream":{"job":"x"},"values":[\#(values)]}]}}"#
        return try Array(body.utf8).withUnsafeBytes { try LokiWire.decodeQueryRange($0) }
    }

    @Test func aLongRangeIsWalkedInWindowsWithoutOverlap() throws {
        // What a server holding these entries answers: the first `limit` in [start, end).
        let stored: [Int64] = [1, 5, 5, 39, 40, 41, 99]
        var pager = LokiPager(query: "{job=\"x\"}", start: 0, end: 100, limit: 3, maximumSpan: 40)
        var asked: [String] = []
        var got: [Int64] = []
        for _ in 0..<20 where !pager.isFinished {
            let parts = pager.nextPath.split(separator: "&")
            let start = Int64(parts.first { $0.hasPrefix("start=") }!.dropFirst(6))!
            let end = Int64(parts.first { $0.hasPrefix("end=") }!.dropFirst(4))!
            asked.append("\(start)..<\(end)")
            let p = try Self.page(Array(stored.filter { $0 >= start && $0 < end }.prefix(3)))
            got += pager.accept(p).map { p.entries[$0].timestamp }
        }
        // Full pages move the start to their last timestamp; a window not filled moves it to its end.
        #expect(asked == ["0..<40", "5..<45", "39..<79", "41..<81", "81..<100"])
        #expect(asked.allSatisfy { s in let b = s.split(separator: "<"); return Int64(b[1])! - Int64(b[0].dropLast(2))! <= 40 })
        #expect(got == stored)
        #expect(pager.isFinished)
    }

    @Test func aFullPageOfOneTimestampIsSteppedOverAndReported() throws {
        var pager = LokiPager(query: "{job=\"x\"}", start: 0, end: 100, limit: 2)
        _ = pager.accept(try Self.page([7, 7]))
        #expect(pager.cursor == 7)
        _ = pager.accept(try Self.page([7, 7]))
        #expect(pager.crowdedTimestamps == [7])
        #expect(pager.cursor == 8)
    }
}
