import LogviewCore
import Testing

@Suite struct GenericFormatTests {
    static let kst = ZoneRules(fixedOffset: 9 * 3600)
    static let february = Timestamp(nanoseconds: 1_769_871_600_000_000_000)  // 2026-02-01T00:00:00+09:00
    let parser = AppFormatTestKit.parser(GenericFormat(), FormatOptions(zone: kst, referenceTime: february))

    @Test(arguments: [
        // line, timestamp, precision, level, messageStart
        ("2026-01-30T14:02:03.123+09:00 something ERROR happened", Int64(1_769_749_323_123_000_000),
         TimePrecision.milliseconds, Level.error, 30),
        ("2026-01-30 14:02:03,123 [main] WARN  c.e.Foo - logback default", 1_769_749_323_123_000_000,
         .milliseconds, .warning, 24),
        ("2026-01-30 14:02:03.123 KST [812] LOG:  checkpoint starting: time", 1_769_749_323_123_000_000,
         .milliseconds, .info, 28),
        ("2026-01-30T05:02:03.123456789Z level=debug msg=x", 1_769_749_323_123_456_789, .nanoseconds, .debug, 31),
        ("2026/01/30 14:02:03 [error] 1234#1234: *5 connect() failed (111: Connection refused)",
         1_769_749_323_000_000_000, .seconds, .error, 20),
        ("[30/Jan/2026:14:02:03 +0900] bracketed CLF time", 1_769_749_323_000_000_000, .seconds, .unknown, 29),
        ("203.0.113.5 - - [30/Jan/2026:14:02:03 +0900] \"GET /x HTTP/1.1\" 200 512", 1_769_749_323_000_000_000,
         .seconds, .unknown, 0),
        ("30-Jan-2026 14:02:03.123 INFO [main] org.apache.catalina.startup.Catalina.start Server startup",
         1_769_749_323_123_000_000, .milliseconds, .info, 25),
        ("Jan 30 14:02:03 app-01 sshd[1234]: Failed password", 1_769_749_323_000_000_000, .seconds, .unknown, 16),
        ("[Fri Jan 30 14:02:03.123456 2026] [core:error] [pid 1234] AH00037: Symbolic link not allowed",
         1_769_749_323_123_456_000, .microseconds, .error, 0),
        ("1769749323 host up", 1_769_749_323_000_000_000, .seconds, .unknown, 11),
        ("1769749323.123 warn: late", 1_769_749_323_123_000_000, .milliseconds, .warning, 15),
        ("1769749323123 CRITICAL disk", 1_769_749_323_123_000_000, .milliseconds, .critical, 14),
        ("host=app-01 time=2026-01-30T14:02:03Z msg=hi", 1_769_781_723_000_000_000, .seconds, .unknown, 0),
    ])
    func recognisedStarts(line: String, nanoseconds: Int64, precision: TimePrecision, level: Level, messageStart: Int) {
        let s = AppFormatTestKit.scan(parser, line)
        #expect(s.kind == .start)
        #expect(s.facts.timestamp.nanoseconds == nanoseconds)
        #expect(s.facts.precision == precision)
        #expect(s.facts.level == level)
        #expect(s.facts.messageStart == messageStart)
    }

    @Test(arguments: [
        "",
        "\tat com.example.Foo.bar(Foo.java:10)",
        "no timestamp here at all",
        "12:30 lunch",
        "12345 lines processed",
        "1769749323x glued",
        "17697493231 eleven digits",
        "0000000001 too early",
        "2026-13-30 14:02:03 bad month",
        "2026-01-30 25:02:03 bad hour",
        "Jab 30 14:02:03 bad month name",
        "                                                                  2026-01-30T14:02:03Z too far in",
    ])
    func continuationLines(line: String) {
        #expect(AppFormatTestKit.scan(parser, line).kind == .continuation)
    }

    @Test func idsAnywhereInTheLine() {
        let line = "203.0.113.5 - - [30/Jan/2026:14:02:03 +0900] \"GET /x HTTP/1.1\" 200 512 rid=ec36f0 rt=0.010"
        let s = AppFormatTestKit.scan(parser, line)
        #expect(s.ids == ["ec36f0"])
        #expect(
            AppFormatTestKit.annotate(parser, "2026-01-30T14:02:03Z ERROR failed request_id=r1 trace_id=t1") == [
                "level": "error", "requestId": "r1", "traceId": "t1", "message": "ERROR failed request_id=r1 trace_id=t1",
            ])
    }

    @Test func nulRunPrefix() {
        let s = AppFormatTestKit.scan(parser, [UInt8](repeating: 0, count: 4096) + Array("2026-01-30T14:02:03Z up".utf8))
        #expect(s.kind == .start)
        #expect(s.facts.timestamp.nanoseconds == 1_769_781_723_000_000_000)
        #expect(s.facts.messageStart == 4096 + 21)
    }

    @Test func levelWordOnlyWithinTheWindow() {
        let padding = String(repeating: "x ", count: 45)
        let s = AppFormatTestKit.scan(parser, "2026-01-30T14:02:03Z " + padding + "ERROR")
        #expect(s.kind == .start)
        #expect(s.facts.level == .unknown)
    }

    @Test func multiLineEntries() {
        let text = "2026-01-30T14:02:03Z ERROR boom\n  detail one\n  detail two\n2026-01-30T14:02:04Z INFO ok"
        let entries = AppFormatTestKit.entries(parser, text)
        #expect(entries.map(\.lineCount) == [3, 1])
        #expect(entries.map(\.facts.level) == [.error, .info])
    }

    @Test func truncatedAndRandomInputDoNotCrash() {
        let samples = [
            "2026-01-30T14:02:03.123+09:00 something ERROR happened", "2026/01/30 14:02:03 [error] 1: x",
            "[30/Jan/2026:14:02:03 +0900] x", "30-Jan-2026 14:02:03.123 INFO x", "Jan  5 14:02:03 h a: m",
            "[Fri Jan 30 14:02:03.123456 2026] x", "1769749323.123 x", "1769749323123 x",
            "2026-01-30 14:02:03.123 KST x",
        ]
        #expect(AppFormatTestKit.feedHostileInputs(GenericFormat(), samples: samples, seed: 5) > 3000)
    }
}
