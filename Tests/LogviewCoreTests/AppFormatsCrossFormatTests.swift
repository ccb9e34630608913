import LogviewCore
import Testing

/// The detector picks the format with the most `.start` lines over a sample, so each format must
/// refuse the others' lines; the generic fallback accepts any of them.
@Suite struct AppFormatsCrossFormatTests {
    static let samples: [(format: String, lines: [String])] = [
        (
            "spring-boot",
            [
                SpringBootFormatTests.fileLine, SpringBootFormatTests.placeholderLine,
                SpringBootFormatTests.scheduledLine, SpringBootFormatTests.utcConsoleLine,
                SpringBootFormatTests.boot2Line, SpringBootFormatTests.errorLine,
            ]
        ),
        (
            "python",
            [
                PythonLoggingFormatTests.chatLine, PythonLoggingFormatTests.healthLine,
                "2026-01-30 14:00:09,261 - app.api - WARNING - disk low",
                "2026-01-30 14:00:10,671 INFO: 10.0.1.10:57311 - \"POST /v1/chat HTTP/1.1\" 200",
                "[2026-01-30 14:00:09 +0900] [2309] [INFO] Booting worker with pid: 2309",
            ]
        ),
        (
            "json",
            [
                JSONLinesFormatTests.structlogLine, JSONLinesFormatTests.nginxLine,
                #"{"level":30,"time":1769749323123,"pid":1,"hostname":"h","msg":"hi"}"#,
            ]
        ),
        (
            "syslog",
            [
                SyslogFormatTests.authLine, SyslogFormatTests.highPrecisionLine, SyslogFormatTests.rfc5424Line,
                "<34>Jan 30 14:02:03 mymachine su: 'su root' failed for lonvick on /dev/pts/8",
            ]
        ),
    ]

    static let formats: [any LogFormat] = [SpringBootFormat(), PythonLoggingFormat(), JSONLinesFormat(), SyslogFormat()]

    @Test(arguments: formats.map(\.name))
    func eachFormatAcceptsOnlyItsOwnLines(formatName: String) throws {
        let format = try #require(Self.formats.first { $0.name == formatName })
        let parser = AppFormatTestKit.parser(
            format, FormatOptions(zone: ZoneRules(fixedOffset: 9 * 3600), referenceTime: SyslogFormatTests.february))
        for (owner, lines) in Self.samples {
            for line in lines {
                let kind = AppFormatTestKit.scan(parser, line).kind
                #expect(kind == (owner == formatName ? .start : .continuation), "\(formatName) on \(owner): \(line)")
            }
        }
    }

    /// Every line with a textual time; an epoch number counts only at the start of a line, so the
    /// pino line (epoch inside JSON) is the one exception.
    @Test func genericAcceptsEveryoneElsesLines() {
        let parser = AppFormatTestKit.parser(
            GenericFormat(), FormatOptions(zone: ZoneRules(fixedOffset: 9 * 3600), referenceTime: SyslogFormatTests.february))
        var accepted = 0
        for (_, lines) in Self.samples {
            for line in lines {
                let isPino = line.hasPrefix(#"{"level":30"#)
                let kind = AppFormatTestKit.scan(parser, line).kind
                #expect(kind == (isPino ? .continuation : .start), "\(line)")
                if kind == .start { accepted += 1 }
            }
        }
        #expect(accepted == 17)
    }

    @Test func formatNamesAndSources() {
        let formats: [any LogFormat] = Self.formats + [GenericFormat()]
        #expect(formats.map(\.name) == ["spring-boot", "python", "json", "syslog", "generic"])
        #expect(formats.map(\.defaultSourceName) == ["backend", "app", "app", "syslog", "log"])
    }
}
