import LogviewCore
import Testing

@Suite struct SyslogFormatTests {
    static let kst = ZoneRules(fixedOffset: 9 * 3600)
    /// 2026-02-01T00:00:00+09:00, e.g. the file's mtime.
    static let february = Timestamp(nanoseconds: 1_769_871_600_000_000_000)
    let parser = AppFormatTestKit.parser(SyslogFormat(), FormatOptions(zone: kst, referenceTime: february))

    static let authLine =
        "Jan 30 14:02:03 app-01 sshd[1234]: Failed password for invalid user admin from 203.0.113.5 port 51234 ssh2"
    static let highPrecisionLine =
        "2026-01-30T14:02:03.123456+09:00 app-01 sshd[1234]: Accepted password for deploy from 192.0.2.201 port 50000 ssh2"
    static let rfc5424Line =
        #"<165>1 2026-01-30T14:02:03.003Z mymachine.example.com evntslog 1234 ID47 [exampleSDID@32473 iut="3" eventSource="Application" eventID="1011"] An application event"#

    @Test func authLogFailedPassword() {
        let s = AppFormatTestKit.scan(parser, Self.authLine)
        #expect(s.kind == .start)
        #expect(s.facts.timestamp.nanoseconds == 1_769_749_323_000_000_000)
        #expect(s.facts.precision == .seconds)
        #expect(s.facts.level == .unknown)
        #expect(s.facts.session == 1234)
        #expect(s.facts.messageStart == 16)
        #expect(
            AppFormatTestKit.annotate(parser, Self.authLine) == [
                "host": "app-01", "app": "sshd", "pid": "1234",
                "message": "Failed password for invalid user admin from 203.0.113.5 port 51234 ssh2",
            ])
    }

    @Test func priorityGivesLevelAndFacility() {
        let line = "<34>Jan 30 14:02:03 mymachine su: 'su root' failed for lonvick on /dev/pts/8"
        let s = AppFormatTestKit.scan(parser, line)
        #expect(s.kind == .start)
        #expect(s.facts.level == .critical)
        #expect(s.facts.timestamp.nanoseconds == 1_769_749_323_000_000_000)
        #expect(s.facts.session == 0)
        #expect(
            AppFormatTestKit.annotate(parser, line) == [
                "host": "mymachine", "app": "su", "facility": "auth", "severity": "crit",
                "message": "'su root' failed for lonvick on /dev/pts/8",
            ])
    }

    @Test func rsyslogHighPrecision() {
        let s = AppFormatTestKit.scan(parser, Self.highPrecisionLine)
        #expect(s.kind == .start)
        #expect(s.facts.timestamp.nanoseconds == 1_769_749_323_123_456_000)
        #expect(s.facts.precision == .microseconds)
        #expect(s.facts.session == 1234)
        #expect(s.facts.messageStart == 33)
        #expect(AppFormatTestKit.annotate(parser, Self.highPrecisionLine)["host"] == "app-01")
    }

    @Test func rfc5424WithStructuredData() {
        let s = AppFormatTestKit.scan(parser, Self.rfc5424Line)
        #expect(s.kind == .start)
        #expect(s.facts.timestamp.nanoseconds == 1_769_781_723_003_000_000)
        #expect(s.facts.precision == .milliseconds)
        #expect(s.facts.level == .notice)
        #expect(s.facts.session == 1234)
        #expect(
            AppFormatTestKit.annotate(parser, Self.rfc5424Line) == [
                "host": "mymachine.example.com", "app": "evntslog", "pid": "1234", "facility": "local4",
                "severity": "notice", "msgid": "ID47",
                "structuredData": #"[exampleSDID@32473 iut="3" eventSource="Application" eventID="1011"]"#,
                "message": "An application event",
            ])
    }

    @Test func rfc5424NilFieldsEscapesAndBOM() {
        let line = "<11>1 2026-01-30T14:02:03Z - - - - [a k=\"x\\]y\\\"z\"][b n=\"1\"] \u{FEFF}hello request_id=q1"
        let s = AppFormatTestKit.scan(parser, line)
        #expect(s.kind == .start)
        #expect(s.facts.level == .error)
        #expect(s.ids == ["q1"])
        #expect(
            AppFormatTestKit.annotate(parser, line) == [
                "facility": "user", "severity": "error", "structuredData": "[a k=\"x\\]y\\\"z\"][b n=\"1\"]",
                "message": "hello request_id=q1",
            ])
    }

    @Test func rfc5424NilTimeKeepsThePreviousTime() {
        let entries = AppFormatTestKit.entries(parser, Self.rfc5424Line + "\n<14>1 - host app - - - no clock")
        #expect(entries.map(\.facts.timestamp.nanoseconds) == [1_769_781_723_003_000_000, 1_769_781_723_003_000_000])
        #expect(entries.map(\.facts.level) == [.notice, .info])
    }

    @Test(arguments: [
        // reference, line, expected: the year is the latest that is at most a day after the reference.
        (Int64(1_767_193_200_000_000_000), "Dec 31 23:59:59 h a: m", Int64(1_767_193_199_000_000_000)),
        (1_767_189_600_000_000_000, "Jan  1 00:00:01 h a: m", 1_767_193_201_000_000_000),
        (1_769_871_600_000_000_000, "Jan  5 14:02:03 h a: m", 1_767_589_323_000_000_000),
        (1_769_871_600_000_000_000, "Dec 31 23:59:59 h a: m", 1_767_193_199_000_000_000),
        (1_798_729_199_000_000_000, "Dec 31 23:59:59 h a: m", 1_798_729_199_000_000_000),
    ])
    func yearFromReference(reference: Int64, line: String, expected: Int64) {
        let p = AppFormatTestKit.parser(
            SyslogFormat(), FormatOptions(zone: Self.kst, referenceTime: Timestamp(nanoseconds: reference)))
        let s = AppFormatTestKit.scan(p, line)
        #expect(s.kind == .start)
        #expect(s.facts.timestamp.nanoseconds == expected)
    }

    @Test func leapDayLooksBackToALeapYear() {
        let p = AppFormatTestKit.parser(
            SyslogFormat(), FormatOptions(zone: .utc, referenceTime: Timestamp(nanoseconds: 1_772_323_200_000_000_000)))
        #expect(AppFormatTestKit.scan(p, "Feb 29 12:00:00 h a: m").facts.timestamp.nanoseconds == 1_709_208_000_000_000_000)
    }

    @Test(arguments: [
        ("Jan 30 14:02:03 app-01 app[1]: ERROR something broke", Level.error),
        ("Jan 30 14:02:03 app-01 app[1]: warning: disk low", .warning),
        ("Jan 30 14:02:03 app-01 app[1]: <info> started", .info),
        ("Jan 30 14:02:03 app-01 app[1]: [DEBUG] tick", .debug),
        ("Jan 30 14:02:03 app-01 app[1]: Failed password", .unknown),
        ("<14>Jan 30 14:02:03 app-01 app[1]: ERROR priority wins", .info),
    ])
    func levelWordWithoutPriority(line: String, level: Level) {
        let s = AppFormatTestKit.scan(parser, line)
        #expect(s.kind == .start)
        #expect(s.facts.level == level)
    }

    @Test func kernelAndCronTags() {
        let kernel = "Jan 30 14:02:03 app-01 kernel: [259200.123456] wireguard: wg0: Handshake for peer 1 did not complete"
        #expect(AppFormatTestKit.scan(parser, kernel).facts.session == 0)
        #expect(AppFormatTestKit.annotate(parser, kernel)["app"] == "kernel")
        let cron = "Jan 30 14:05:01 app-01 CRON[2001]: (root) CMD (command -v debian-sa1 > /dev/null && debian-sa1 1 1)"
        let s = AppFormatTestKit.scan(parser, cron)
        #expect(s.facts.timestamp.nanoseconds == 1_769_749_501_000_000_000)
        #expect(s.facts.session == 2001)
        #expect(AppFormatTestKit.annotate(parser, cron)["message"] == "(root) CMD (command -v debian-sa1 > /dev/null && debian-sa1 1 1)")
    }

    @Test func idsInTheMessage() {
        let s = AppFormatTestKit.scan(parser, "Jan 30 14:02:03 app-01 api[7]: done request_id=abc123 traceId=t1")
        #expect(s.ids == ["abc123", "t1"])
        #expect(s.idKinds == [.request, .trace])
    }

    @Test(arguments: [
        "",
        "   continued text",
        "Jan 30 14:02 short",
        "Jab 30 14:02:03 host app: bad month",
        "<999>Jan 30 14:02:03 host app: bad priority",
        "2026-01-30T14:02:03.123+09:00  INFO 49908 --- [api] [main] a.B : spring",
        "2026-01-30T14:02:03.123+09:00 ERROR 49908 --- [api] [main] a.B : spring error",
        "2026-01-30 14:00:09,261 INFO     [2309] [app.api] [-] python",
        "2026-01-30T14:02:03 host app[1]: no zone",
        "2026-01-30T14:02:03.123456+09:00 app-01 no tag here",
        "{\"time\":\"2026-01-30T14:02:03Z\",\"msg\":\"json\"}",
        "2026/01/30 14:02:03 [error] 1234#1234: *5 connect() failed",
    ])
    func continuationLines(line: String) {
        #expect(AppFormatTestKit.scan(parser, line).kind == .continuation)
    }

    @Test func truncatedAndRandomInputDoNotCrash() {
        let samples = [
            Self.authLine, Self.highPrecisionLine, Self.rfc5424Line, "<34>Jan  5 14:02:03 h su: x",
            "<11>1 - - - - - [a k=\"x\\]y\"] \u{FEFF}m",
        ]
        #expect(AppFormatTestKit.feedHostileInputs(SyslogFormat(), samples: samples, seed: 4) > 3000)
    }
}
