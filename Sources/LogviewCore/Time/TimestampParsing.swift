/// Byte-level timestamp readers shared by the formats. None allocates.
public enum TimestampParsing {
    /// A timestamp read from a line, and where its text ended.
    public struct Parsed: Sendable, Equatable {
        public var timestamp: Timestamp
        public var precision: TimePrecision
        public var end: Int
    }

    /// Reads a fractional second after `.` or `,` at `at` (the separator itself at `at`).
    /// Returns nanoseconds, digits read, and the end; (0, 0, at) if there is no fraction.
    @inline(__always)
    public static func fraction(_ b: UnsafeRawBufferPointer, at: Int) -> (nanos: Int64, digits: Int, end: Int) {
        guard at < b.count, b[at] == 0x2E || b[at] == 0x2C, b.isDigit(at: at + 1) else { return (0, 0, at) }
        var i = at + 1, v: Int64 = 0, n = 0
        while i < b.count, b[i] >= 48, b[i] <= 57 {
            if n < 9 {
                v = v * 10 + Int64(b[i] - 48)
                n += 1
            }
            i += 1
        }
        var scaled = v
        for _ in n..<9 { scaled *= 10 }
        return (scaled, i - at - 1, i)
    }

    /// Reads a numeric zone designator at `at`: `Z`, `+09:00`, `+0900`, `+09`. Returns the offset
    /// in seconds east of UTC and the end.
    @inline(__always)
    public static func numericOffset(_ b: UnsafeRawBufferPointer, at: Int) -> (offset: Int32, end: Int)? {
        guard at < b.count else { return nil }
        if b[at] == 0x5A { return (0, at + 1) }  // Z
        guard b[at] == 0x2B || b[at] == 0x2D, let h = b.digits(at: at + 1, count: 2), h <= 18 else { return nil }
        var m = 0, end = at + 3
        if at + 3 < b.count, b[at + 3] == 0x3A, let mm = b.digits(at: at + 4, count: 2) {
            m = mm
            end = at + 6
        } else if let mm = b.digits(at: at + 3, count: 2) {
            m = mm
            end = at + 5
        }
        guard m < 60 else { return nil }
        let s = Int32(h * 3600 + m * 60)
        return (b[at] == 0x2D ? -s : s, end)
    }

    /// Reads a zone abbreviation (letters only) at `at`, resolved first in the source's zone, then
    /// in the common table.
    public static func abbreviation(_ b: UnsafeRawBufferPointer, at: Int, zone: ZoneRules)
        -> (offset: Int32, end: Int)?
    {
        var i = at
        while i < b.count, i - at < 6, (b[i] >= 0x41 && b[i] <= 0x5A) || (b[i] >= 0x61 && b[i] <= 0x7A) { i += 1 }
        guard i > at, i - at <= 5, i == b.count || !(b[i] >= 0x41 && b[i] <= 0x5A || b[i] >= 0x61 && b[i] <= 0x7A)
        else { return nil }
        let word = b.slice(at, i)
        if let off = zone.offset(ofAbbreviation: word) ?? ZoneAbbreviations.offset(of: word) { return (off, i) }
        return nil
    }

    /// Converts a wall-clock time to UTC: with `offset` when the log printed one, else in `zone`.
    /// Saturates outside the representable range (years before 1678 or after 2261), so a hostile
    /// year can never trap.
    @inline(__always)
    public static func resolve(localSeconds: Int64, nanos: Int64, offset: Int32?, zone: ZoneRules) -> Timestamp {
        let off = offset ?? zone.offset(forLocal: localSeconds)
        let (scaled, overflow) = (localSeconds &- Int64(off)).multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return localSeconds < 0 ? .distantPast : .distantFuture }
        let (sum, overflow2) = scaled.addingReportingOverflow(nanos)
        if overflow2 { return localSeconds < 0 ? .distantPast : .distantFuture }
        return Timestamp(nanoseconds: sum)
    }

    /// ISO 8601 / RFC 3339 and the common log variants:
    /// `2026-01-30T14:02:03.123+09:00`, `2026-01-30 14:02:03,123`, `2026-01-30 14:02:03.123456 KST`
    /// (the last only with `abbreviations`). Without a zone the time is naive, read in `zone`.
    public static func iso8601(
        _ b: UnsafeRawBufferPointer, at p: Int, zone: ZoneRules, abbreviations: Bool = false
    ) -> Parsed? {
        guard p + 19 <= b.count,
            let year = b.digits(at: p, count: 4), b[p + 4] == 0x2D,
            let month = b.digits(at: p + 5, count: 2), b[p + 7] == 0x2D,
            let day = b.digits(at: p + 8, count: 2),
            b[p + 10] == 0x54 || b[p + 10] == 0x20 || b[p + 10] == 0x74,
            let hour = b.digits(at: p + 11, count: 2), b[p + 13] == 0x3A,
            let minute = b.digits(at: p + 14, count: 2), b[p + 16] == 0x3A,
            let second = b.digits(at: p + 17, count: 2),
            CivilTime.isValid(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
        else { return nil }
        let frac = fraction(b, at: p + 19)
        var end = frac.end
        var offset: Int32? = nil
        if let z = numericOffset(b, at: end) {
            offset = z.offset
            end = z.end
        } else if end < b.count, b[end] == 0x20, let z = numericOffset(b, at: end + 1), b[end + 1] != 0x5A {
            offset = z.offset  // "14:02:03 +0900"
            end = z.end
        } else if abbreviations, end < b.count, b[end] == 0x20, let z = abbreviation(b, at: end + 1, zone: zone) {
            offset = z.offset
            end = z.end
        }
        let local = CivilTime.secondsFromCivil(
            year: year, month: month, day: day, hour: hour, minute: minute, second: second)
        return Parsed(
            timestamp: resolve(localSeconds: local, nanos: frac.nanos, offset: offset, zone: zone),
            precision: TimePrecision(fractionDigits: frac.digits), end: end)
    }
}
