import LogviewCore
import Testing

@Suite struct JSONLinesFormatTests {
    let parser = AppFormatTestKit.parser(JSONLinesFormat(), FormatOptions(zone: ZoneRules(fixedOffset: 9 * 3600)))

    static let structlogLine =
        #"{"timestamp":"2026-01-30T14:02:03.123+09:00","level":"info","message":"Fetching user 42","#
        + #""request_id":"0a1b2c3d4e5f60718293a4b5c6d7e8f9","trace_id":"4bf92f3577b34da6a3ce929d0e0e4736"}"#
    static let nginxLine =
        #"{"time_iso8601":"2026-01-30T14:00:11+09:00","msec":"1769749211.711","request_id":"eb46112bbcf2158c5c1189326d1d36c7","#
        + #""remote_addr":"100.82.218.230","status":200,"request_time":0.048,"#
        + #""http_user_agent":"Mozilla/5.0 \u001b]0;pwned\u0007 (X11; Linux x86_64)","host":"api.example.com"}"#

    @Test func structlogLineWithIDs() {
        let s = AppFormatTestKit.scan(parser, Self.structlogLine)
        #expect(s.kind == .start)
        #expect(s.facts.timestamp.nanoseconds == 1_769_749_323_123_000_000)
        #expect(s.facts.precision == .milliseconds)
        #expect(s.facts.level == .info)
        #expect(s.facts.messageStart == 0)
        #expect(s.ids == ["0a1b2c3d4e5f60718293a4b5c6d7e8f9", "4bf92f3577b34da6a3ce929d0e0e4736"])
        #expect(s.idKinds == [.request, .trace])
    }

    @Test func nginxEscapeJSONLinePrefersMsecAndDecodesEscapes() {
        let s = AppFormatTestKit.scan(parser, Self.nginxLine)
        #expect(s.kind == .start)
        #expect(s.facts.timestamp.nanoseconds == 1_769_749_211_711_000_000)
        #expect(s.facts.precision == .milliseconds)
        #expect(s.ids == ["eb46112bbcf2158c5c1189326d1d36c7"])
        let fields = AppFormatTestKit.annotate(parser, Self.nginxLine)
        #expect(fields["http_user_agent"] == "Mozilla/5.0 \u{1B}]0;pwned\u{07} (X11; Linux x86_64)")
        #expect(fields["status"] == "200")
        #expect(fields["request_time"] == "0.048")
    }

    @Test func pythonJSONLoggerNaiveAsctime() {
        let line = #"{"asctime": "2026-01-30 14:00:09,261", "levelname": "WARNING", "name": "app.api", "message": "slow"}"#
        let s = AppFormatTestKit.scan(parser, line)
        #expect(s.kind == .start)
        #expect(s.facts.timestamp.nanoseconds == 1_769_749_209_261_000_000)
        #expect(s.facts.level == .warning)
    }

    @Test func pinoNumbers() {
        let line = #"{"level":50,"time":1769749323123,"pid":1,"hostname":"h","msg":"boom req_id=r7"}"#
        let s = AppFormatTestKit.scan(parser, line)
        #expect(s.facts.level == .error)
        #expect(s.facts.timestamp.nanoseconds == 1_769_749_323_123_000_000)
        #expect(s.facts.precision == .milliseconds)
        #expect(s.ids == ["r7"])
    }

    @Test(arguments: [
        ("1769749323", Int64(1_769_749_323_000_000_000), TimePrecision.seconds),
        ("1769749323.123", 1_769_749_323_123_000_000, .milliseconds),
        ("1769749323.1234567", 1_769_749_323_123_456_700, .nanoseconds),
        ("1769749323123", 1_769_749_323_123_000_000, .milliseconds),
        ("1769749323123.5", 1_769_749_323_123_500_000, .microseconds),
        ("1769749323123456", 1_769_749_323_123_456_000, .microseconds),
        ("1769749323123456789", 1_769_749_323_123_456_789, .nanoseconds),
        ("1.769749323123e9", 1_769_749_323_123_000_000, .milliseconds),
        ("1.769749323123E+09", 1_769_749_323_123_000_000, .milliseconds),
        ("\"1769749323.123\"", 1_769_749_323_123_000_000, .milliseconds),
        ("\"2026-01-30T05:02:03.123456789Z\"", 1_769_749_323_123_456_789, .nanoseconds),
        ("\"2026-01-30 14:02:03\"", 1_769_749_323_000_000_000, .seconds),
        ("\"30/Jan/2026:14:02:03 +0900\"", 1_769_749_323_000_000_000, .seconds),
    ])
    func timeValues(value: String, nanoseconds: Int64, precision: TimePrecision) {
        let s = AppFormatTestKit.scan(parser, "{\"ts\":" + value + ",\"msg\":\"m\"}")
        #expect(s.kind == .start)
        #expect(s.facts.timestamp.nanoseconds == nanoseconds)
        #expect(s.facts.precision == precision)
    }

    @Test(arguments: ["42", "-1769749323", "0.5", "\"soon\"", "true", "176974932312345678901", "1e400"])
    func implausibleTimesLeaveTheTimeUnset(value: String) {
        let s = AppFormatTestKit.scan(parser, "{\"time\":" + value + "}")
        #expect(s.kind == .start)
        #expect(s.facts.timestamp.nanoseconds == 0)
    }

