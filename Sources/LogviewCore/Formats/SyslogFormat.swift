/// Syslog files and messages in their three common shapes.
///
/// ```
/// <34>Jan 30 14:02:03 host app[123]: msg           RFC 3164, PRI optional (/var/log/syslog, auth.log)
/// 2026-01-30T14:02:03.123456+09:00 host app[1]: msg rsyslog's RSYSLOG_FileFormat (Debian 12 default)
/// <165>1 2026-01-30T14:02:03.003Z host app 1234 ID47 [exampleSDID@32473 iut="3"] msg   RFC 5424
/// ```
/// RFC 3164 times have no year: it is the one that puts the time closest to, but not more than a
/// day after, `FormatOptions.referenceTime` (a file's mtime). Naive times are read in the source's
/// zone. The level comes from PRI's severity, else from a level word opening the message. The
/// entry's session is the process id.
public struct SyslogFormat: LogFormat {
    public let name = "syslog"
    public let defaultSourceName = "syslog"

    public init() {}

    public func makeParser(_ options: FormatOptions) throws -> any LineParser {
        Parser(zone: options.zone, referenceTime: options.referenceTime)
    }

    /// Where the parts of one syslog line are.
    struct Layout {
        /// nil for an RFC 5424 nil time (`-`).
        var timestamp: TimestampParsing.Parsed?
        var priority: Int? = nil
        var isRFC5424 = false
        /// First non-blank byte after the timestamp.
        var messageStart: Int
        var host: ByteRange? = nil
        var app: ByteRange? = nil
        var pid: ByteRange? = nil
        var messageID: ByteRange? = nil
        var structuredData: ByteRange? = nil
        var message: ByteRange
    }

    /// Reads a syslog line; nil if it does not start an entry. Does not allocate.
    static func layout(_ line: UnsafeRawBufferPointer, zone: ZoneRules, referenceTime: Timestamp) -> Layout? {
        let n = line.count
        var p = 0
        var priority: Int? = nil
        if p < n && line[p] == 0x3C {  // <PRI>
            var i = p + 1, v = 0
            while i < n && i - p <= 3 && line.isDigit(at: i) {
                v = v * 10 + Int(line[i] - 0x30)
                i += 1
            }
            guard i > p + 1, i < n, line[i] == 0x3E, v <= 191 else { return nil }
            priority = v
            p = i + 1
        }
        if priority != nil, p + 1 < n, line[p] == 0x31, line[p + 1] == 0x20 {
            return rfc5424(line, from: p + 2, priority: priority, zone: zone)
        }
        if p < n && line.isDigit(at: p) {
            return rfc3339(line, from: p, priority: priority, zone: zone)
        }
        guard let time = bsdTimestamp(line, at: p, zone: zone, referenceTime: referenceTime),
            time.end == n || line[time.end] == 0x20
        else { return nil }
        var layout = Layout(
            timestamp: time, priority: priority, messageStart: line.skipBlanks(from: time.end),
            message: ByteRange(n, n))
        readHostAndTag(line, from: time.end + 1, strict: false, into: &layout)
        return layout
    }

    /// `2026-01-30T14:02:03.123456+09:00 host tag: msg`: the zone is required, and so are the host
    /// and the tag, because a bare RFC 3339 time opens many other formats' lines.
    private static func rfc3339(_ line: UnsafeRawBufferPointer, from p: Int, priority: Int?, zone: ZoneRules)
        -> Layout?
    {
        let n = line.count
        guard p + 20 <= n, line[p + 10] == 0x54 || line[p + 10] == 0x74,
            let time = TimestampParsing.iso8601(line, at: p, zone: zone)
        else { return nil }
        let afterFraction = TimestampParsing.fraction(line, at: p + 19).end
        guard afterFraction < n, line[afterFraction] == 0x5A || line[afterFraction] == 0x2B
            || line[afterFraction] == 0x2D,
            time.end < n, line[time.end] == 0x20
        else { return nil }
        var layout = Layout(
            timestamp: time, priority: priority, messageStart: time.end + 1, message: ByteRange(n, n))
        guard readHostAndTag(line, from: time.end + 1, strict: true, into: &layout) else { return nil }
        return layout
    }

