import Foundation
import LogviewCore
import Testing

@Suite struct CivilTimeTests {
    @Test(arguments: [
        (1970, 1, 1, Int64(0)), (2026, 1, 30, Int64(20483)), (2000, 2, 29, Int64(11016)),
        (1969, 12, 31, Int64(-1)), (2038, 1, 19, Int64(24855)),
    ])
    func daysFromCivil(y: Int, m: Int, d: Int, days: Int64) {
        #expect(CivilTime.daysFromCivil(year: y, month: m, day: d) == days)
        let back = CivilTime.civilFromDays(days)
        #expect(back.year == y && back.month == m && back.day == d)
    }

    @Test func roundTripsEveryDayOverTwoCenturies() {
        for days in Int64(-36_500)...Int64(73_000) {
            let c = CivilTime.civilFromDays(days)
            #expect(CivilTime.daysFromCivil(year: c.year, month: c.month, day: c.day) == days)
        }
    }

    @Test func validatesDates() {
        #expect(CivilTime.isValid(year: 2024, month: 2, day: 29, hour: 0, minute: 0, second: 0))
        #expect(!CivilTime.isValid(year: 2026, month: 2, day: 29, hour: 0, minute: 0, second: 0))
        #expect(!CivilTime.isValid(year: 2026, month: 13, day: 1, hour: 0, minute: 0, second: 0))
        #expect(!CivilTime.isValid(year: 2026, month: 1, day: 1, hour: 24, minute: 0, second: 0))
    }

    @Test func monthAbbreviations() {
        let months = ["Jan", "feb", "MAR", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        for (i, m) in months.enumerated() {
            let b = Array(m.utf8)
            #expect(CivilTime.month(abbreviation: b[0], b[1], b[2]) == i + 1)
        }
        #expect(CivilTime.month(abbreviation: 0x58, 0x59, 0x5A) == nil)
    }
}

@Suite struct ZoneRulesTests {
    func load(_ name: String) throws -> ZoneRules {
        let data = try Data(contentsOf: URL(fileURLWithPath: "/usr/share/zoneinfo/" + name))
        return try ZoneRules(tzif: Array(data), name: name)
    }

    @Test func seoulIsNineHoursAheadWithKST() throws {
        let z = try load("Asia/Seoul")
        #expect(z.offset(atUTC: 1_769_749_323) == 32400)
        #expect(z.offset(forLocal: 1_769_781_723) == 32400)
        let kst = Array("KST".utf8)
        #expect(kst.withUnsafeBytes { z.offset(ofAbbreviation: $0) } == 32400)
    }

    @Test func berlinFollowsSummerTime() throws {
        let z = try load("Europe/Berlin")
        // 2026-01-30 is CET (+1), 2026-07-01 is CEST (+2).
        #expect(z.offset(atUTC: 1_769_749_323) == 3600)
        #expect(z.offset(atUTC: 1_782_864_000) == 7200)
        // 2026-03-29 02:30 local does not exist (gap): the earlier offset applies.
        let gap = CivilTime.secondsFromCivil(year: 2026, month: 3, day: 29, hour: 2, minute: 30, second: 0)
        #expect(z.offset(forLocal: gap) == 3600)
        // 2026-10-25 02:30 local happens twice (overlap): the first (summer) occurrence wins.
        let overlap = CivilTime.secondsFromCivil(year: 2026, month: 10, day: 25, hour: 2, minute: 30, second: 0)
        #expect(z.offset(forLocal: overlap) == 7200)
        let cest = Array("CEST".utf8)
        #expect(cest.withUnsafeBytes { z.offset(ofAbbreviation: $0) } == 7200)
    }

    @Test func rejectsNonTZif() {
        #expect(throws: ZoneRules.Error.notTZif("x")) { try ZoneRules(tzif: Array(repeating: 0x41, count: 60), name: "x") }
        #expect(throws: ZoneRules.Error.truncated("y")) { try ZoneRules(tzif: Array("TZif2".utf8) + [UInt8](repeating: 0, count: 39), name: "y") }
    }

    @Test(arguments: [("+09:00", Int32(32400)), ("-0530", Int32(-19800)), ("+9", Int32(32400)), ("UTC", Int32(0)), ("Z", Int32(0))])
    func fixedOffsets(text: String, seconds: Int32) {
        #expect(ZoneRules.fixed(parsing: text)?.offset(atUTC: 0) == seconds)
    }

