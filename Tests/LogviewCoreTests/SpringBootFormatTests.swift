import Foundation
import LogviewCore
import Testing

@Suite struct SpringBootFormatTests {
    static let kst = ZoneRules(fixedOffset: 9 * 3600)
    let parser = AppFormatTestKit.parser(SpringBootFormat(), FormatOptions(zone: SpringBootFormatTests.kst))

    /// Spring Boot 3.4 file pattern with app name, Micrometer correlation and a requestId MDC group.
    static let fileLine =
        "2026-01-30T14:02:03.123+09:00  INFO 49908 --- [api] [http-nio-8080-exec-1] "
        + "[4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7] [requestId=0a1b2c3d4e5f60718293a4b5c6d7e8f9] "
        + "c.e.s.a.web.controller.UserController   : Fetching user 42"
    /// No trace active (startup): the fixed-width blank placeholder, and an empty MDC value.
    static let placeholderLine =
        "2026-01-30T14:29:21.644+09:00  INFO 53882 --- [api] [main] [" + String(repeating: " ", count: 49)
        + "] [requestId=] com.example.shop.api.ShopApiApplication  : Starting ShopApiApplication v1.4.2"
    /// The scheduled job: a trace but no request.
    static let scheduledLine =
        "2026-01-30T14:00:09.765+09:00  INFO 49908 --- [api] [scheduling-1] "
        + "[ea38aa2d2d0e54181a3ff351bcb0d880-1e3a58bce4368e30] [requestId=] "
        + "c.e.shop.api.jobs.ProductCacheWarmer     : Refreshing product cache (top 500 by popularity)"
    /// Boot 3.0/3.1 console in a container with TZ=UTC: no app name, no correlation.
    static let utcConsoleLine =
        "2026-01-30T14:02:03.123Z  INFO 49908 --- [           main] c.e.s.ShopApiApplication                 "
        + ": Started ShopApiApplication in 4.2 seconds"
    /// Boot 2.x: naive time, console thread abbreviation.
    static let boot2Line =
        "2026-01-30 14:02:03.123  INFO 49908 --- [nio-8080-exec-1] c.e.Foo                                  : msg"
    static let errorLine =
        "2026-01-30T14:06:17.297+09:00 ERROR 49908 --- [api] [http-nio-8080-exec-2] "
        + "[6f80b5f3777c269488e1e24216380e1a-3736b7009636032e] [requestId=8e6a504aa48b71538c4a81eb592bbf79] "
        + "o.h.engine.jdbc.spi.SqlExceptionHelper   : ERROR: duplicate key value violates unique constraint "
        + "\"orders_idempotency_key_key\""

    @Test func fileLineWithCorrelation() {
        let s = AppFormatTestKit.scan(parser, Self.fileLine)
        #expect(s.kind == .start)
        #expect(s.facts.timestamp.nanoseconds == 1_769_749_323_123_000_000)
        #expect(s.facts.precision == .milliseconds)
        #expect(s.facts.level == .info)
        #expect(s.facts.messageStart == 31)
        #expect(s.ids == ["4bf92f3577b34da6a3ce929d0e0e4736", "0a1b2c3d4e5f60718293a4b5c6d7e8f9"])
        #expect(s.idKinds == [.trace, .request])
    }

