import Foundation
import Testing

@testable import LogviewCore

@Suite struct NginxErrorFormatTests {
    static let upstreamLine =
        #"2026/01/30 14:02:03 [error] 1234#1234: *5 connect() failed (111: Connection refused) while connecting to upstream, client: 10.0.0.1, server: api.example.com, request: "GET /api/x HTTP/1.1", upstream: "http://10.0.1.10:8080/api/x", host: "api.example.com""#

    private func parser(zone: ZoneRules = nginxSeoul) throws -> any LineParser {
        try NginxErrorFormat().makeParser(FormatOptions(zone: zone))
    }

    @Test func nameAndSource() {
        #expect(NginxErrorFormat().name == "nginx-error")
        #expect(NginxErrorFormat().defaultSourceName == "nginx")
    }

    @Test func upstreamFailure() throws {
        let r = nginxScan(try parser(), Self.upstreamLine)
        #expect(r.kind == .start)
        #expect(r.timestamp == 1_769_749_323_000_000_000)
        #expect(r.facts.precision == .seconds)
        #expect(r.facts.level == .error)
        #expect(r.facts.session == 5)
        #expect(r.facts.messageStart == 20)
        #expect(r.peer == "10.0.0.1")
        #expect(r.requestLine == "GET /api/x HTTP/1.1")
        #expect(r.ids.isEmpty)
        #expect(r.durationNanoseconds == nil)
    }

    @Test(arguments: [
        ("debug", Level.debug), ("info", .info), ("notice", .notice), ("warn", .warning), ("error", .error),
        ("crit", .critical), ("alert", .alert), ("emerg", .emergency),
    ])
    func everyLevel(word: String, level: Level) throws {
        let r = nginxScan(try parser(), "2026/01/30 14:02:03 [\(word)] 1233#1233: signal process started")
        #expect(r.kind == .start)
        #expect(r.facts.level == level)
        #expect(r.facts.session == 0)
        #expect(r.peer == nil)
        #expect(r.requestLine == nil)
    }

    /// The naive time is read in the source's zone; the same text in UTC is nine hours later.
    @Test func naiveTimeUsesTheSourceZone() throws {
        let utc = nginxScan(try parser(zone: .utc), Self.upstreamLine)
        #expect(utc.timestamp == 1_769_781_723_000_000_000)
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/usr/share/zoneinfo/America/New_York")))
    func naiveTimeInATZifZone() throws {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: "/usr/share/zoneinfo/America/New_York")))
        let zone = try ZoneRules(tzif: bytes, name: "America/New_York")
        // July: EDT, UTC-4.
        let r = nginxScan(try parser(zone: zone), "2026/07/01 10:00:00 [warn] 1#1: *9 an upstream response is buffered")
        #expect(r.timestamp == 1_782_914_400_000_000_000)
        #expect(r.facts.level == .warning)
        #expect(r.facts.session == 9)
    }

    @Test func limitReqLine() throws {
        let line =
            #"2026/01/30 14:01:52 [error] 1235#1235: *1441 limiting requests, excess: 20.433 by zone "perip", client: 203.0.113.66, server: api.example.com, request: "GET /api/products/search?q=bliyo&page=48 HTTP/1.1", host: "api.example.com""#
        let r = nginxScan(try parser(), line)
        #expect(r.timestamp == 1_769_749_312_000_000_000)
        #expect(r.facts.session == 1441)
        #expect(r.peer == "203.0.113.66")
        #expect(r.requestLine == "GET /api/products/search?q=bliyo&page=48 HTTP/1.1")
    }

    /// nginx does not escape the request line in error.log, and an open() message quotes a decoded
    /// path; neither may mislead the client or request found.
    @Test func hostileRequestAndPath() throws {
        let line =
            #"2026/01/30 14:00:10 [error] 1234#1234: *7 open() "/var/www/a, client: 6.6.6.6 b" failed (2: No such file or directory), client: 100.126.4.91, server: www.example.com, request: "GET /a, client: "x", host: "y HTTP/1.1", host: "www.example.com", referrer: "https://www.example.com/""#
        let r = nginxScan(try parser(), line)
        #expect(r.kind == .start)
        #expect(r.peer == "100.126.4.91")
        #expect(r.requestLine == #"GET /a, client: "x"#)
    }

    @Test func crlfIsIgnored() throws {
        let r = nginxScan(try parser(), Self.upstreamLine + "\r")
        #expect(r.kind == .start)
        #expect(r.requestLine == "GET /api/x HTTP/1.1")
        #expect(nginxAnnotate(try parser(), Self.upstreamLine + "\r").last == Field("host", "api.example.com"))
    }

    @Test(arguments: [
        "",
        "PHP message: PHP Warning:  Undefined variable $x in /var/www/index.php on line 3",
        "2026/01/30 14:02:03 plain Go log line",
        "2026/01/30 14:02:03 [warning] 1#1: not an nginx level",
        "2026/01/30 14:02:03 [] 1#1: empty level",
        "2026/13/30 14:02:03 [error] 1#1: bad month",
        "2026-01-30 14:02:03 [error] 1#1: dashes",
        "9999/01/30 14:02:03 [error] 1#1: beyond Int64 nanoseconds",
        "2026/01/30 14:02:03 [error",
    ])
    func notAnEntry(line: String) throws {
        #expect(nginxScan(try parser(), line).kind == .continuation)
    }

    @Test func annotateSplitsHeaderMessageAndContext() throws {
        #expect(
            nginxAnnotate(try parser(), Self.upstreamLine) == [
                Field("level", "error"), Field("pid", "1234"), Field("tid", "1234"), Field("connection", "5"),
                Field("message", "connect() failed (111: Connection refused) while connecting to upstream"),
                Field("client", "10.0.0.1"), Field("server", "api.example.com"),
                Field("request", "GET /api/x HTTP/1.1"), Field("upstream", "http://10.0.1.10:8080/api/x"),
                Field("host", "api.example.com"),
            ])
        #expect(
            nginxAnnotate(try parser(), "2026/01/30 14:02:03 [notice] 1233#1233: signal process started") == [
                Field("level", "notice"), Field("pid", "1233"), Field("tid", "1233"),
                Field("message", "signal process started"),
            ])
    }

    @Test func hostileInputNeverTraps() throws {
        let samples = [
            Self.upstreamLine, "2026/01/30 14:02:03 [emerg] 1#1: bind() to 0.0.0.0:80 failed (98: Address in use)",
        ].map { Array($0.utf8) }
        let fed = nginxFeedHostileInput(try parser(), samples: samples, seed: 7)
        #expect(fed == samples[0].count + 1 + samples[1].count + 1 + 3000)
    }
}
