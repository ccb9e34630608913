/// PostgreSQL's jsonlog (`log_destination = jsonlog`, PostgreSQL 15 and later): one JSON object
/// per line, `{"timestamp":"2026-01-30 14:02:03.123 KST","user":"app","dbname":"appdb","pid":1234,
/// "error_severity":"LOG","message":"…",…}`.
///
/// `scan` reads the object's bytes directly: the time from `timestamp`, the level from
/// `error_severity`, the session from `pid`, ids from sqlcommenter comments anywhere in the line.
/// A line that is not an object continues the entry above.
public struct PostgresJSONFormat: LogFormat {
    public init() {}

    public var name: String { "postgresql-json" }
    public var defaultSourceName: String { "postgresql" }

    public func makeParser(_ options: FormatOptions) throws -> any LineParser {
        PostgresJSONParser(zone: options.zone)
    }
}

/// Reads one jsonlog. Keeps no state between lines.
final class PostgresJSONParser: LineParser {
    let zone: ZoneRules

    init(zone: ZoneRules) { self.zone = zone }

    /// Does not allocate; called once per line.
    func scan(_ line: UnsafeRawBufferPointer, into facts: inout LineFacts) -> LineKind {
        var members = JSONMemberCursor(line: line)
        guard members.isObject else {
            SQLCommenter.scan(line, into: &facts.ids)
            return .continuation
        }
        while let member = members.next() {
            let key = line.slice(member.key)
            let value = member.value
            if equals(key, "timestamp"), member.isString {
                if let time = PostgresLinePrefix.readTimestamp(line, at: Int(value.start), zone: zone),
                    time.end <= Int(value.end)
                {
                    facts.timestamp = time.timestamp
                    facts.precision = time.precision
                }
            } else if equals(key, "pid"), !member.isString {
                if let pid = line.digitRun(at: Int(value.start)), pid.end == Int(value.end) {
                    facts.session = UInt64(pid.value)
                }
            } else if equals(key, "error_severity"), member.isString {
                facts.level = PostgresSeverity(word: line.slice(value))?.level ?? .unknown
            } else if equals(key, "message"), member.isString {
                facts.duration = PostgresStderrFormat.duration(line, messageAt: Int(value.start))?.span
            }
        }
        SQLCommenter.scan(line, into: &facts.ids)
        return .start
    }

    /// Every member by its key (strings decoded, other values as written), `duration_ms`, and
    /// `request_id`/`trace_id`.
    func annotate(_ text: UnsafeRawBufferPointer) -> [Field] {
        let end = text.firstIndex(of: 0x0A, from: 0) ?? text.count
        let line = text.slice(0, end)
        var members = JSONMemberCursor(line: line)
        guard members.isObject else { return [Field("message", String(decoding: line, as: UTF8.self))] }
        var fields: [Field] = []
        while let member = members.next() {
            let key = PostgresJSONParser.decode(line.slice(member.key))
            let value = member.isString
                ? PostgresJSONParser.decode(line.slice(member.value))
                : String(decoding: line.slice(member.value), as: UTF8.self)
            fields.append(Field(key, value))
            if key == "message", member.isString,
                let d = PostgresStderrFormat.duration(line, messageAt: Int(member.value.start))
            {
                fields.append(Field("duration_ms", String(decoding: line.slice(d.range), as: UTF8.self)))
            }
        }
        fields += SQLCommenter.idFields(line)
        return fields
    }

    @inline(__always)
    private func equals(_ bytes: UnsafeRawBufferPointer, _ literal: StaticString) -> Bool {
        bytes.count == literal.utf8CodeUnitCount && bytes.matches(literal, at: 0)
    }

