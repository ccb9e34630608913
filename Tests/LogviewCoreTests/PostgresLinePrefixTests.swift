import Testing

@testable import LogviewCore

@Suite struct PostgresLinePrefixTests {
    /// Matches `line` against `prefix`: the values by field name, where the prefix ended, and
    /// whether it stopped at `%q`; nil if it does not match.
    func match(_ prefix: String, _ line: String, zone: ZoneRules = .utc)
        -> (values: [String: String], end: Int, cut: Bool)?
    {
        let compiled = PostgresLinePrefix(prefix)
        return Array(line.utf8).withUnsafeBytes { bytes in
            var fields = PostgresPrefixFields()
            guard let m = compiled.match(bytes, zone: zone, sink: &fields) else { return nil }
            var values: [String: String] = [:]
            for v in fields.values { values[v.escape.fieldName] = String(decoding: bytes.slice(v.range), as: UTF8.self) }
            return (values, m.end, m.sessionCut)
        }
    }

    @Test func debianDefault() throws {
        let m = try #require(match(PostgresLinePrefix.debianDefault, "2026-01-30 14:02:03.123 KST [50998] app@appdb LOG:  x"))
        #expect(m.values == ["timestamp": "2026-01-30 14:02:03.123 KST", "pid": "50998", "user": "app", "database": "appdb"])
        #expect(m.end == 46)
        #expect(m.cut == false)
    }

    @Test func sessionCutAtQ() throws {
        let m = try #require(match(PostgresLinePrefix.debianDefault, "2026-01-30 14:05:00.001 KST [812] LOG:  checkpoint starting: time"))
        #expect(m.values == ["timestamp": "2026-01-30 14:05:00.001 KST", "pid": "812"])
        #expect(m.end == 34)
        #expect(m.cut == true)
    }

    @Test func escapesPostgreSQLDoesNotKnowPrintNothing() throws {
        let m = try #require(match("%m %z[%p] %", "2026-01-30 14:02:03.123 KST [42] LOG:  x"))
        #expect(m.values["pid"] == "42")
        #expect(m.end == 33)
    }

    @Test func percentSignAndPadding() throws {
        let m = try #require(match("%%%5p%% %-6d|", "%   42% db    |LOG:  x"))
        #expect(m.values == ["pid": "42", "database": "db"])
        #expect(m.end == 15)
    }

    @Test func emptyPaddedValue() throws {
        let m = try #require(match("[%-6u]", "[      ]LOG:  x"))
        #expect(m.values["user"] == "")
        #expect(m.end == 8)
    }

    @Test func freeTextAtTheEndStopsAtTheSeverity() throws {
        let m = try #require(match("%m %a", "2026-01-30 14:02:03.123 KST my app: with colon LOG:  x"))
        #expect(m.values["application"] == "my app: with colon ")
        #expect(m.end == 47)
    }

    @Test func triesLaterSplitsWhenTheRestDoesNotFit() throws {
        // The first spaces are inside the application name: the pid after it does not fit there.
        let m = try #require(match("%m %a %p ", "2026-01-30 14:02:03.123 KST PostgreSQL JDBC Driver 4242 LOG:  x"))
        #expect(m.values["application"] == "PostgreSQL JDBC Driver")
        #expect(m.values["pid"] == "4242")
    }

    @Test func freeTextMayHoldTheSeparatorsOfOtherValues() throws {
        // The user ends at the first `@`; the database, at the space before the severity word.
        let m = try #require(match("%u@%d ", "a@b@c LOG:  x"))
        #expect(m.values["user"] == "a")
        #expect(m.values["database"] == "b@c")
        let n = try #require(match("%u@%d ", "a b@c LOG:  x"))
        #expect(n.values["user"] == "a b")
        #expect(n.values["database"] == "c")
    }

    @Test func lenientWhenNoSeverityFollows() throws {
        let m = try #require(match(PostgresLinePrefix.debianDefault, "2026-01-30 14:02:03.123 KST [7] app@appdb FEHLER:  x"))
        #expect(m.values["database"] == "appdb")
        #expect(m.end == 42)
    }

    @Test(arguments: [
        "", "2026-01-30 14:02:03.123", "2026-01-30T14:02:03.123 KST [7] a@b LOG:  x", "2026-13-30 14:02:03.123 KST [7] a@b LOG:  x",
        "2026-01-30 14:02:03.123 KST [x] a@b LOG:  x", "2026-01-30 14:02:03.123 KST 7 a@b LOG:  x",
    ])
    func nonMatchingLines(line: String) {
        #expect(match(PostgresLinePrefix.debianDefault, line) == nil)
    }

    @Test func compiledShape() {
        let p = PostgresLinePrefix("%t [%p]: [%l-1] ")
        #expect(p.format == "%t [%p]: [%l-1] ")
        #expect(p.hasTime)
        #expect(p.startsWithTime)
        #expect(PostgresLinePrefix("[%p] %m ").hasTime)
        #expect(!PostgresLinePrefix("[%p] %m ").startsWithTime)
        #expect(!PostgresLinePrefix("%u@%d ").hasTime)
    }

    @Test func everyEscapeLetterIsKnown() {
        let letters = PostgresLinePrefix.Escape.allCases.map(\.letter)
        #expect(String(letters) == "audrhbpPtmniecls" + "vxQ")
    }

    @Test(arguments: [
        ("2026-01-30 14:02:03.123 KST,", Int64(1_769_749_323_123_000_000), TimePrecision.milliseconds, 27),
        ("2026-01-30 14:02:03 KST [", 1_769_749_323_000_000_000, .seconds, 23),
        ("2026-01-30 05:02:03.123 UTC", 1_769_749_323_123_000_000, .milliseconds, 27),
        ("2026-01-30 06:02:03.123 CET", 1_769_749_323_123_000_000, .milliseconds, 27),
        ("2026-01-30 00:02:03.123 -05 [", 1_769_749_323_123_000_000, .milliseconds, 27),
        ("2026-01-30 10:32:03.123 +0530", 1_769_749_323_123_000_000, .milliseconds, 29),
        ("2026-01-30 05:02:03.123 QQQ", 1_769_749_323_123_000_000, .milliseconds, 27),  // unknown: read in UTC
    ])
    func readsTimestamps(text: String, nanoseconds: Int64, precision: TimePrecision, end: Int) throws {
        let parsed = try #require(Array(text.utf8).withUnsafeBytes { PostgresLinePrefix.readTimestamp($0, at: 0, zone: .utc) })
        #expect(parsed.timestamp.nanoseconds == nanoseconds)
        #expect(parsed.precision == precision)
        #expect(parsed.end == end)
    }
}
