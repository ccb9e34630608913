/// PostgreSQL's stderr log (`log_destination = stderr`, what Debian and Ubuntu write to
/// `/var/log/postgresql`), with any `log_line_prefix`.
///
/// A line whose prefix matches starts an entry, except a `DETAIL`/`HINT`/`STATEMENT`/`CONTEXT`/
/// `QUERY`/`LOCATION` line of the same process (pid and session) as the open entry: that is part of
/// it, as are lines PostgreSQL starts with a tab (multi-line SQL, autovacuum reports) and lines the
/// prefix does not match (other programs writing to the same stderr). The time comes from `%m`/`%n`
/// (milliseconds) or `%t` (seconds); a prefix without any of them gives timestamp 0 to every entry,
/// since such a log cannot be placed in time. The session is the backend's pid. Request and trace
/// ids come from sqlcommenter comments in the SQL.
public struct PostgresStderrFormat: LogFormat {
    public init() {}

    public var name: String { "postgresql" }
    public var defaultSourceName: String { "postgresql" }

    /// Compiles `options.postgresLinePrefix` (nil: Debian's `'%m [%p] %q%u@%d '`).
    public func makeParser(_ options: FormatOptions) throws -> any LineParser {
        let prefix = PostgresLinePrefix(options.postgresLinePrefix ?? PostgresLinePrefix.debianDefault)
        return PostgresStderrParser(prefix: prefix, zone: options.zone)
    }

    /// Reads a message that begins `duration: 3.957 ms`: the number's bytes and the span.
    /// Does not allocate.
    static func duration(_ line: UnsafeRawBufferPointer, messageAt p: Int) -> (range: ByteRange, span: TimeSpan)? {
        guard line.matches("duration: ", at: p), let whole = line.digitRun(at: p + 10) else { return nil }
        let fraction = TimestampParsing.fraction(line, at: whole.end)
        guard line.matches(" ms", at: fraction.end) else { return nil }
        let milliseconds = Int64(min(whole.value, 9_000_000_000_000))
        let span = TimeSpan(nanoseconds: milliseconds * 1_000_000 + fraction.nanos / 1000)
        return (ByteRange(p + 10, fraction.end), span)
    }
}

/// Reads one stderr log; remembers the open entry's process to group its secondary lines.
final class PostgresStderrParser: LineParser {
    let prefix: PostgresLinePrefix
    let zone: ZoneRules
    private var hasOpenEntry = false
    /// The pid and session of the entry the next `DETAIL` would belong to.
    private var openProcess: UInt64 = 0

    init(prefix: PostgresLinePrefix, zone: ZoneRules) {
        self.prefix = prefix
        self.zone = zone
    }

    /// Does not allocate; called once per line.
    func scan(_ line: UnsafeRawBufferPointer, into facts: inout LineFacts) -> LineKind {
        if line.count > 0 && line[0] == 0x09 {
            SQLCommenter.scan(line, into: &facts.ids)
            return .continuation
        }
        var found = PostgresPrefixFacts(line: line)
        guard let match = prefix.match(line, zone: zone, sink: &found) else {
            SQLCommenter.scan(line, into: &facts.ids)
            return .continuation
        }
        let severity = PostgresSeverity.read(line, at: match.end)
        let process = found.process
        if let severity, severity.severity.isSecondary, hasOpenEntry, process == openProcess {
            SQLCommenter.scan(line, from: severity.messageStart, into: &facts.ids)
            return .continuation
        }
        hasOpenEntry = true
        openProcess = process
        facts.timestamp = found.time
        facts.precision = found.precision
        facts.level = severity?.severity.level ?? .unknown
        facts.messageStart = prefix.startsWithTime ? line.skipBlanks(from: found.leadingTimeEnd) : 0
        facts.session = found.pid != 0 ? found.pid : found.sessionPID
        let messageStart = severity?.messageStart ?? match.end
        facts.duration = PostgresStderrFormat.duration(line, messageAt: messageStart)?.span
        SQLCommenter.scan(line, from: messageStart, into: &facts.ids)
        return .start
    }

