/// The fallback format: any line with a recognisable timestamp near its start begins an entry.
///
/// Timestamps looked for within the first 64 bytes (after leading NUL bytes):
/// ISO 8601 with `T` or a space, an optional fraction and zone (`Z`, `+09:00`, ` +0900`, ` KST`);
/// `2026/01/30 14:02:03`; `30/Jan/2026:14:02:03 +0900` (common log format); `30-Jan-2026 14:02:03.123`
/// (Tomcat); `Jan 30 14:02:03` with an optional ` 2026` (syslog, ctime); and at the very start of a
/// line, epoch seconds or milliseconds (10 or 13 digits followed by a space or a fraction).
/// The level is the first level word in the first 80 bytes; ids come from `IDScanner`.
public struct GenericFormat: LogFormat {
    public let name = "generic"
    public let defaultSourceName = "log"

    /// How far into a line a timestamp is looked for.
    public static let timestampWindow = 64
    /// How far into a line a level word is looked for.
    public static let levelWindow = 80

    public init() {}

    public func makeParser(_ options: FormatOptions) throws -> any LineParser {
        Parser(zone: options.zone, referenceTime: options.referenceTime)
    }

    /// A timestamp of any shape this format knows, beginning exactly at `at` (epoch numbers
    /// excepted). Naive times are read in `zone`; a missing year comes from `referenceTime`.
    /// Does not allocate.
    public static func timestamp(
        in line: UnsafeRawBufferPointer, at i: Int, zone: ZoneRules, referenceTime: Timestamp
    ) -> TimestampParsing.Parsed? {
        let n = line.count
        guard i >= 0, i + 14 <= n else { return nil }
        let c = line[i]
        if c >= 0x30 && c <= 0x39 {
            if line.digits(at: i, count: 4) != nil {
                if line[i + 4] == 0x2D {
                    return TimestampParsing.iso8601(line, at: i, zone: zone, abbreviations: true)
                }
                if line[i + 4] == 0x2F { return slashDate(line, at: i, zone: zone) }
                return nil
            }
            return dayMonthYear(line, at: i, zone: zone)
        }
        if c | 0x20 >= 0x61 && c | 0x20 <= 0x7A {
            return SyslogFormat.bsdTimestamp(line, at: i, zone: zone, referenceTime: referenceTime)
        }
        return nil
    }

    /// The first timestamp starting within `timestampWindow` bytes of `from`. Does not allocate.
    static func findTimestamp(
        in line: UnsafeRawBufferPointer, from p: Int, zone: ZoneRules, referenceTime: Timestamp
    ) -> (start: Int, parsed: TimestampParsing.Parsed)? {
        if let epoch = epochTimestamp(line, at: p) { return (p, epoch) }
        let limit = min(line.count, p + timestampWindow)
        var i = p
        while i < limit {
            let c = line[i]
            let isDigit = c >= 0x30 && c <= 0x39
            let isUpper = c >= 0x41 && c <= 0x5A  // month names are capitalised
            if (isDigit || isUpper) && (i == p || !IDScanner.isAlphanumeric(line[i - 1])),
                let t = timestamp(in: line, at: i, zone: zone, referenceTime: referenceTime)
            {
                return (i, t)
            }
            i += 1
        }
        return nil
    }

    /// Epoch seconds (10 digits) or milliseconds (13 digits) opening a line, from 2000 to 2100,
    /// followed by a fraction, a blank or the end.
    static func epochTimestamp(_ line: UnsafeRawBufferPointer, at p: Int) -> TimestampParsing.Parsed? {
        guard let run = line.digitRun(at: p) else { return nil }
        let digits = run.end - p
        guard digits == 10 || digits == 13 else { return nil }
        let scale: Int64 = digits == 10 ? 1 : 1000
        let low: Int64 = 946_684_800, high: Int64 = 4_102_444_800  // 2000-01-01, 2100-01-01
        let value = Int64(run.value)
        guard value >= low * scale, value < high * scale else { return nil }
        var end = run.end
        var fraction: (nanos: Int64, digits: Int, end: Int) = (0, 0, end)
        if end < line.count && line[end] == 0x2E {
            fraction = TimestampParsing.fraction(line, at: end)
            guard fraction.digits > 0 else { return nil }
            end = fraction.end
        }
        guard end == line.count || line[end] == 0x20 || line[end] == 0x09 else { return nil }
        let unit: Int64 = 1_000_000_000 / scale
        let nanos = value * unit + fraction.nanos / scale
        let fractionDigits = (digits == 10 ? 0 : 3) + fraction.digits
        return TimestampParsing.Parsed(
            timestamp: Timestamp(nanoseconds: nanos), precision: TimePrecision(fractionDigits: fractionDigits),
            end: end)
    }

    /// `2026/01/30 14:02:03` (or `T`), optional fraction and zone.
    private static func slashDate(_ line: UnsafeRawBufferPointer, at i: Int, zone: ZoneRules)
        -> TimestampParsing.Parsed?
    {
        guard i + 19 <= line.count, let year = line.digits(at: i, count: 4), line[i + 4] == 0x2F,
            let month = line.digits(at: i + 5, count: 2), line[i + 7] == 0x2F,
            let day = line.digits(at: i + 8, count: 2), line[i + 10] == 0x20 || line[i + 10] == 0x54
        else { return nil }
        return clock(line, at: i + 11, year: year, month: month, day: day, zone: zone)
    }

