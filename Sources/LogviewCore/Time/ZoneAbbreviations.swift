/// Offsets of the zone abbreviations logs print (PostgreSQL's `%t`/`%m`, syslog, Java).
///
/// An abbreviation is first looked up in the source's own zone (its tzdata knows what `IST` means
/// there); this table is the fallback. Ambiguous names use their most common meaning.
public enum ZoneAbbreviations {
    public static func offset(of bytes: UnsafeRawBufferPointer) -> Int32? {
        guard bytes.count >= 1, bytes.count <= 5 else { return nil }
        var key: UInt64 = 0
        for b in bytes {
            guard (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) else { return nil }
            key = key << 8 | UInt64(b & ~0x20)
        }
        return table[key]
    }

    private static let table: [UInt64: Int32] = {
        let hours: [(String, Double)] = [
            ("UTC", 0), ("GMT", 0), ("UT", 0), ("Z", 0), ("WET", 0), ("WEST", 1), ("BST", 1), ("IST", 5.5),
            ("CET", 1), ("CEST", 2), ("MET", 1), ("MEST", 2), ("EET", 2), ("EEST", 3), ("MSK", 3),
            ("KST", 9), ("JST", 9), ("HKT", 8), ("SGT", 8), ("AWST", 8), ("PHT", 8), ("WIB", 7), ("ICT", 7),
            ("PKT", 5), ("AEST", 10), ("AEDT", 11), ("ACST", 9.5), ("ACDT", 10.5), ("NZST", 12), ("NZDT", 13),
            ("EST", -5), ("EDT", -4), ("CST", -6), ("CDT", -5), ("MST", -7), ("MDT", -6),
            ("PST", -8), ("PDT", -7), ("AKST", -9), ("AKDT", -8), ("HST", -10), ("AST", -4), ("ADT", -3),
            ("NST", -3.5), ("NDT", -2.5), ("BRT", -3), ("ART", -3), ("SAST", 2), ("CAT", 2), ("EAT", 3),
            ("WAT", 1),
        ]
        var t: [UInt64: Int32] = [:]
        for (name, h) in hours {
            t[name.utf8.reduce(0) { $0 << 8 | UInt64($1) }] = Int32(h * 3600)
        }
        return t
    }()
}