    /// Every prefix value by name, `severity`, `message` (with its tab-continued lines),
    /// `duration_ms`, the secondary parts by name (`detail`, `statement`...) when `text` holds them,
    /// and `request_id`/`trace_id`.
    func annotate(_ text: UnsafeRawBufferPointer) -> [Field] {
        let lines = PostgresStderrParser.physicalLines(text)
        guard let first = lines.first else { return [] }
        var collected = PostgresPrefixFields()
        guard let match = prefix.match(first, zone: zone, sink: &collected) else {
            return [Field("message", String(decoding: text, as: UTF8.self))]
        }
        var fields: [Field] = []
        for value in collected.values.sorted(by: { $0.element < $1.element }) {
            let s = String(decoding: first.slice(value.range), as: UTF8.self)
            guard !s.isEmpty else { continue }
            if value.escape == .remoteHostAndPort, s.hasSuffix(")"), let open = s.firstIndex(of: "(") {
                fields.append(Field("host", String(s[..<open])))
                fields.append(Field("port", String(s[s.index(after: open)..<s.index(before: s.endIndex)])))
            } else {
                fields.append(Field(value.escape.fieldName, s))
            }
        }
        // The message and the secondary parts, each with the tab-continued lines that follow it.
        var parts: [(name: String, value: String)] = []
        if let severity = PostgresSeverity.read(first, at: match.end) {
            let colon = first.firstIndex(of: 0x3A, from: match.end) ?? match.end
            fields.append(Field("severity", String(decoding: first.slice(match.end, colon), as: UTF8.self)))
            parts.append(("message", String(decoding: first.slice(severity.messageStart, first.count), as: UTF8.self)))
            if let d = PostgresStderrFormat.duration(first, messageAt: severity.messageStart) {
                parts.append(("duration_ms", String(decoding: first.slice(d.range), as: UTF8.self)))
            }
        } else {
            parts.append(("message", String(decoding: first.slice(match.end, first.count), as: UTF8.self)))
        }
        var current = 0
        for line in lines.dropFirst() {
            var ignored = PostgresPrefixFields()
            if line.count > 0, line[0] != 0x09, let m = prefix.match(line, zone: zone, sink: &ignored),
                let severity = PostgresSeverity.read(line, at: m.end), severity.severity.isSecondary
            {
                let body = line.slice(severity.messageStart, line.count)
                parts.append((severity.severity.fieldName, String(decoding: body, as: UTF8.self)))
                current = parts.count - 1
            } else {
                let body = line.count > 0 && line[0] == 0x09 ? line.slice(1, line.count) : line
                parts[current].value += "\n" + String(decoding: body, as: UTF8.self)
            }
        }
        fields += parts.map { Field($0.name, $0.value) }
        fields += SQLCommenter.idFields(text)
        return fields
    }

    /// The lines of an entry's text, without terminators.
    static func physicalLines(_ text: UnsafeRawBufferPointer) -> [UnsafeRawBufferPointer] {
        var lines: [UnsafeRawBufferPointer] = []
        var start = 0
        while start < text.count {
            let end = text.firstIndex(of: 0x0A, from: start) ?? text.count
            let trimmed = end > start && text[end - 1] == 0x0D ? end - 1 : end
            lines.append(text.slice(start, trimmed))
            start = end + 1
        }
        return lines
    }
}

/// The prefix values `scan` keeps: the entry's time, the pid and the session.
struct PostgresPrefixFacts: PostgresPrefixSink {
    let line: UnsafeRawBufferPointer
    var time = Timestamp(nanoseconds: 0)
    var precision = TimePrecision.seconds
    private var timeElement = -1
    var pid: UInt64 = 0
    /// The pid inside `%c`, for prefixes without `%p`.
    var sessionPID: UInt64 = 0
    /// A hash of `%c`, so a reused pid in a new session is a different process.
    var sessionHash: UInt64 = 0
    var leadingTimeEnd = 0

    init(line: UnsafeRawBufferPointer) { self.line = line }

    /// Identifies the process that wrote the line: pid and session together.
    var process: UInt64 { (pid != 0 ? pid : sessionPID) &* 0x9E37_79B9_7F4A_7C15 ^ sessionHash }

    mutating func take(_ escape: PostgresLinePrefix.Escape, element: Int, value: PostgresPrefixValue) {
        switch escape {
        case .timestamp, .timestampMilliseconds, .epochMilliseconds:
            if element == 0 { leadingTimeEnd = Int(value.range.end) }
            // The most precise time escape wins; among equals, the first.
            let better = value.precision > precision || (value.precision == precision && element < timeElement)
            if timeElement < 0 || better {
                time = value.time
                precision = value.precision
                timeElement = element
            }
        case .processID:
            pid = value.number
        case .sessionID:
            sessionPID = value.number
            var h: UInt64 = 0xCBF2_9CE4_8422_2325  // FNV-1a
            for i in Int(value.range.start)..<Int(value.range.end) {
                h = (h ^ UInt64(line[i])) &* 0x0000_0100_0000_01B3
            }
            sessionHash = h
        default:
            break
        }
    }
}
