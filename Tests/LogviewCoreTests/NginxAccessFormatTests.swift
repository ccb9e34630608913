import Testing

@testable import LogviewCore

@Suite struct NginxAccessFormatTests {
    /// The corpus's `main` format, exactly as in its nginx.conf.
    static let mainFormat = """
        '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" rid=$request_id rt=$request_time urt=$upstream_response_time'
        """

    static let mainLine =
        #"198.51.100.88 - - [30/Jan/2026:14:02:03 +0900] "PUT /api/users/30604/preferences HTTP/1.1" 204 0 "https://www.example.com/" "Mozilla/5.0 (X11; Linux x86_64)" rid=3c30a44a19f60e8b0da7e2560f89940d rt=0.009 urt=0.006"#

    static let combinedLine =
        #"100.127.136.195 - alice [30/Jan/2026:14:02:03 +0900] "GET /manifest.json HTTP/1.1" 404 412 "https://www.example.com/" "Mozilla/5.0 (iPhone; CPU iPhone OS 17_2_1 like Mac OS X)""#

    private func parser(_ format: String? = nil, zone: ZoneRules = .utc) throws -> any LineParser {
        try NginxAccessFormat().makeParser(FormatOptions(zone: zone, nginxLogFormat: format))
    }

    @Test func nameAndSource() {
        #expect(NginxAccessFormat().name == "nginx-access")
        #expect(NginxAccessFormat().defaultSourceName == "nginx")
    }

    @Test func mainFormatLine() throws {
        let r = nginxScan(try parser(Self.mainFormat), Self.mainLine)
        #expect(r.kind == .start)
        #expect(r.timestamp == 1_769_749_323_000_000_000)
        #expect(r.facts.precision == .seconds)
        #expect(r.facts.level == .info)
        #expect(r.facts.messageStart == 0)
        #expect(r.ids == ["request:3c30a44a19f60e8b0da7e2560f89940d"])
        #expect(r.durationNanoseconds == 9_000_000)
        #expect(r.peer == "198.51.100.88")
        #expect(r.requestLine == "PUT /api/users/30604/preferences HTTP/1.1")
        #expect(r.facts.session == 0)
    }

    @Test func combinedIsTheDefault() throws {
        let r = nginxScan(try parser(), Self.combinedLine)
        #expect(r.kind == .start)
        #expect(r.timestamp == 1_769_749_323_000_000_000)
        #expect(r.facts.level == .warning)
        #expect(r.ids.isEmpty)
        #expect(r.durationNanoseconds == nil)
        #expect(r.peer == "100.127.136.195")
        #expect(r.requestLine == "GET /manifest.json HTTP/1.1")
    }

    @Test(arguments: [
        ("200", Level.info), ("204", .info), ("301", .info), ("101", .info), ("400", .warning), ("429", .warning),
        ("499", .warning), ("500", .error), ("502", .error), ("599", .error),
    ])
    func statusGivesLevel(status: String, level: Level) throws {
        let line =
            #"10.0.0.2 - - [30/Jan/2026:14:02:03 +0900] "GET / HTTP/1.1" "# + status
            + #" 15 "-" "curl/8.5.0""#
        let r = nginxScan(try parser(), line)
        #expect(r.kind == .start)
        #expect(r.facts.level == level)
    }