    @Test func annotateFileLine() {
        #expect(
            AppFormatTestKit.annotate(parser, Self.fileLine) == [
                "pid": "49908", "thread": "http-nio-8080-exec-1", "app": "api",
                "logger": "c.e.s.a.web.controller.UserController", "traceId": "4bf92f3577b34da6a3ce929d0e0e4736",
                "spanId": "00f067aa0ba902b7", "requestId": "0a1b2c3d4e5f60718293a4b5c6d7e8f9",
                "message": "Fetching user 42",
            ])
    }

    @Test func blankPlaceholderAndEmptyRequestIDGiveNoIDs() {
        let s = AppFormatTestKit.scan(parser, Self.placeholderLine)
        #expect(s.kind == .start)
        #expect(s.facts.timestamp.nanoseconds == 1_769_750_961_644_000_000)
        #expect(s.ids == [])
        #expect(
            AppFormatTestKit.annotate(parser, Self.placeholderLine) == [
                "pid": "53882", "thread": "main", "app": "api", "logger": "com.example.shop.api.ShopApiApplication",
                "message": "Starting ShopApiApplication v1.4.2",
            ])
    }

    @Test func scheduledJobHasTraceButNoRequest() {
        let s = AppFormatTestKit.scan(parser, Self.scheduledLine)
        #expect(s.kind == .start)
        #expect(s.facts.timestamp.nanoseconds == 1_769_749_209_765_000_000)
        #expect(s.ids == ["ea38aa2d2d0e54181a3ff351bcb0d880"])
        #expect(s.idKinds == [.trace])
    }

    @Test func utcConsoleWithoutAppOrCorrelation() {
        let s = AppFormatTestKit.scan(parser, Self.utcConsoleLine)
        #expect(s.kind == .start)
        #expect(s.facts.timestamp.nanoseconds == 1_769_781_723_123_000_000)
        #expect(s.facts.messageStart == 26)
        #expect(s.ids == [])
        #expect(
            AppFormatTestKit.annotate(parser, Self.utcConsoleLine) == [
                "pid": "49908", "thread": "main", "logger": "c.e.s.ShopApiApplication",
                "message": "Started ShopApiApplication in 4.2 seconds",
            ])
    }

    @Test func boot2NaiveTimeUsesTheSourceZone() throws {
        let fixed = AppFormatTestKit.scan(parser, Self.boot2Line)
        #expect(fixed.kind == .start)
        #expect(fixed.facts.timestamp.nanoseconds == 1_769_749_323_123_000_000)
        #expect(fixed.facts.messageStart == 25)
        let utc = AppFormatTestKit.scan(AppFormatTestKit.parser(SpringBootFormat()), Self.boot2Line)
        #expect(utc.facts.timestamp.nanoseconds == 1_769_781_723_123_000_000)
        let bytes = try #require(FileManager.default.contents(atPath: "/usr/share/zoneinfo/Asia/Seoul"))
        let seoul = try ZoneRules(tzif: [UInt8](bytes), name: "Asia/Seoul")
        let tz = AppFormatTestKit.scan(AppFormatTestKit.parser(SpringBootFormat(), FormatOptions(zone: seoul)), Self.boot2Line)
        #expect(tz.facts.timestamp.nanoseconds == 1_769_749_323_123_000_000)
        #expect(
            AppFormatTestKit.annotate(parser, Self.boot2Line) == [
                "pid": "49908", "thread": "nio-8080-exec-1", "logger": "c.e.Foo", "message": "msg",
            ])
    }

    @Test(arguments: [
        ("2026-01-30T14:02:03.123+09:00 TRACE 1 --- [main] a.B : m", Level.trace),
        ("2026-01-30T14:02:03.123+09:00 DEBUG 1 --- [main] a.B : m", .debug),
        ("2026-01-30T14:02:03.123+09:00  INFO 1 --- [main] a.B : m", .info),
        ("2026-01-30T14:02:03.123+09:00  WARN 1 --- [main] a.B : m", .warning),
        ("2026-01-30T14:02:03.123+09:00 ERROR 1 --- [main] a.B : m", .error),
        ("2026-01-30T14:02:03.123+09:00 FATAL 1 --- [main] a.B : m", .critical),
    ])
    func levels(line: String, level: Level) {
        let s = AppFormatTestKit.scan(parser, line)
        #expect(s.kind == .start)
        #expect(s.facts.level == level)
    }

    @Test(arguments: [
        ("2026-01-30T14:02:03.123-05:00  INFO 1 --- [main] a.B : m", Int64(1_769_799_723_123_000_000)),
        ("2026-01-30T14:02:03.123Z  INFO 1 --- [main] a.B : m", 1_769_781_723_123_000_000),
        ("2026-01-30T14:02:03.123456+09:00  INFO 1 --- [main] a.B : m", 1_769_749_323_123_456_000),
        ("2026-01-30 14:02:03,123  INFO 1 --- [main] a.B : m", 1_769_749_323_123_000_000),
    ])
    func timeVariants(line: String, nanoseconds: Int64) {
        let s = AppFormatTestKit.scan(parser, line)
        #expect(s.kind == .start)
        #expect(s.facts.timestamp.nanoseconds == nanoseconds)
    }

    @Test func missingPidIsAccepted() {
        let line = "2026-01-30T14:02:03.123+09:00  INFO   --- [main] a.B : no pid property"
        #expect(AppFormatTestKit.scan(parser, line).kind == .start)
        #expect(AppFormatTestKit.annotate(parser, line)["message"] == "no pid property")
    }

    @Test func sixteenHexTraceIDCounts() {
        let line = "2026-01-30T14:02:03.123+09:00  INFO 1 --- [main] [a3ce929d0e0e4736-00f067aa0ba902b7] a.B : m"
        #expect(AppFormatTestKit.scan(parser, line).ids == ["a3ce929d0e0e4736"])
    }

    @Test func nonHexCorrelationIsNoTrace() {
        let line = "2026-01-30T14:02:03.123+09:00  INFO 1 --- [api] [main] [xyz92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7] a.B : m"
        #expect(AppFormatTestKit.scan(parser, line).ids == [])
    }

    @Test func mdcValuesAnywhereInTheLine() {
        let line = "2026-01-30T14:02:03.123+09:00  INFO 1 --- [main] a.B : handled traceId=abc123 requestId=r-1"
        let s = AppFormatTestKit.scan(parser, line)
        #expect(s.ids == ["abc123", "r-1"])
        #expect(s.idKinds == [.trace, .request])
    }

    @Test func correlationAndMDCTraceOfTheSameValueCountOnce() {
        let line =
            "2026-01-30T14:02:03.123+09:00  INFO 1 --- [main] [4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7] "
            + "a.B : traceId=4bf92f3577b34da6a3ce929d0e0e4736"
        #expect(AppFormatTestKit.scan(parser, line).ids == ["4bf92f3577b34da6a3ce929d0e0e4736"])
    }

    @Test func nulRunBeforeTheTimestamp() {
        let bytes = [UInt8](repeating: 0, count: 4096) + Array(Self.fileLine.utf8)
        let s = AppFormatTestKit.scan(parser, bytes)
        #expect(s.kind == .start)
        #expect(s.facts.timestamp.nanoseconds == 1_769_749_323_123_000_000)
        #expect(s.facts.messageStart == 4096 + 31)
        #expect(s.ids == ["4bf92f3577b34da6a3ce929d0e0e4736", "0a1b2c3d4e5f60718293a4b5c6d7e8f9"])
        let fields = bytes.withUnsafeBytes { parser.annotate($0) }
        #expect(fields.first { $0.name == "message" }?.value == "Fetching user 42")
    }

    /// `%wEx`: message line, empty line, the trace with a cause, empty line: one 60-line entry.
    @Test func stackTraceFoldsIntoOneEntry() {
        var lines = [
            "2026-01-30T14:25:05.101+09:00 ERROR 49908 --- [api] [http-nio-8080-exec-7] "
                + "[0c1d2e3f405162738495a6b7c8d9eaf0-1a2b3c4d5e6f7081] [requestId=9f8e7d6c5b4a39281706f5e4d3c2b1a0] "
                + "o.a.c.c.C.[.[.[/].[dispatcherServlet]    : Servlet.service() for servlet [dispatcherServlet] threw exception",
            "",
            "java.sql.SQLTransientConnectionException: HikariPool-1 - Connection is not available, request timed out after 30000ms (total=10, active=10, idle=0, waiting=12)",
        ]
        for k in 0..<50 {
            lines.append("\tat com.zaxxer.hikari.pool.HikariPool.getConnection(HikariPool.java:\(100 + k)) ~[HikariCP-5.0.1.jar!/:na]")
        }
        lines.append("Caused by: org.postgresql.util.PSQLException: FATAL: sorry, too many clients already")
        for k in 0..<4 {
            lines.append("\tat org.postgresql.core.v3.ConnectionFactoryImpl.doAuthentication(ConnectionFactoryImpl.java:\(600 + k)) ~[postgresql-42.6.0.jar!/:42.6.0]")
        }
        lines.append("\t... 42 common frames omitted")
        lines.append("")
        lines.append(Self.fileLine)
        let entries = AppFormatTestKit.entries(parser, lines.map { Array($0.utf8) })
        #expect(entries.map(\.lineCount) == [60, 1])
        #expect(entries.map(\.firstLine) == [0, 60])
        #expect(entries[0].facts.level == .error)
        #expect(entries[0].facts.timestamp.nanoseconds == 1_769_750_705_101_000_000)
        #expect(entries[0].ids == ["0c1d2e3f405162738495a6b7c8d9eaf0", "9f8e7d6c5b4a39281706f5e4d3c2b1a0"])
    }

    @Test func hibernateTwoLineMessage() {
        let text = Self.errorLine + "\n  Detail: Key (idempotency_key)=(2d64bb65-fb6d-4f9d-bf40-a9d178ab2c92) already exists.\n"
            + Self.fileLine
        let entries = AppFormatTestKit.entries(parser, text)
        #expect(entries.map(\.lineCount) == [2, 1])
        #expect(entries[0].facts.level == .error)
        #expect(entries[0].facts.timestamp.nanoseconds == 1_769_749_577_297_000_000)
        #expect(entries[0].ids == ["6f80b5f3777c269488e1e24216380e1a", "8e6a504aa48b71538c4a81eb592bbf79"])
    }

    @Test(arguments: [
        "",
        "\tat com.example.Foo.bar(Foo.java:10) ~[classes!/:na]",
        "\t... 12 common frames omitted",
        "Caused by: java.lang.IllegalStateException: boom",
        "java.lang.NullPointerException: Cannot invoke \"String.length()\" because \"s\" is null",
        "  Detail: Key (id)=(1) already exists.",
        "2026-01-30T14:02:03.123+09:00 plain text after a time",
        "2026-01-30T14:02:03.123+09:00  INFO 49908 [main] no dashes",
        "2026-01-30T14:02:03.123+09:00  INFO 49908 ---[main] glued dashes",
        "2026-01-30T14:02:03.123+09:00  BANANA 49908 --- [main] a.B : not a level",
        "2026-01-30 14:00:09,261 INFO     [2309] [app.api] [f04fd26d0a1b2c3d4e5f607182930a1b] chat request",
        "  .   ____          _            __ _ _",
    ])
    func continuationLines(line: String) {
        let s = AppFormatTestKit.scan(parser, line)
        #expect(s.kind == .continuation)
        #expect(s.ids == [])
    }

    @Test func truncatedAndRandomInputDoNotCrash() {
        let samples = [
            Self.fileLine, Self.placeholderLine, Self.scheduledLine, Self.utcConsoleLine, Self.boot2Line, Self.errorLine,
            "\t... 42 common frames omitted",
        ]
        #expect(AppFormatTestKit.feedHostileInputs(SpringBootFormat(), samples: samples, seed: 1) > 3000)
    }
}
