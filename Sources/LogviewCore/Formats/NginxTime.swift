/// Readers for the time shapes nginx prints. Each takes exactly the value's bytes; none allocates.
enum NginxTime {
    /// Years whose instants fit in `Timestamp`'s Int64 nanoseconds; `TimestampParsing.resolve`
    /// would overflow (and trap) outside them, and a hostile line can print any four digits.
    static let representableYears = 1678...2261

    /// A time and the precision it was printed with.
    typealias Reading = (timestamp: Timestamp, precision: TimePrecision)

    /// `$time_local`: `30/Jan/2026:14:02:03 +0900` (always 26 bytes, always with its offset).
    static func local(_ b: UnsafeRawBufferPointer) -> Timestamp? {
        guard b.count == 26,
            let day = b.digits(at: 0, count: 2), b[2] == 0x2F,
            let month = CivilTime.month(abbreviation: b[3], b[4], b[5]), b[6] == 0x2F,
            let year = b.digits(at: 7, count: 4), representableYears.contains(year), b[11] == 0x3A,
            let hour = b.digits(at: 12, count: 2), b[14] == 0x3A,
            let minute = b.digits(at: 15, count: 2), b[17] == 0x3A,
            let second = b.digits(at: 18, count: 2), b[20] == 0x20,
            CivilTime.isValid(year: year, month: month, day: day, hour: hour, minute: minute, second: second),
            let zone = TimestampParsing.numericOffset(b, at: 21), zone.end == 26
        else { return nil }
        let local = CivilTime.secondsFromCivil(
            year: year, month: month, day: day, hour: hour, minute: minute, second: second)
        return TimestampParsing.resolve(localSeconds: local, nanos: 0, offset: zone.offset, zone: .utc)
    }

    /// `$time_iso8601`: `2026-01-30T14:02:03+09:00`; `zone` only matters if the offset is missing.
    static func iso8601(_ b: UnsafeRawBufferPointer, zone: ZoneRules) -> Reading? {
        guard let year = b.digits(at: 0, count: 4), representableYears.contains(year),
            let parsed = TimestampParsing.iso8601(b, at: 0, zone: zone), parsed.end == b.count
        else { return nil }
        return (parsed.timestamp, parsed.precision)
    }

    /// `$msec`: `1769749323.123`, UTC seconds since the epoch with a fraction.
    static func msec(_ b: UnsafeRawBufferPointer) -> Reading? {
        guard let value = NginxValues.seconds(b) else { return nil }
        return (Timestamp(nanoseconds: value.nanoseconds), TimePrecision(fractionDigits: value.fractionDigits))
    }

    /// error.log's naive local time `2026/01/30 14:02:03` at the start of `b`, read in `zone`.
    static func errorLog(_ b: UnsafeRawBufferPointer, zone: ZoneRules) -> Timestamp? {
        guard b.count >= 19,
            let year = b.digits(at: 0, count: 4), representableYears.contains(year), b[4] == 0x2F,
            let month = b.digits(at: 5, count: 2), b[7] == 0x2F,
            let day = b.digits(at: 8, count: 2), b[10] == 0x20,
            let hour = b.digits(at: 11, count: 2), b[13] == 0x3A,
            let minute = b.digits(at: 14, count: 2), b[16] == 0x3A,
            let second = b.digits(at: 17, count: 2),
            CivilTime.isValid(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
        else { return nil }
        let local = CivilTime.secondsFromCivil(
            year: year, month: month, day: day, hour: hour, minute: minute, second: second)
        return TimestampParsing.resolve(localSeconds: local, nanos: 0, offset: nil, zone: zone)
    }
}