    /// Decodes the inside of a JSON string: escapes, `\uXXXX` with surrogate pairs; anything
    /// malformed becomes U+FFFD. Allocates; for `annotate`.
    static func decode(_ s: UnsafeRawBufferPointer) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(s.count)
        var i = 0
        func hex4(_ at: Int) -> UInt32? {
            guard at + 4 <= s.count else { return nil }
            var v: UInt32 = 0
            for k in at..<(at + 4) {
                let c = s[k]
                let d: UInt32
                switch c {
                case 0x30...0x39: d = UInt32(c - 0x30)
                case 0x61...0x66: d = UInt32(c - 0x61 + 10)
                case 0x41...0x46: d = UInt32(c - 0x41 + 10)
                default: return nil
                }
                v = v << 4 | d
            }
            return v
        }
        func appendScalar(_ v: UInt32) {
            let scalar = Unicode.Scalar(v) ?? "\u{FFFD}"
            out.append(contentsOf: Array(String(Character(scalar)).utf8))
        }
        while i < s.count {
            let c = s[i]
            guard c == 0x5C, i + 1 < s.count else {
                out.append(c)
                i += 1
                continue
            }
            let e = s[i + 1]
            i += 2
            switch e {
            case 0x6E: out.append(0x0A)  // n
            case 0x74: out.append(0x09)  // t
            case 0x72: out.append(0x0D)  // r
            case 0x62: out.append(0x08)  // b
            case 0x66: out.append(0x0C)  // f
            case 0x75:  // u
                guard let high = hex4(i) else {
                    appendScalar(0xFFFD)
                    continue
                }
                i += 4
                if high >= 0xD800 && high < 0xDC00, i + 1 < s.count, s[i] == 0x5C, s[i + 1] == 0x75,
                    let low = hex4(i + 2), low >= 0xDC00 && low < 0xE000
                {
                    i += 6
                    appendScalar(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))
                } else {
                    appendScalar(high)  // a lone surrogate is not a scalar: U+FFFD
                }
            default: out.append(e)  // `\"`, `\\`, `\/`
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// Walks the members of a one-line JSON object without allocating.
struct JSONMemberCursor {
    let line: UnsafeRawBufferPointer
    private var pos: Int
    /// Whether the line begins (after blanks) with `{`.
    let isObject: Bool

    init(line: UnsafeRawBufferPointer) {
        self.line = line
        let start = line.skipBlanks(from: 0)
        isObject = start < line.count && line[start] == 0x7B
        pos = start + 1
    }

    /// The next member: the key's and the value's bytes (the inside of strings); nil at the end of
    /// the object or at anything malformed.
    mutating func next() -> (key: ByteRange, value: ByteRange, isString: Bool)? {
        guard isObject else { return nil }
        var i = line.skipBlanks(from: pos)
        guard i < line.count, line[i] == 0x22, let key = stringEnd(from: i) else { return nil }
        let keyRange = ByteRange(i + 1, key - 1)
        i = line.skipBlanks(from: key)
        guard i < line.count, line[i] == 0x3A else { return nil }
        i = line.skipBlanks(from: i + 1)
        guard i < line.count else { return nil }
        let result: (key: ByteRange, value: ByteRange, isString: Bool)
        if line[i] == 0x22 {
            guard let end = stringEnd(from: i) else { return nil }
            result = (keyRange, ByteRange(i + 1, end - 1), true)
            i = end
        } else {
            guard let end = valueEnd(from: i) else { return nil }
            result = (keyRange, ByteRange(i, end), false)
            i = end
        }
        i = line.skipBlanks(from: i)
        // After the last member `pos` points past the line, so the next call ends.
        pos = i < line.count && line[i] == 0x2C ? i + 1 : line.count + 1
        return result
    }

    /// The index just past the string that opens at `at`, or nil if it does not close.
    private func stringEnd(from at: Int) -> Int? {
        var i = at + 1
        while i < line.count {
            switch line[i] {
            case 0x5C: i += 2
            case 0x22: return i + 1
            default: i += 1
            }
        }
        return nil
    }

    /// The end of a number, literal, object or array starting at `at`.
    private func valueEnd(from at: Int) -> Int? {
        var depth = 0
        var i = at
        while i < line.count {
            switch line[i] {
            case 0x22:
                guard let end = stringEnd(from: i) else { return nil }
                i = end
                continue
            case 0x7B, 0x5B:
                depth += 1
            case 0x7D, 0x5D:
                if depth == 0 { return i }
                depth -= 1
                if depth == 0 { return i + 1 }
            case 0x2C, 0x20, 0x09:
                if depth == 0 { return i }
            default:
                break
            }
            i += 1
        }
        return depth == 0 ? i : nil
    }
}