    @Test func timeLocalWithNegativeOffset() throws {
        let r = nginxScan(
            try parser(), #"10.0.0.2 - - [29/Jan/2026:23:32:03 -0530] "GET / HTTP/1.1" 200 15 "-" "curl/8.5.0""#)
        #expect(r.timestamp == 1_769_749_323_000_000_000)
    }

    @Test func timeISO8601Format() throws {
        let p = try parser(#"$remote_addr [$time_iso8601] "$request" $status $request_time"#)
        let r = nginxScan(p, #"10.0.0.1 [2026-01-30T14:02:03+09:00] "GET /x HTTP/2.0" 503 1.500"#)
        #expect(r.kind == .start)
        #expect(r.timestamp == 1_769_749_323_000_000_000)
        #expect(r.facts.precision == .seconds)
        #expect(r.facts.level == .error)
        #expect(r.durationNanoseconds == 1_500_000_000)
    }

    @Test func msecFormatHasMillisecondPrecision() throws {
        let p = try parser(#"$msec $remote_addr "$request" $status rid=$request_id"#)
        let r = nginxScan(p, #"1769749323.123 10.0.0.1 "GET /x HTTP/1.1" 200 rid=abc123"#)
        #expect(r.kind == .start)
        #expect(r.timestamp == 1_769_749_323_123_000_000)
        #expect(r.facts.precision == .milliseconds)
        #expect(r.ids == ["request:abc123"])
    }

    /// With two times, the precise `$msec` is the entry time.
    @Test func msecWinsOverTimeLocal() throws {
        let p = try parser("[$time_local] $msec $status")
        let r = nginxScan(p, "[30/Jan/2026:14:02:03 +0900] 1769749323.456 200")
        #expect(r.timestamp == 1_769_749_323_456_000_000)
        #expect(r.facts.precision == .milliseconds)
    }

    @Test func bracedVariablesAndUnquotedRequestIDAtLineEnd() throws {
        let p = try parser("${remote_addr} [${time_local}] ${status} ${request_time} $request_id")
        let r = nginxScan(p, "10.0.0.1 [30/Jan/2026:14:02:03 +0900] 200 0.123 0a1b2c3d4e5f")
        #expect(r.kind == .start)
        #expect(r.ids == ["request:0a1b2c3d4e5f"])
        #expect(r.durationNanoseconds == 123_000_000)
        #expect(r.peer == "10.0.0.1")
        #expect(r.requestLine == nil)
    }

    @Test func crlfIsIgnored() throws {
        let p = try parser(Self.mainFormat)
        let stripped = nginxScan(p, Self.mainLine)
        let withCR = nginxScan(p, Self.mainLine + "\r")
        #expect(withCR.kind == .start)
        #expect(withCR.ids == stripped.ids)
        #expect(withCR.timestamp == stripped.timestamp)
        #expect(withCR.ids == ["request:3c30a44a19f60e8b0da7e2560f89940d"])
    }

    /// Two variables with no literal between them are split on a space.
    @Test func touchingVariablesSplitOnSpace() throws {
        let p = try parser("$msec $status$request_id")
        let r = nginxScan(p, "1769749323.000 404 f00d")
        #expect(r.kind == .start)
        #expect(r.facts.level == .warning)
        #expect(r.ids == ["request:f00d"])
    }

    @Test func traceparentAndForwardedRequestIDs() throws {
        let p = try parser(
            "$msec $status rid=$request_id xrid=$http_x_request_id urid=$upstream_http_x_request_id tp=$http_traceparent"
        )
        let line =
            "1769749323.000 200 rid=aaaa xrid=aaaa urid=bbbb tp=00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
        let r = nginxScan(p, line)
        #expect(r.ids == ["request:aaaa", "request:bbbb", "trace:4bf92f3577b34da6a3ce929d0e0e4736"])
    }

    @Test func absentValuesGiveNoIDsPeerOrRequest() throws {
        let p = try parser(#"$msec $remote_addr "$request" rid=$request_id tp=$http_traceparent"#)
        let r = nginxScan(p, #"1769749323.000 - "-" rid=- tp=-"#)
        #expect(r.kind == .start)
        #expect(r.ids.isEmpty)
        #expect(r.peer == nil)
        #expect(r.requestLine == nil)
        #expect(r.facts.level == .unknown)
    }

    @Test func tlsHandshakeOn400IsAnEntry() throws {
        let line =
            #"198.51.100.215 - - [30/Jan/2026:14:01:28 +0900] "\x16\x03\x01\x02\x00\x01\x00\x01\xFC\x03\x03\x8A\xD4q\xA3" 400 157 "-" "-" rid=97802099ab91b2bb785238aaa9c779f8 rt=0.001 urt=-"#
        let r = nginxScan(try parser(Self.mainFormat), line)
        #expect(r.kind == .start)
        #expect(r.timestamp == 1_769_749_288_000_000_000)
        #expect(r.facts.level == .warning)
        #expect(r.requestLine == #"\x16\x03\x01\x02\x00\x01\x00\x01\xFC\x03\x03\x8A\xD4q\xA3"#)
        #expect(r.ids == ["request:97802099ab91b2bb785238aaa9c779f8"])
        #expect(r.durationNanoseconds == 1_000_000)
    }

    /// Each user agent comes from a hostile client; the fields after it must still be found.
    @Test(arguments: [
        #"Mozilla "quoted" thing"#,
        #"a \"b\" c"#,
        #"a \x22b\x22 c"#,
        "\u{1B}]8;;http://evil.example/\u{1B}\\click me\u{1B}]8;;\u{1B}\\",
        #"ends in a backslash \"#,
        #"fake" 200 1 "-" "x"#,
        "GoodBot/1.0\u{1B}[1A\u{1B}[2K\rFAKE LOG LINE 200 OK",
        "admin\u{08}\u{08}guest \u{7F}\u{0}",
    ])
    func hostileUserAgents(agent: String) throws {
        let line =
            #"203.0.113.66 - - [30/Jan/2026:14:02:03 +0900] "GET /api/x HTTP/1.1" 502 157 "-" ""# + agent
            + #"" rid=0c80cb5c96058aa3e187211f50122e9d rt=0.001 urt=-"#
        let r = nginxScan(try parser(Self.mainFormat), line)
        #expect(r.kind == .start)
        #expect(r.facts.level == .error)
        #expect(r.ids == ["request:0c80cb5c96058aa3e187211f50122e9d"])
        #expect(r.durationNanoseconds == 1_000_000)
        #expect(r.requestLine == "GET /api/x HTTP/1.1")
        #expect(nginxAnnotate(try parser(Self.mainFormat), line).first { $0.name == "http_user_agent" }?.value == agent)
    }

    @Test func invalidUTF8UserAgent() throws {
        var line = Array(
            #"203.0.113.66 - - [30/Jan/2026:14:02:03 +0900] "GET / HTTP/1.1" 200 1 "-" "Mozilla/5.0 "#.utf8)
        line += [0xFF, 0xFE, 0xC3, 0x28, 0xE9]
        line += Array(#"" rid=abcd rt=0.002 urt=0.001"#.utf8)
        let r = nginxScan(try parser(Self.mainFormat), line)
        #expect(r.kind == .start)
        #expect(r.ids == ["request:abcd"])
        #expect(r.durationNanoseconds == 2_000_000)
    }

    /// A quote inside the request line (a non-nginx writer) must not shift status and size.
    @Test func rawQuoteInRequestLine() throws {
        let r = nginxScan(
            try parser(), #"10.0.0.9 - - [30/Jan/2026:14:02:03 +0900] "GET /a" 404 "x HTTP/1.1" 500 15 "-" "curl""#)
        #expect(r.kind == .start)
        #expect(r.facts.level == .error)
        #expect(r.requestLine == #"GET /a" 404 "x HTTP/1.1"#)
    }

    @Test(arguments: [
        "",
        "hello world",
        // A combined line is not a `main` line: its request id and times are missing.
        NginxAccessFormatTests.combinedLine,
        // A bad date.
        #"10.0.0.2 - - [31/Feb/2026:14:02:03 +0900] "GET / HTTP/1.1" 200 15 "-" "x" rid=a rt=0.001 urt=-"#,
        // Status is not three digits.
        #"10.0.0.2 - - [30/Jan/2026:14:02:03 +0900] "GET / HTTP/1.1" 20x 15 "-" "x" rid=a rt=0.001 urt=-"#,
        // A year beyond what Int64 nanoseconds hold.
        #"10.0.0.2 - - [30/Jan/9999:14:02:03 +0900] "GET / HTTP/1.1" 200 15 "-" "x" rid=a rt=0.001 urt=-"#,
        // A literal of the format (" rt=") is missing.
        #"10.0.0.2 - - [30/Jan/2026:14:02:03 +0900] "GET / HTTP/1.1" 200 15 "-" "x" rid=a urt=-"#,
    ])
    func linesNotInTheFormatAreContinuations(line: String) throws {
        let r = nginxScan(try parser(Self.mainFormat), line)
        #expect(r.kind == .continuation)
        #expect(r.ids.isEmpty)
    }

    /// An explicit format that ends in a literal ends the line there (the default `combined` accepts
    /// appended fields, see NginxCombinedExtensionTests); a last variable takes the rest.
    @Test func textAfterTheFormat() throws {
        #expect(nginxScan(try parser(NginxLogFormat.combinedText), Self.combinedLine + " extra").kind == .continuation)
        #expect(nginxScan(try parser(), Self.combinedLine + " extra").kind == .start)
        let r = nginxScan(try parser(Self.mainFormat), Self.mainLine + " extra")
        #expect(r.kind == .start)
        #expect(
            nginxAnnotate(try parser(Self.mainFormat), Self.mainLine + " extra").last
                == Field("upstream_response_time", "0.006 extra"))
    }

    @Test func annotateReturnsEveryVariable() throws {
        let fields = nginxAnnotate(try parser(Self.mainFormat), Self.mainLine)
        #expect(
            fields == [
                Field("remote_addr", "198.51.100.88"), Field("remote_user", "-"),
                Field("time_local", "30/Jan/2026:14:02:03 +0900"),
                Field("request", "PUT /api/users/30604/preferences HTTP/1.1"), Field("status", "204"),
                Field("body_bytes_sent", "0"), Field("http_referer", "https://www.example.com/"),
                Field("http_user_agent", "Mozilla/5.0 (X11; Linux x86_64)"),
                Field("request_id", "3c30a44a19f60e8b0da7e2560f89940d"), Field("request_time", "0.009"),
                Field("upstream_response_time", "0.006"),
            ])
        #expect(nginxAnnotate(try parser(Self.mainFormat), "not a line").isEmpty)
    }

    @Test func hostileInputNeverTraps() throws {
        let samples = [Self.mainLine, Self.combinedLine].map { Array($0.utf8) }
        for format in [
            Self.mainFormat, NginxLogFormat.combinedText, "$msec $status$request_id", "$time_iso8601 \"$request\"",
        ] {
            let fed = nginxFeedHostileInput(try parser(format), samples: samples, seed: 0x6E67_696E_78)
            #expect(fed == Self.mainLine.utf8.count + 1 + Self.combinedLine.utf8.count + 1 + 3000)
        }
    }
}
