/// A time zone's UTC offsets over time: fixed, or read from a compiled tzdata (TZif) file.
///
/// Used for naive timestamps (a log that prints local wall-clock time without a zone) and for
/// display. Parsing TZif bytes is pure; reading the file is the sources layer's job.
public final class ZoneRules: Sendable, CustomStringConvertible {
    /// The zone's name as given (`Asia/Seoul`, `UTC`, `+09:00`).
    public let name: String
    /// UTC seconds at which `offsets[i + 1]` takes effect; sorted.
    private let transitions: [Int64]
    /// Offset in force before the first transition, then after each one.
    private let offsets: [Int32]
    /// Abbreviations the zone has used (`KST`, `CET`, `CEST`) with their offsets.
    public let abbreviations: [(name: String, offset: Int32)]

    public var description: String { name }

    public static let utc = ZoneRules(fixedOffset: 0, name: "UTC")

    public init(fixedOffset seconds: Int32, name: String? = nil) {
        self.name = name ?? ZoneRules.offsetName(seconds)
        transitions = []
        offsets = [seconds]
        abbreviations = name.map { [($0, seconds)] } ?? []
    }

    init(name: String, transitions: [Int64], offsets: [Int32], abbreviations: [(String, Int32)]) {
        self.name = name
        self.transitions = transitions
        self.offsets = offsets
        self.abbreviations = abbreviations
    }

    public var isFixed: Bool { transitions.isEmpty }