    @Test(arguments: [
        (#""level":"WARN""#, Level.warning),
        (#""severity":"ERROR""#, .error),
        (#""levelname":"CRITICAL""#, .critical),
        (#""log.level":"debug""#, .debug),
        (#""lvl":"trace""#, .trace),
        (#""@l":"Information""#, .info),
        (#""level":"Verbose""#, .trace),
        (#""level":" info ""#, .info),
        (#""level":30"#, .info),
        (#""level":60"#, .critical),
        (#""level":3"#, .error),
        (#""log":{"logger":"x","level":"warning"}"#, .warning),
        (#""level":"chatty""#, .unknown),
    ])
    func levels(member: String, level: Level) {
        let s = AppFormatTestKit.scan(parser, "{\"time\":\"2026-01-30T14:02:03Z\"," + member + "}")
        #expect(s.kind == .start)
        #expect(s.facts.level == level)
    }

    @Test(arguments: [
        (#"{"requestId":"a1","traceId":"t1"}"#, ["a1", "t1"], [IDKind.request, .trace]),
        (#"{"req_id":"a2"}"#, ["a2"], [.request]),
        (#"{"x_request_id":"a3"}"#, ["a3"], [.request]),
        (#"{"http.request_id":"a4"}"#, ["a4"], [.request]),
        (#"{"http":{"method":"GET","request_id":"a5"}}"#, ["a5"], [.request]),
        (#"{"trace.id":"t2"}"#, ["t2"], [.trace]),
        (#"{"trace":{"id":"t3"}}"#, ["t3"], [.trace]),
        (#"{"traceparent":"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"}"#, ["4bf92f3577b34da6a3ce929d0e0e4736"], [.trace]),
        (#"{"request_id":12345}"#, ["12345"], [.request]),
        (#"{"request_id":null,"trace_id":"-"}"#, [], []),
        (#"{"msg":"say \"rid=abc\" done"}"#, ["abc"], [.request]),
        (#"{"ctx":{"request_id":"nested-elsewhere"},"note":"request_id=in-other-field"}"#, [], []),
    ])
    func ids(line: String, ids: [String], kinds: [IDKind]) {
        let s = AppFormatTestKit.scan(parser, line)
        #expect(s.kind == .start)
        #expect(s.ids == ids)
        #expect(s.idKinds == kinds)
    }

    @Test func nestedValuesWithTrickyStringsAreSkipped() {
        let line = #"{"ctx":{"a":"}{\"","level":"debug","b":[["]"]]},"level":"error","time":"2026-01-30T14:02:03.123+09:00"}"#
        let s = AppFormatTestKit.scan(parser, line)
        #expect(s.facts.level == .error)
        #expect(s.facts.timestamp.nanoseconds == 1_769_749_323_123_000_000)
    }

    @Test func objectWithoutATimeKeepsThePreviousTime() {
        let entries = AppFormatTestKit.entries(
            parser, Self.structlogLine + "\n" + #"{"level":"warn","msg":"no time here"}"#)
        #expect(entries.map(\.facts.timestamp.nanoseconds) == [1_769_749_323_123_000_000, 1_769_749_323_123_000_000])
        #expect(entries.map(\.facts.level) == [.info, .warning])
    }

    @Test func truncatedObjectWithAMemberStillStarts() {
        let s = AppFormatTestKit.scan(parser, #"{"time":"2026-01-30T14:02:03.123+09:00","msg":"the writer was ki"#)
        #expect(s.kind == .start)
        #expect(s.facts.timestamp.nanoseconds == 1_769_749_323_123_000_000)
    }

    @Test func byteOrderMarkAndLeadingBlanks() {
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
        #expect(AppFormatTestKit.scan(parser, bom + Array(Self.structlogLine.utf8)).kind == .start)
        #expect(AppFormatTestKit.scan(parser, "   " + Self.structlogLine).kind == .start)
    }

    @Test(arguments: [
        "",
        "plain text",
        "{",
        "{\"time\":\"2026-01-30T14:0",
        "{not json}",
        "[1,2,3]",
        "  \"level\": \"info\",",
        "}",
        "2026-01-30 14:00:09,261 INFO     [2309] [app.api] [-] {\"a\":1}",
        "2026-01-30T14:02:03.123+09:00  INFO 49908 --- [api] [main] a.B : {\"json\":true}",
        "<34>Jan 30 14:02:03 host app[1]: {\"a\":1}",
    ])
    func continuationLines(line: String) {
        #expect(AppFormatTestKit.scan(parser, line).kind == .continuation)
    }

    @Test func annotateDecodesTopLevelKeys() {
        let line = #"{"a":"x\ny","n":1.5,"o":{ "k" : [1, 2] },"b":true,"z":null,"k\u00e9y":"v"}"#
        let fields = Array(line.utf8).withUnsafeBytes { parser.annotate($0) }
        #expect(
            fields == [
                Field("a", "x\ny"), Field("n", "1.5"), Field("o", #"{"k":[1,2]}"#), Field("b", "true"),
                Field("z", "null"), Field("kéy", "v"),
            ])
    }

    @Test func truncatedAndRandomInputDoNotCrash() {
        let samples = [
            Self.structlogLine, Self.nginxLine,
            #"{"ts":1.769749323123e9,"level":30,"log":{"level":"x"},"trace":{"id":"t"},"http":{"request_id":"r"}}"#,
            #"{"msg":"a\"b\\c\u00e9","traceparent":"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"}"#,
        ]
        #expect(AppFormatTestKit.feedHostileInputs(JSONLinesFormat(), samples: samples, seed: 3) > 3000)
    }
}