    @Test func fixedOffsetRejectsGarbage() {
        #expect(ZoneRules.fixed(parsing: "Asia/Seoul") == nil)
        #expect(ZoneRules.fixed(parsing: "+25:00") == nil)
        #expect(ZoneRules.fixed(parsing: "+") == nil)
    }

    @Test func abbreviationTable() {
        for (name, off) in [("KST", 32400), ("UTC", 0), ("CET", 3600), ("EST", -18000), ("IST", 19800)] {
            let b = Array(name.utf8)
            #expect(b.withUnsafeBytes { ZoneAbbreviations.offset(of: $0) } == Int32(off))
        }
        let none = Array("XYZ".utf8)
        #expect(none.withUnsafeBytes { ZoneAbbreviations.offset(of: $0) } == nil)
    }
}

@Suite struct TimestampParsingTests {
    func parse(_ s: String, zone: ZoneRules = .utc, abbreviations: Bool = true) -> TimestampParsing.Parsed? {
        Array(s.utf8).withUnsafeBytes { TimestampParsing.iso8601($0, at: 0, zone: zone, abbreviations: abbreviations) }
    }

    @Test(arguments: [
        ("2026-01-30T14:02:03.123+09:00", Int64(1_769_749_323_123_000_000), TimePrecision.milliseconds, 29),
        ("2026-01-30T05:02:03Z", Int64(1_769_749_323_000_000_000), .seconds, 20),
        ("2026-01-30 14:02:03,261", Int64(1_769_781_723_261_000_000), .milliseconds, 23),
        ("2026-01-30T05:02:03.123456789Z", Int64(1_769_749_323_123_456_789), .nanoseconds, 30),
        ("2026-01-30T05:02:03.1234567891Z", Int64(1_769_749_323_123_456_789), .nanoseconds, 31),
        ("2026-01-30 14:02:03.123 KST", Int64(1_769_749_323_123_000_000), .milliseconds, 27),
        ("2026-01-30 14:02:03 +0900", Int64(1_769_749_323_000_000_000), .seconds, 25),
        ("2026-01-30T14:02:03.5-05", Int64(1_769_799_723_500_000_000), .milliseconds, 24),
        ("2026-01-30T05:02:03.123456Z", Int64(1_769_749_323_123_456_000), .microseconds, 27),
    ])
    func iso8601(text: String, ns: Int64, precision: TimePrecision, end: Int) {
        let p = parse(text)
        #expect(p?.timestamp.nanoseconds == ns)
        #expect(p?.precision == precision)
        #expect(p?.end == end)
    }

    @Test func naiveTimeUsesTheSourceZone() {
        let kst = ZoneRules(fixedOffset: 32400)
        #expect(parse("2026-01-30 14:02:03", zone: kst)?.timestamp.nanoseconds == 1_769_749_323_000_000_000)
    }

    @Test(arguments: ["2026-13-30T14:02:03Z", "2026-01-30X14:02:03", "2026-01-3", "", "2026-02-30 00:00:00", "abcd-01-30 14:02:03"])
    func rejects(text: String) { #expect(parse(text) == nil) }
}

@Suite struct TimeExpressionTests {
    let now = Timestamp(nanoseconds: 1_769_749_323_000_000_000)  // 2026-01-30T05:02:03Z
    let kst = ZoneRules(fixedOffset: 32400, name: "KST")

    @Test(arguments: [
        ("2026-01-30 14:02", Int64(1_769_749_320_000_000_000)),
        ("2026-01-30T14:02:03.25", Int64(1_769_749_323_250_000_000)),
        ("2026-01-30T05:02:03Z", Int64(1_769_749_323_000_000_000)),
        ("2026-01-30 05:02:03 UTC", Int64(1_769_749_323_000_000_000)),
        ("2026-01-30", Int64(1_769_698_800_000_000_000)),
        ("14:00", Int64(1_769_749_200_000_000_000)),
        ("14:00:30", Int64(1_769_749_230_000_000_000)),
        ("-15m", Int64(1_769_748_423_000_000_000)),
        ("-1h30m", Int64(1_769_743_923_000_000_000)),
        ("10s ago", Int64(1_769_749_313_000_000_000)),
        ("+2s", Int64(1_769_749_325_000_000_000)),
        ("now", Int64(1_769_749_323_000_000_000)),
        ("today", Int64(1_769_698_800_000_000_000)),
        ("yesterday", Int64(1_769_612_400_000_000_000)),
        ("@1769749323", Int64(1_769_749_323_000_000_000)),
    ])
    func parses(text: String, ns: Int64) throws {
        #expect(try TimeExpression.parse(text, now: now, zone: kst).nanoseconds == ns)
    }

