import Testing

@testable import LogviewCore

@Suite struct NginxJSONAccessFormatTests {
    /// A line of the corpus's `json` log_format.
    static let corpusLine =
        #"{"time_iso8601":"2026-01-30T14:00:09+09:00","msec":"1769749209.011","request_id":"456c7f61f24b238d6e87b7794d58fc48","remote_addr":"100.102.93.24","request_method":"POST","request_uri":"/ai/v1/embeddings","status":200,"body_bytes_sent":8175,"request_time":0.015,"upstream_response_time":"0.013","upstream_addr":"10.0.1.20:8000","http_user_agent":"Mozilla/5.0 \u001b]0;pwned\u0007 (X11; \"Linux\" x86_64)","http_referer":"https://www.example.com/","host":"api.example.com"}"#

    private func parser(zone: ZoneRules = .utc) throws -> any LineParser {
        try NginxJSONAccessFormat().makeParser(FormatOptions(zone: zone))
    }

    @Test func nameAndSource() {
        #expect(NginxJSONAccessFormat().name == "nginx-json")
        #expect(NginxJSONAccessFormat().defaultSourceName == "nginx")
    }

    @Test func corpusLinePrefersMsec() throws {
        let r = nginxScan(try parser(), Self.corpusLine)
        #expect(r.kind == .start)
        #expect(r.timestamp == 1_769_749_209_011_000_000)
        #expect(r.facts.precision == .milliseconds)
        #expect(r.facts.level == .info)
        #expect(r.ids == ["request:456c7f61f24b238d6e87b7794d58fc48"])
        #expect(r.durationNanoseconds == 15_000_000)
        #expect(r.peer == "100.102.93.24")
        #expect(r.requestLine == nil)
        #expect(r.facts.messageStart == 0)
    }

    @Test func timeISO8601WhenNoMsec() throws {
        let line = #"{"time_iso8601":"2026-01-30T14:02:03+09:00","status":"502","request_time":"1.250"}"#
        let r = nginxScan(try parser(), line)
        #expect(r.kind == .start)
        #expect(r.timestamp == 1_769_749_323_000_000_000)
        #expect(r.facts.precision == .seconds)
        #expect(r.facts.level == .error)
        #expect(r.durationNanoseconds == 1_250_000_000)
    }

    @Test func timeLocalAndRequestKey() throws {
        let line =
            #"{ "time_local" : "30/Jan/2026:14:02:03 +0900", "request": "GET /a?q=\"x\" HTTP/1.1", "status": 404, "http_x_request_id": "r-1" }"#
        let r = nginxScan(try parser(), line)
        #expect(r.kind == .start)
        #expect(r.timestamp == 1_769_749_323_000_000_000)
        #expect(r.facts.level == .warning)
        #expect(r.requestLine == #"GET /a?q=\"x\" HTTP/1.1"#)
        #expect(r.ids == ["request:r-1"])
    }

    @Test func msecAsANumberAndNestedValues() throws {
        let line =
            #"{"msec":1769749323.5,"tags":["a","b}"],"extra":{"k":{"n":[1,2]}},"request_id":"abc","traceparent":null,"http_traceparent":"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"}"#
        let r = nginxScan(try parser(), line)
        #expect(r.kind == .start)
        #expect(r.timestamp == 1_769_749_323_500_000_000)
        #expect(r.facts.precision == .milliseconds)
        #expect(r.ids == ["request:abc", "trace:4bf92f3577b34da6a3ce929d0e0e4736"])
    }

    /// A line cut short (the file's last line, or one being written) is an entry if its time came first.
    @Test func truncatedLineWithTimeIsAnEntry() throws {
        let line =
            #"{"time_iso8601":"2026-01-30T14:04:31+09:00","msec":"1769749471.248","request_id":"51d1f19d7a57378cb8962a94044bd923","status":200,"body_bytes_sent"#
        let r = nginxScan(try parser(), line)
        #expect(r.kind == .start)
        #expect(r.timestamp == 1_769_749_471_248_000_000)
        #expect(r.ids == ["request:51d1f19d7a57378cb8962a94044bd923"])
        #expect(r.facts.level == .info)
    }

    @Test func crlfIsIgnored() throws {
        let r = nginxScan(try parser(), Self.corpusLine + "\r")
        #expect(r.kind == .start)
        #expect(r.timestamp == 1_769_749_209_011_000_000)
    }

    @Test(arguments: [
        "",
        "plain text",
        #"{"request_id":"abc","status":200}"#,  // no time
        #"{"msec":"1769749323.000" "status":200}"#,  // missing comma
        #"{"msec":"1769749323.000"} trailing"#,
        #"{"msec":"1769749323.000","x":[1,2}}"#,  // mismatched brackets
        #"{"msec":"yesterday"}"#,
        #"{"time_iso8601":"9999-01-30T14:02:03+09:00"}"#,  // beyond Int64 nanoseconds
        #"{"request_id":"abc","msec""#,  // cut before the time value
        #"["msec","1769749323.000"]"#,
    ])
    func notAnEntry(line: String) throws {
        let r = nginxScan(try parser(), line)
        #expect(r.kind == .continuation)
        #expect(r.ids.isEmpty)
    }

    @Test func annotateDecodesKeysAndStrings() throws {
        let line =
            #"{"msec":"1769749323.000","status":200,"http_user_agent":"a\u001b]0;pwned\u0007 \"q\" \u00ff\u00c3( \ud83d\ude00 \ud800 \/x\\","ok":true,"n":null,"\u0041":[1]}"#
        let fields = nginxAnnotate(try parser(), line)
        #expect(
            fields == [
                Field("msec", "1769749323.000"), Field("status", "200"),
                Field("http_user_agent", "a\u{1B}]0;pwned\u{07} \"q\" \u{FF}\u{C3}( \u{1F600} \u{FFFD} /x\\"),
                Field("ok", "true"), Field("n", "null"), Field("A", "[1]"),
            ])
    }

    @Test func annotateStopsAtTheCut() throws {
        let fields = nginxAnnotate(try parser(), #"{"msec":"1769749323.000","status":20"#)
        #expect(fields == [Field("msec", "1769749323.000")])
    }

    @Test func hostileInputNeverTraps() throws {
        let samples = [
            Self.corpusLine, #"{"time_local":"30/Jan/2026:14:02:03 +0900","a":[{"b":"\"}"}],"c":"\u12"}"#,
        ].map { Array($0.utf8) }
        let fed = nginxFeedHostileInput(try parser(), samples: samples, seed: 42)
        #expect(fed == samples[0].count + 1 + samples[1].count + 1 + 3000)
    }
}