    /// `30/Jan/2026:14:02:03 +0900` (common log format) or `30-Jan-2026 14:02:03.123` (Tomcat).
    private static func dayMonthYear(_ line: UnsafeRawBufferPointer, at i: Int, zone: ZoneRules)
        -> TimestampParsing.Parsed?
    {
        guard i + 20 <= line.count, let day = line.digits(at: i, count: 2) else { return nil }
        let separator = line[i + 2]
        guard separator == 0x2F || separator == 0x2D,
            let month = CivilTime.month(abbreviation: line[i + 3], line[i + 4], line[i + 5]),
            line[i + 6] == separator, let year = line.digits(at: i + 7, count: 4),
            line[i + 11] == (separator == 0x2F ? 0x3A : 0x20)
        else { return nil }
        return clock(line, at: i + 12, year: year, month: month, day: day, zone: zone)
    }

    /// `hh:mm:ss`, an optional fraction, then an optional numeric zone (attached or after a space).
    private static func clock(
        _ line: UnsafeRawBufferPointer, at t: Int, year: Int, month: Int, day: Int, zone: ZoneRules
    ) -> TimestampParsing.Parsed? {
        guard t + 8 <= line.count, let hour = line.digits(at: t, count: 2), line[t + 2] == 0x3A,
            let minute = line.digits(at: t + 3, count: 2), line[t + 5] == 0x3A,
            let second = line.digits(at: t + 6, count: 2),
            CivilTime.isValid(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
        else { return nil }
        let fraction = TimestampParsing.fraction(line, at: t + 8)
        var end = fraction.end
        var offset: Int32? = nil
        if let z = TimestampParsing.numericOffset(line, at: end) {
            offset = z.offset
            end = z.end
        } else if end + 1 < line.count, line[end] == 0x20, line[end + 1] != 0x5A,
            let z = TimestampParsing.numericOffset(line, at: end + 1)
        {
            offset = z.offset
            end = z.end
        }
        let local = CivilTime.secondsFromCivil(
            year: year, month: month, day: day, hour: hour, minute: minute, second: second)
        return TimestampParsing.Parsed(
            timestamp: TimestampParsing.resolve(localSeconds: local, nanos: fraction.nanos, offset: offset, zone: zone),
            precision: TimePrecision(fractionDigits: fraction.digits), end: end)
    }

    /// The first word in `line[from..<from + levelWindow]` that names a level (`Level(word:)`).
    /// Does not allocate.
    public static func firstLevelWord(in line: UnsafeRawBufferPointer, from: Int) -> Level? {
        let n = line.count
        let limit = min(n, from + levelWindow)
        var i = max(from, 0)
        while i < limit {
            guard IDScanner.isAlphanumeric(line[i]) else {
                i += 1
                continue
            }
            let start = i
            while i < n && i - start <= 8 && IDScanner.isAlphanumeric(line[i]) { i += 1 }
            if i - start >= 3 && (i == n || !IDScanner.isAlphanumeric(line[i])),
                let level = Level(word: line.slice(start, i))
            {
                return level
            }
            while i < n && IDScanner.isAlphanumeric(line[i]) { i += 1 }
        }
        return nil
    }

    /// Where a generic line's parts are.
    struct Layout {
        var timestamp: TimestampParsing.Parsed
        /// After a timestamp that opens the line (optionally in brackets); else 0.
        var messageStart: Int
        var level: Level?
    }

    static func layout(_ line: UnsafeRawBufferPointer, zone: ZoneRules, referenceTime: Timestamp) -> Layout? {
        var p = 0
        while p < line.count && line[p] == 0 { p += 1 }
        guard let found = findTimestamp(in: line, from: p, zone: zone, referenceTime: referenceTime) else {
            return nil
        }
        var messageStart = 0
        let opensWithBracket = p < line.count && line[p] == 0x5B && found.start == p + 1
        if found.start == p || opensWithBracket {
            var e = found.parsed.end
            if opensWithBracket && e < line.count && line[e] == 0x5D { e += 1 }
            messageStart = line.skipBlanks(from: e)
        }
        return Layout(timestamp: found.parsed, messageStart: messageStart, level: firstLevelWord(in: line, from: p))
    }

    final class Parser: LineParser {
        let zone: ZoneRules
        let referenceTime: Timestamp

        init(zone: ZoneRules, referenceTime: Timestamp) {
            self.zone = zone
            self.referenceTime = referenceTime
        }

        func scan(_ line: UnsafeRawBufferPointer, into facts: inout LineFacts) -> LineKind {
            guard let l = GenericFormat.layout(line, zone: zone, referenceTime: referenceTime) else {
                return .continuation
            }
            facts.timestamp = l.timestamp.timestamp
            facts.precision = l.timestamp.precision
            facts.level = l.level ?? .unknown
            facts.messageStart = l.messageStart
            IDScanner.scan(line, into: &facts.ids)
            return .start
        }

        func annotate(_ text: UnsafeRawBufferPointer) -> [Field] {
            guard let l = GenericFormat.layout(text, zone: zone, referenceTime: referenceTime) else { return [] }
            var fields: [Field] = []
            if let level = l.level { fields.append(Field("level", level.name)) }
            var ids = IDSlots()
            IDScanner.scan(text, into: &ids)
            for k in 0..<ids.count {
                let id = ids[k]
                fields.append(
                    Field(id.kind == .trace ? "traceId" : "requestId", String(decoding: text.slice(id.range), as: UTF8.self)))
            }
            fields.append(
                Field("message", String(decoding: text.slice(l.messageStart, text.count), as: UTF8.self)))
            return fields
        }
    }
}