    /// The offset in force at an instant. O(log transitions), does not allocate.
    public func offset(atUTC seconds: Int64) -> Int32 {
        if transitions.isEmpty { return offsets[0] }
        var lo = 0, hi = transitions.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if transitions[mid] <= seconds { lo = mid + 1 } else { hi = mid }
        }
        return offsets[lo]
    }

    /// The offset to apply to a naive local wall-clock time (seconds since the epoch read as UTC).
    ///
    /// In a gap (spring forward) the earlier offset is used; in an overlap (fall back) the first
    /// occurrence wins, as `mktime` with `tm_isdst = -1` does on glibc for most zones.
    public func offset(forLocal local: Int64) -> Int32 {
        if transitions.isEmpty { return offsets[0] }
        // Try the offset a day either side; the candidate whose UTC maps back to itself wins.
        let a = offset(atUTC: local - 86_400)
        let b = offset(atUTC: local + 86_400)
        if a == b { return a }
        if offset(atUTC: local - Int64(a)) == a { return a }
        if offset(atUTC: local - Int64(b)) == b { return b }
        return a
    }

    /// The offset of an abbreviation this zone has used, if any (case-sensitive, as printed).
    public func offset(ofAbbreviation bytes: UnsafeRawBufferPointer) -> Int32? {
        for (abbr, off) in abbreviations where abbr.utf8.count == bytes.count {
            if abbr.utf8.elementsEqual(bytes) { return off }
        }
        return nil
    }

    /// `+09:00`, `-05:30`, `UTC` for zero.
    public static func offsetName(_ seconds: Int32) -> String {
        if seconds == 0 { return "UTC" }
        let sign = seconds < 0 ? "-" : "+"
        let a = abs(Int(seconds))
        let h = a / 3600, m = a / 60 % 60
        return sign + (h < 10 ? "0" : "") + String(h) + ":" + (m < 10 ? "0" : "") + String(m)
    }

    public enum Error: Swift.Error, Equatable, CustomStringConvertible {
        case notTZif(String)
        case truncated(String)
        case unknownZone(String)

        public var description: String {
            switch self {
            case .notTZif(let n): "time zone '\(n)': not a compiled tzdata (TZif) file"
            case .truncated(let n): "time zone '\(n)': TZif file is truncated"
            case .unknownZone(let n):
                "unknown time zone '\(n)': use an IANA name such as Asia/Seoul, UTC, or an offset such as +09:00"
            }
        }
    }

    /// Parses a TZif file (RFC 8536), preferring the 64-bit v2+ block.
    ///
    /// Times after the last transition keep its offset: Debian's "fat" tzdata lists
    /// transitions up to 2037, so the POSIX footer rule is not needed there.
    public convenience init(tzif bytes: [UInt8], name: String) throws {
        func be32(_ at: Int) -> Int64 {
            Int64(Int32(bitPattern: UInt32(bytes[at]) << 24 | UInt32(bytes[at + 1]) << 16
                | UInt32(bytes[at + 2]) << 8 | UInt32(bytes[at + 3])))
        }
        func be64(_ at: Int) -> Int64 { be32(at) << 32 | (be32(at + 4) & 0xFFFF_FFFF) }
        guard bytes.count >= 44, bytes[0] == 0x54, bytes[1] == 0x5A, bytes[2] == 0x69, bytes[3] == 0x66
        else { throw Error.notTZif(name) }
        struct Header { var isut, isstd, leap, time, type, char: Int }
        func header(at p: Int) throws -> Header {
            guard p + 44 <= bytes.count else { throw Error.truncated(name) }
            return Header(isut: Int(be32(p + 20)), isstd: Int(be32(p + 24)), leap: Int(be32(p + 28)),
                time: Int(be32(p + 32)), type: Int(be32(p + 36)), char: Int(be32(p + 40)))
        }
        var h = try header(at: 0)
        var p = 44
        var timeSize = 4
        if bytes[4] >= 0x32 {  // version 2+: skip the v1 block, read the 64-bit one
            p += h.time * 4 + h.time + h.type * 6 + h.char + h.leap * 8 + h.isstd + h.isut
            h = try header(at: p)
            p += 44
            timeSize = 8
        }
        let need = h.time * timeSize + h.time + h.type * 6 + h.char
        guard h.type >= 1, p + need <= bytes.count else { throw Error.truncated(name) }
        var times: [Int64] = []
        for i in 0..<h.time { times.append(timeSize == 8 ? be64(p + i * 8) : be32(p + i * 4)) }
        p += h.time * timeSize
        let indices = (0..<h.time).map { Int(bytes[p + $0]) }
        p += h.time
        var typeOffsets: [Int32] = [], typeAbbr: [Int] = [], typeIsDST: [Bool] = []
        for i in 0..<h.type {
            typeOffsets.append(Int32(be32(p + i * 6)))
            typeIsDST.append(bytes[p + i * 6 + 4] != 0)
            typeAbbr.append(Int(bytes[p + i * 6 + 5]))
        }
        p += h.type * 6
        let chars = Array(bytes[p..<(p + h.char)])
        func abbreviation(_ at: Int) -> String {
            guard at < chars.count else { return "" }
            let end = chars[at...].firstIndex(of: 0) ?? chars.count
            return String(decoding: chars[at..<end], as: UTF8.self)
        }
        guard indices.allSatisfy({ $0 < h.type }) else { throw Error.truncated(name) }
        // The first non-DST type is in force before the first transition (RFC 8536 3.2).
        let initial = typeIsDST.firstIndex(of: false) ?? 0
        var abbrs: [(String, Int32)] = []
        // Later abbreviations win over historic ones with the same name (LMT, old KST offsets).
        for t in ([initial] + indices).reversed() {
            let a = abbreviation(typeAbbr[t])
            if !a.isEmpty, !abbrs.contains(where: { $0.0 == a }) { abbrs.append((a, typeOffsets[t])) }
        }
        self.init(name: name, transitions: times, offsets: [typeOffsets[initial]] + indices.map { typeOffsets[$0] },
            abbreviations: abbrs)
    }

    /// Parses a fixed offset such as `+09:00`, `-0530`, `+9`, `UTC`, `Z`; nil if it is not one.
    public static func fixed(parsing text: String) -> ZoneRules? {
        if text == "UTC" || text == "Z" || text == "GMT" || text == "Etc/UTC" { return .utc }
        var chars = Array(text.utf8)
        guard let sign = chars.first, sign == 0x2B || sign == 0x2D else { return nil }
        chars.removeFirst()
        chars.removeAll { $0 == 0x3A }
        guard !chars.isEmpty, chars.count <= 4, chars.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        let digits = chars.map { Int($0 - 0x30) }
        let (h, m): (Int, Int) =
            switch digits.count {
            case 1: (digits[0], 0)
            case 2: (digits[0] * 10 + digits[1], 0)
            case 3: (digits[0], digits[1] * 10 + digits[2])
            default: (digits[0] * 10 + digits[1], digits[2] * 10 + digits[3])
            }
        guard h <= 18, m < 60 else { return nil }
        let s = Int32((h * 3600 + m * 60) * (sign == 0x2D ? -1 : 1))
        return ZoneRules(fixedOffset: s)
    }
}