    /// `1 TIMESTAMP HOST APP PROCID MSGID SD [MSG]`, each header field `-` when absent.
    private static func rfc5424(_ line: UnsafeRawBufferPointer, from p: Int, priority: Int?, zone: ZoneRules)
        -> Layout?
    {
        let n = line.count
        var time: TimestampParsing.Parsed? = nil
        var i: Int
        if p < n && line[p] == 0x2D {
            i = p + 1
        } else {
            guard let t = TimestampParsing.iso8601(line, at: p, zone: zone) else { return nil }
            time = t
            i = t.end
        }
        guard i == n || line[i] == 0x20 else { return nil }
        var layout = Layout(
            timestamp: time, priority: priority, isRFC5424: true, messageStart: min(i + 1, n),
            message: ByteRange(n, n))
        layout.host = headerField(line, &i)
        layout.app = headerField(line, &i)
        layout.pid = headerField(line, &i)
        layout.messageID = headerField(line, &i)
        guard i < n, line[i] == 0x20 else { return layout }
        i += 1
        if i < n && line[i] == 0x2D {
            i += 1
        } else {
            let sdStart = i
            i = structuredDataEnd(line, from: i)
            if i > sdStart { layout.structuredData = ByteRange(sdStart, i) }
        }
        if i < n && line[i] == 0x20 { layout.message = ByteRange(i + 1, n) }
        return layout
    }

    /// The space-separated header field after `i` (nil for `-` or when missing); moves `i` past it.
    private static func headerField(_ line: UnsafeRawBufferPointer, _ i: inout Int) -> ByteRange? {
        let n = line.count
        guard i < n, line[i] == 0x20 else { return nil }
        let start = i + 1
        var e = start
        while e < n && line[e] != 0x20 { e += 1 }
        i = e
        return e - start == 1 && line[start] == 0x2D ? nil : ByteRange(start, e)
    }

    /// The end of the `[id k="v"...]` elements at `from`; quoted values may escape `"`, `\`, `]`.
    private static func structuredDataEnd(_ line: UnsafeRawBufferPointer, from: Int) -> Int {
        let n = line.count
        var i = from
        while i < n && line[i] == 0x5B {
            var j = i + 1
            var quoted = false
            while j < n {
                let c = line[j]
                if quoted {
                    if c == 0x5C {
                        j += 2
                        continue
                    }
                    if c == 0x22 { quoted = false }
                } else if c == 0x22 {
                    quoted = true
                } else if c == 0x5D {
                    break
                }
                j += 1
            }
            guard j < n else { return n }
            i = j + 1
        }
        return i
    }

    /// Reads `host tag[pid]: ` (or just `tag[pid]: ` when the host is missing). When `strict`, a
    /// missing tag rejects the line.
    @discardableResult
    private static func readHostAndTag(
        _ line: UnsafeRawBufferPointer, from: Int, strict: Bool, into layout: inout Layout
    ) -> Bool {
        let n = line.count
        guard from < n, line[from] != 0x20 else {
            layout.message = ByteRange(min(from, n), n)
            return !strict
        }
        if let t = tag(line, at: from) {
            layout.app = t.app
            layout.pid = t.pid
            layout.message = ByteRange(t.end < n && line[t.end] == 0x20 ? t.end + 1 : t.end, n)
            return true
        }
        var e = from
        while e < n && line[e] != 0x20 { e += 1 }
        layout.host = ByteRange(from, e)
        if e < n, let t = tag(line, at: e + 1) {
            layout.app = t.app
            layout.pid = t.pid
            layout.message = ByteRange(t.end < n && line[t.end] == 0x20 ? t.end + 1 : t.end, n)
            return true
        }
        layout.message = ByteRange(min(e + 1, n), n)
        return !strict
    }

