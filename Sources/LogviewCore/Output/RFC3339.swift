/// Formats timestamps as text without Foundation.
public enum RFC3339 {
    /// `2026-01-30T05:02:03.123456789Z`: always nine fractional digits and `Z`, so text sorts by time.
    public static func format(_ t: Timestamp) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(30)
        append(t, offset: 0, fractionDigits: 9, separator: 0x54, zoneSuffix: true, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends a wall-clock rendering of `t` at `offset` seconds east of UTC.
    /// `separator` goes between date and time (`T` or space); the zone is `Z` or `+09:00`.
    public static func append(
        _ t: Timestamp, offset: Int32, fractionDigits: Int, separator: UInt8, zoneSuffix: Bool,
        to out: inout [UInt8]
    ) {
        let w = CivilTime.wallClock(seconds: t.seconds, offset: offset)
        pad(w.year, 4, &out)
        out.append(0x2D)
        pad(w.month, 2, &out)
        out.append(0x2D)
        pad(w.day, 2, &out)
        out.append(separator)
        pad(w.hour, 2, &out)
        out.append(0x3A)
        pad(w.minute, 2, &out)
        out.append(0x3A)
        pad(w.second, 2, &out)
        if fractionDigits > 0 {
            out.append(0x2E)
            var frac = Int(t.subsecondNanoseconds)
            for _ in fractionDigits..<9 { frac /= 10 }
            pad(frac, fractionDigits, &out)
        }
        guard zoneSuffix else { return }
        appendZone(offset: offset, to: &out)
    }

    /// `Z` or `+09:00`.
    static func appendZone(offset: Int32, to out: inout [UInt8]) {
        if offset == 0 {
            out.append(0x5A)
        } else {
            out.append(offset < 0 ? 0x2D : 0x2B)
            let a = Int(abs(offset))
            pad(a / 3600, 2, &out)
            out.append(0x3A)
            pad(a / 60 % 60, 2, &out)
        }
    }

    @inline(__always)
    static func pad(_ v: Int, _ width: Int, _ out: inout [UInt8]) {
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (48, 48, 48, 48, 48, 48, 48, 48, 48, 48)
        var x = max(v, 0), n = 0
        withUnsafeMutableBytes(of: &digits) { d in
            while x > 0 && n < 10 {
                d[9 - n] = UInt8(48 + x % 10)
                x /= 10
                n += 1
            }
            let count = max(width, n)
            for k in (10 - min(count, 10))..<10 { out.append(d[k]) }
        }
    }
}
