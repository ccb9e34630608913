/// Parses the times an operator types: `--since`, `--until`, `--around`, `:goto`.
///
/// Absolute (`2026-01-30 14:02`, `2026-01-30T14:02:03.5+09:00`, `14:02:30` for today, `@1769749323`),
/// relative to now (`-15m`, `-1h30m`, `15m ago`, `+10s`), and `now`, `today`, `yesterday`, `tomorrow`.
/// Times without a zone are read in the display zone, like journalctl does with the local zone.
public enum TimeExpression {
    public struct Error: Swift.Error, Equatable, CustomStringConvertible {
        public let text: String
        public let reason: String
        public var description: String {
            "cannot read time '\(text)': \(reason); use e.g. '2026-01-30 14:02', '14:02:30', '-15m', 'today'"
        }
    }

    public static func parse(_ raw: String, now: Timestamp, zone: ZoneRules) throws -> Timestamp {
        let text = raw.trimmingBlanks()
        let lower = text.lowercased()
        let today = startOfDay(now, zone: zone)
        switch lower {
        case "now": return now
        case "today": return today
        case "yesterday": return startOfDay(today.advanced(by: .seconds(-12 * 3600)), zone: zone)
        case "tomorrow": return startOfDay(today.advanced(by: .seconds(36 * 3600)), zone: zone)
        default: break
        }
        if lower.hasPrefix("@"), let s = Int64(lower.dropFirst()) { return Timestamp(seconds: s) }
        if lower.hasPrefix("-") || lower.hasPrefix("+") {
            let span = try DurationExpression.parse(String(lower.dropFirst()))
            return now.advanced(by: TimeSpan(nanoseconds: lower.hasPrefix("-") ? -span.nanoseconds : span.nanoseconds))
        }
        if lower.hasSuffix(" ago") {
            let span = try DurationExpression.parse(String(lower.dropLast(4)))
            return now.advanced(by: TimeSpan(nanoseconds: -span.nanoseconds))
        }
        let bytes = Array(text.utf8)
        return try bytes.withUnsafeBytes { b -> Timestamp in
            // A full timestamp, seconds optional.
            if b.count >= 10, b.digits(at: 0, count: 4) != nil, b[4] == 0x2D {
                return try absolute(b, text: text, zone: zone)
            }
            // A time of day: today in the display zone.
            if let t = timeOfDay(b, from: 0) {
                guard t.end == b.count else { throw Error(text: text, reason: "unexpected text after the time") }
                let local = today.seconds + Int64(zone.offset(atUTC: today.seconds)) + t.seconds
                return TimestampParsing.resolve(localSeconds: local, nanos: t.nanos, offset: nil, zone: zone)
            }
            throw Error(text: text, reason: "not a date, time or relative time")
        }
    }

    static func absolute(_ b: UnsafeRawBufferPointer, text: String, zone: ZoneRules) throws -> Timestamp {
        guard let year = b.digits(at: 0, count: 4), let month = b.digits(at: 5, count: 2), b[7] == 0x2D,
            let day = b.digits(at: 8, count: 2),
            CivilTime.isValid(year: year, month: month, day: day, hour: 0, minute: 0, second: 0)
        else { throw Error(text: text, reason: "not a valid date (YYYY-MM-DD)") }
        var localSeconds = CivilTime.daysFromCivil(year: year, month: month, day: day) * 86_400
        var nanos: Int64 = 0
        var p = 10
        if p < b.count {
            guard b[p] == 0x20 || b[p] == 0x54 || b[p] == 0x74, let t = timeOfDay(b, from: p + 1) else {
                throw Error(text: text, reason: "expected a time after the date")
            }
            localSeconds += t.seconds
            nanos = t.nanos
            p = t.end
        }
        var offset: Int32? = nil
        if p < b.count {
            let z = b[p] == 0x20 ? p + 1 : p
            if let n = TimestampParsing.numericOffset(b, at: z), n.end == b.count {
                offset = n.offset
            } else if let a = TimestampParsing.abbreviation(b, at: z, zone: zone), a.end == b.count {
                offset = a.offset
            } else {
                throw Error(text: text, reason: "unexpected text after the time")
            }
        }
        return TimestampParsing.resolve(localSeconds: localSeconds, nanos: nanos, offset: offset, zone: zone)
    }

    /// `HH:MM[:SS[.fff]]`: seconds into the day, nanoseconds, end.
    static func timeOfDay(_ b: UnsafeRawBufferPointer, from p: Int) -> (seconds: Int64, nanos: Int64, end: Int)? {
        guard let h = b.digits(at: p, count: 2), p + 2 < b.count, b[p + 2] == 0x3A,
            let m = b.digits(at: p + 3, count: 2), h < 24, m < 60
        else { return nil }
        var s = 0, end = p + 5, nanos: Int64 = 0
        if end < b.count, b[end] == 0x3A, let sec = b.digits(at: end + 1, count: 2), sec <= 60 {
            s = sec
            end += 3
            let f = TimestampParsing.fraction(b, at: end)
            nanos = f.nanos
            end = f.end
        }
        return (Int64(h * 3600 + m * 60 + s), nanos, end)
    }

    static func startOfDay(_ t: Timestamp, zone: ZoneRules) -> Timestamp {
        let off = Int64(zone.offset(atUTC: t.seconds))
        let local = t.seconds + off
        let day = local >= 0 ? local / 86_400 : (local - 86_399) / 86_400
        return TimestampParsing.resolve(localSeconds: day * 86_400, nanos: 0, offset: nil, zone: zone)
    }
}

/// Parses lengths of time: `30s`, `5m`, `1h30m`, `500ms`, `2d`, `1.5s`, a bare number is seconds.
public enum DurationExpression {
    public static func parse(_ raw: String) throws -> TimeSpan {
        let text = raw.trimmingBlanks().lowercased()
        var total: Double = 0
        var number = ""
        var unit = ""
        var parts = 0
        func flush() throws {
            guard let v = Double(number) else {
                throw TimeExpression.Error(text: raw, reason: "expected a length of time such as 30s, 5m, 1h30m")
            }
            let scale: Double
            switch unit {
            case "", "s", "sec", "secs", "second", "seconds": scale = 1
            case "ms": scale = 0.001
            case "us", "µs": scale = 0.000_001
            case "ns": scale = 0.000_000_001
            case "m", "min", "mins", "minute", "minutes": scale = 60
            case "h", "hr", "hour", "hours": scale = 3600
            case "d", "day", "days": scale = 86_400
            case "w", "week", "weeks": scale = 604_800
            default: throw TimeExpression.Error(text: raw, reason: "unknown unit '\(unit)'")
            }
            total += v * scale
            number = ""
            unit = ""
            parts += 1
        }
        for ch in text where ch != " " {
            if ch.isNumber || ch == "." {
                if !unit.isEmpty { try flush() }
                number.append(ch)
            } else {
                unit.append(ch)
            }
        }
        if !number.isEmpty || !unit.isEmpty { try flush() }
        guard parts > 0, total.isFinite, total >= 0, total < 9e9 else {
            throw TimeExpression.Error(text: raw, reason: "expected a length of time such as 30s, 5m, 1h30m")
        }
        return TimeSpan(nanoseconds: Int64((total * 1e9).rounded()))
    }
}

extension String {
    func trimmingBlanks() -> String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" { s.removeLast() }
        return String(s)
    }
}