    /// `name[pid]:` or `name:` at `at`; `end` is just after the colon.
    private static func tag(_ line: UnsafeRawBufferPointer, at: Int) -> (app: ByteRange, pid: ByteRange?, end: Int)? {
        let n = line.count
        var i = at
        while i < n && i - at <= 64 {
            let c = line[i]
            if c == 0x20 || c == 0x5B || c == 0x3A || c < 0x20 { break }
            i += 1
        }
        guard i > at, i < n else { return nil }
        let app = ByteRange(at, i)
        var pid: ByteRange? = nil
        if line[i] == 0x5B {
            let start = i + 1
            var e = start
            while e < n && e - start <= 32 && line[e] != 0x5D && line[e] != 0x20 { e += 1 }
            guard e < n, line[e] == 0x5D, e > start else { return nil }
            pid = ByteRange(start, e)
            i = e + 1
        }
        guard i < n, line[i] == 0x3A, i + 1 == n || line[i + 1] == 0x20 else { return nil }
        return (app, pid, i + 1)
    }

    // MARK: - BSD time (shared with the generic format)

    /// `Mmm dd hh:mm:ss` (day space-padded or not), an optional fraction and an optional
    /// ` YYYY` (ctime style). Without a year the year comes from `referenceTime`.
    static func bsdTimestamp(
        _ line: UnsafeRawBufferPointer, at p: Int, zone: ZoneRules, referenceTime: Timestamp
    ) -> TimestampParsing.Parsed? {
        let n = line.count
        guard p >= 0, p + 14 <= n,
            let month = CivilTime.month(abbreviation: line[p], line[p + 1], line[p + 2]), line[p + 3] == 0x20
        else { return nil }
        let day: Int
        var t: Int
        if line[p + 4] == 0x20, let d = line.digits(at: p + 5, count: 1) {
            day = d
            t = p + 7
        } else if let d = line.digits(at: p + 4, count: 2) {
            day = d
            t = p + 7
        } else if let d = line.digits(at: p + 4, count: 1) {
            day = d
            t = p + 6
        } else {
            return nil
        }
        guard line[t - 1] == 0x20, t + 8 <= n, let hour = line.digits(at: t, count: 2), line[t + 2] == 0x3A,
            let minute = line.digits(at: t + 3, count: 2), line[t + 5] == 0x3A,
            let second = line.digits(at: t + 6, count: 2)
        else { return nil }
        t += 8
        let fraction = TimestampParsing.fraction(line, at: t)
        t = fraction.end
        var year: Int? = nil
        if t + 5 <= n, line[t] == 0x20, let y = line.digits(at: t + 1, count: 4), !line.isDigit(at: t + 5),
            t + 5 == n || !IDScanner.isAlphanumeric(line[t + 5])
        {
            year = y
            t += 5
        }
        let precision = TimePrecision(fractionDigits: fraction.digits)
        if let year {
            guard CivilTime.isValid(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
            else { return nil }
            let local = CivilTime.secondsFromCivil(
                year: year, month: month, day: day, hour: hour, minute: minute, second: second)
            return TimestampParsing.Parsed(
                timestamp: TimestampParsing.resolve(localSeconds: local, nanos: fraction.nanos, offset: nil, zone: zone),
                precision: precision, end: t)
        }
        guard
            let timestamp = yearlessTimestamp(
                month: month, day: day, hour: hour, minute: minute, second: second, nanos: fraction.nanos,
                zone: zone, referenceTime: referenceTime)
        else { return nil }
        return TimestampParsing.Parsed(timestamp: timestamp, precision: precision, end: t)
    }

    /// Completes a time printed without a year: the latest year whose instant is at most a day
    /// after `referenceTime` (clocks and mtimes disagree a little; a log does not run ahead a year).
    static func yearlessTimestamp(
        month: Int, day: Int, hour: Int, minute: Int, second: Int, nanos: Int64, zone: ZoneRules,
        referenceTime: Timestamp
    ) -> Timestamp? {
        let referenceSeconds = referenceTime.seconds
        let referenceYear = CivilTime.wallClock(
            seconds: referenceSeconds, offset: zone.offset(atUTC: referenceSeconds)
        ).year
        let limit = referenceTime.advanced(by: .seconds(86_400))
        // Eight years back always reaches a leap year, for 29 February.
        var year = referenceYear + 1
        while year >= referenceYear - 8 {
            if CivilTime.isValid(year: year, month: month, day: day, hour: hour, minute: minute, second: second) {
                let local = CivilTime.secondsFromCivil(
                    year: year, month: month, day: day, hour: hour, minute: minute, second: second)
                let t = TimestampParsing.resolve(localSeconds: local, nanos: nanos, offset: nil, zone: zone)
                if t <= limit { return t }
            }
            year -= 1
        }
        return nil
    }

    // MARK: - Levels and facilities

    /// A level word opening the message (`error: …`, `<warn> …`, `[INFO] …`).
    static func leadingLevel(_ line: UnsafeRawBufferPointer, _ r: ByteRange) -> Level? {
        var i = Int(r.start)
        let end = Int(r.end)
        if i < end && (line[i] == 0x3C || line[i] == 0x5B) { i += 1 }
        let start = i
        while i < end && i - start < 9 && (line[i] | 0x20 >= 0x61 && line[i] | 0x20 <= 0x7A) { i += 1 }
        guard i - start >= 3,
            i == end || line[i] == 0x3A || line[i] == 0x20 || line[i] == 0x5D || line[i] == 0x3E
        else { return nil }
        return Level(word: line.slice(start, i))
    }

    /// The syslog facility names of RFC 5424 table 1, as rsyslog spells them.
    static func facilityName(_ code: Int) -> String {
        let names = [
            "kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news", "uucp", "cron", "authpriv", "ftp",
            "ntp", "security", "console", "solaris-cron",
        ]
        if code >= 0 && code < names.count { return names[code] }
        if code >= 16 && code <= 23 { return "local" + String(code - 16) }
        return String(code)
    }

    final class Parser: LineParser {
        let zone: ZoneRules
        let referenceTime: Timestamp
        /// For RFC 5424 lines with a nil time: the last time seen keeps them in place.
        var lastTimestamp = Timestamp(nanoseconds: 0)
        var lastPrecision = TimePrecision.seconds

        init(zone: ZoneRules, referenceTime: Timestamp) {
            self.zone = zone
            self.referenceTime = referenceTime
        }

        func scan(_ line: UnsafeRawBufferPointer, into facts: inout LineFacts) -> LineKind {
            guard let l = SyslogFormat.layout(line, zone: zone, referenceTime: referenceTime) else {
                return .continuation
            }
            if let t = l.timestamp {
                lastTimestamp = t.timestamp
                lastPrecision = t.precision
            }
            facts.timestamp = lastTimestamp
            facts.precision = lastPrecision
            facts.messageStart = l.messageStart
            if let pri = l.priority {
                facts.level = Level(syslogPriority: pri & 7)
            } else if let level = SyslogFormat.leadingLevel(line, l.message) {
                facts.level = level
            }
            if let pid = l.pid, pid.count <= 18, let v = line.digits(at: Int(pid.start), count: pid.count) {
                facts.session = UInt64(v)
            }
            IDScanner.scan(line, from: l.messageStart, into: &facts.ids)
            return .start
        }

        func annotate(_ text: UnsafeRawBufferPointer) -> [Field] {
            guard let l = SyslogFormat.layout(text, zone: zone, referenceTime: referenceTime) else { return [] }
            func string(_ r: ByteRange) -> String { String(decoding: text.slice(r), as: UTF8.self) }
            var fields: [Field] = []
            if let h = l.host { fields.append(Field("host", string(h))) }
            if let a = l.app { fields.append(Field("app", string(a))) }
            if let p = l.pid { fields.append(Field("pid", string(p))) }
            if let pri = l.priority {
                fields.append(Field("facility", SyslogFormat.facilityName(pri >> 3)))
                fields.append(Field("severity", Level(syslogPriority: pri & 7).name))
            }
            if let m = l.messageID { fields.append(Field("msgid", string(m))) }
            if let sd = l.structuredData { fields.append(Field("structuredData", string(sd))) }
            var message = l.message
            // RFC 5424 marks a UTF-8 MSG with a byte order mark.
            if l.isRFC5424, message.count >= 3, text[Int(message.start)] == 0xEF,
                text[Int(message.start) + 1] == 0xBB, text[Int(message.start) + 2] == 0xBF
            {
                message = ByteRange(Int(message.start) + 3, Int(message.end))
            }
            fields.append(Field("message", string(message)))
            return fields
        }
    }
}
