/// Calendar arithmetic on the proleptic Gregorian calendar, without Foundation.
///
/// `daysFromCivil`/`civilFromDays` are Howard Hinnant's well-known algorithms; they are exact for
/// every year a log can contain and do not allocate.
public enum CivilTime {
    /// Days since 1970-01-01 for a year, month (1-12) and day (1-31).
    @inline(__always)
    public static func daysFromCivil(year: Int, month: Int, day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let m = Int64(month)
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + Int64(day) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The (year, month, day) of a day count since 1970-01-01.
    public static func civilFromDays(_ z0: Int64) -> (year: Int, month: Int, day: Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (Int(m <= 2 ? y + 1 : y), Int(m), Int(d))
    }

    /// Seconds since the epoch of a wall-clock time read as if it were UTC.
    @inline(__always)
    public static func secondsFromCivil(
        year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int
    ) -> Int64 {
        daysFromCivil(year: year, month: month, day: day) * 86_400
            + Int64(hour * 3600 + minute * 60 + second)
    }

    /// Whether the fields form a real date and time (leap second 60 allowed, as syslog can print it).
    @inline(__always)
    public static func isValid(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) -> Bool {
        guard month >= 1, month <= 12, day >= 1, hour <= 23, minute <= 59, second <= 60,
            hour >= 0, minute >= 0, second >= 0
        else { return false }
        return day <= daysInMonth(year: year, month: month)
    }

    public static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// The broken-down wall clock of `seconds` since the epoch shifted by `offset` seconds.
    public static func wallClock(seconds: Int64, offset: Int32)
        -> (year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int)
    {
        let local = seconds + Int64(offset)
        let days = local >= 0 ? local / 86_400 : (local - 86_399) / 86_400
        let rem = Int(local - days * 86_400)
        let (y, m, d) = civilFromDays(days)
        return (y, m, d, rem / 3600, rem / 60 % 60, rem % 60)
    }

    /// Month number for an English three-letter abbreviation ("Jan"..."Dec"), case-insensitive.
    @inline(__always)
    public static func month(abbreviation a: UInt8, _ b: UInt8, _ c: UInt8) -> Int? {
        let key = (UInt32(a | 0x20) << 16) | (UInt32(b | 0x20) << 8) | UInt32(c | 0x20)
        switch key {
        case 0x6A616E: return 1  // jan
        case 0x666562: return 2  // feb
        case 0x6D6172: return 3  // mar
        case 0x617072: return 4  // apr
        case 0x6D6179: return 5  // may
        case 0x6A756E: return 6  // jun
        case 0x6A756C: return 7  // jul
        case 0x617567: return 8  // aug
        case 0x736570: return 9  // sep
        case 0x6F6374: return 10  // oct
        case 0x6E6F76: return 11  // nov
        case 0x646563: return 12  // dec
        default: return nil
        }
    }
}