    @Test(arguments: ["14:61", "2026-02-30", "soon", "-5 parsecs", "2026-01-30 14:02 garbage"])
    func rejects(text: String) {
        #expect(throws: TimeExpression.Error.self) { try TimeExpression.parse(text, now: now, zone: kst) }
    }

    @Test(arguments: [("30s", Int64(30_000_000_000)), ("5m", Int64(300_000_000_000)), ("1h30m", Int64(5_400_000_000_000)),
        ("500ms", Int64(500_000_000)), ("1.5s", Int64(1_500_000_000)), ("2d", Int64(172_800_000_000_000)), ("10", Int64(10_000_000_000))])
    func durations(text: String, ns: Int64) throws {
        #expect(try DurationExpression.parse(text).nanoseconds == ns)
    }

    @Test func badDuration() {
        #expect(throws: TimeExpression.Error.self) { try DurationExpression.parse("5 fortnights") }
        #expect(throws: TimeExpression.Error.self) { try DurationExpression.parse("") }
    }
}

@Suite struct RFC3339Tests {
    @Test func alwaysNineDigitsAndZ() {
        #expect(RFC3339.format(Timestamp(nanoseconds: 1_769_749_323_123_000_000)) == "2026-01-30T05:02:03.123000000Z")
        #expect(RFC3339.format(Timestamp(nanoseconds: 0)) == "1970-01-01T00:00:00.000000000Z")
        #expect(RFC3339.format(Timestamp(nanoseconds: -1)) == "1969-12-31T23:59:59.999999999Z")
    }

    @Test func localRenderingWithOffset() {
        var out: [UInt8] = []
        RFC3339.append(Timestamp(nanoseconds: 1_769_749_323_123_456_789), offset: 32400, fractionDigits: 3,
            separator: 0x20, zoneSuffix: true, to: &out)
        #expect(String(decoding: out, as: UTF8.self) == "2026-01-30 14:02:03.123+09:00")
        out.removeAll()
        RFC3339.append(Timestamp(nanoseconds: 1_769_749_323_123_456_789), offset: -19800, fractionDigits: 0,
            separator: 0x54, zoneSuffix: true, to: &out)
        #expect(String(decoding: out, as: UTF8.self) == "2026-01-29T23:32:03-05:30")
    }
}

@Suite struct LevelTests {
    @Test(arguments: [("INFO", Level.info), ("warn", .warning), ("WARNING", .warning), ("ERROR", .error), ("FATAL", .critical),
        ("LOG", .info), ("DEBUG3", .debug), ("PANIC", .emergency), ("err", .error), ("Trace", .trace), ("NOTICE", .notice)])
    func words(text: String, level: Level) {
        #expect(Array(text.utf8).withUnsafeBytes { Level(word: $0) } == level)
    }

    @Test(arguments: ["DETAIL", "STATEMENT", "HINT", "IN", "INFORMATION", "", "ERR0R"])
    func notLevels(text: String) {
        #expect(Array(text.utf8).withUnsafeBytes { Level(word: $0) } == nil)
    }

    @Test func namesAndPriorities() {
        #expect(Level(name: "warn") == .warning)
        #expect(Level(name: "3") == .error)
        #expect(Level(name: "bogus") == nil)
        #expect(Level(syslogPriority: 6) == .info)
        #expect(Level.warning < Level.error && Level.unknown < Level.trace)
    }
}

@Suite struct TimestampRangeTests {
    @Test func yearsOutsideTheNanosecondRangeSaturateInsteadOfTrapping() {
        let far = Array("9999-01-30T14:02:03Z".utf8).withUnsafeBytes { TimestampParsing.iso8601($0, at: 0, zone: .utc) }
        #expect(far?.timestamp == .distantFuture)
        let early = Array("0001-01-01T00:00:00Z".utf8).withUnsafeBytes { TimestampParsing.iso8601($0, at: 0, zone: .utc) }
        #expect(early?.timestamp == .distantPast)
    }
}
