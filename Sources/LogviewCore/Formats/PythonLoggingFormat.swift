/// Python `logging` output whose lines begin with `%(asctime)s` (naive local time, comma millis).
///
/// Recognised layouts, all read by one tolerant header walk:
/// ```
/// 2026-01-30 14:00:09,261 INFO     [2309] [app.api] [f04f…] chat request …     (%(levelname)-8s [pid] [name] [request_id])
/// 2026-01-30 14:00:09,261 - app.api - INFO - message                           (the logging cookbook's layout)
/// 2026-01-30 14:00:10,671 INFO: 10.0.1.10:57311 - "POST /v1/chat HTTP/1.1" 200 (uvicorn with a time prefix)
/// [2026-01-30 14:00:09,261] INFO in app: message                               (Flask)
/// [2026-01-30 14:00:09 +0900] [2309] [INFO] Booting worker                     (gunicorn)
/// ```
/// A bracket group holding 32 hex digits or a UUID is the request id (`[-]` is none). Lines that
/// do not begin with such a time (tracebacks, `^^^^` markers, the final `Error: msg`, and the
/// time-less `%(levelname)s:%(name)s:%(message)s` layout) continue the entry above.
public struct PythonLoggingFormat: LogFormat {
    public let name = "python"
    public let defaultSourceName = "app"

    public init() {}

    public func makeParser(_ options: FormatOptions) throws -> any LineParser {
        Parser(zone: options.zone)
    }

    /// Where the parts of one Python logging line are.
    struct Layout {
        var timestamp: TimestampParsing.Parsed
        /// First non-blank byte after the timestamp (and its closing bracket).
        var messageStart: Int
        var level = Level.unknown
        var pid: ByteRange? = nil
        var logger: ByteRange? = nil
        var requestID: ByteRange? = nil
        var message: ByteRange
    }

    /// Reads the header of a Python logging line; nil if it does not start an entry.
    /// Does not allocate.
    static func layout(_ line: UnsafeRawBufferPointer, zone: ZoneRules) -> Layout? {
        let n = line.count
        var p = 0
        while p < n && line[p] == 0 { p += 1 }
        let bracketed = p < n && line[p] == 0x5B
        if bracketed { p += 1 }
        // asctime is `YYYY-MM-DD HH:MM:SS,mmm`: a space, never `T`, and a comma, never a dot.
        guard p + 19 <= n, line.isDigit(at: p), line[p + 4] == 0x2D, line[p + 10] == 0x20 else { return nil }
        let afterSeconds = p + 19
        var hasMillis = false
        if afterSeconds < n {
            if line[afterSeconds] == 0x2C {
                guard line.digits(at: afterSeconds + 1, count: 3) != nil, !line.isDigit(at: afterSeconds + 4)
                else { return nil }
                hasMillis = true
            } else if line[afterSeconds] == 0x2E {
                return nil
            }
        }
        guard let time = TimestampParsing.iso8601(line, at: p, zone: zone) else { return nil }
        var q = time.end
        if bracketed {
            guard q < n, line[q] == 0x5D else { return nil }
            q += 1
        }
        guard q == n || !isWordByte(line[q]) else { return nil }
        let messageStart = line.skipBlanks(from: q)
        var layout = Layout(timestamp: time, messageStart: messageStart, message: ByteRange(messageStart, n))
        readHeader(line, from: q, into: &layout)
        if layout.level == .unknown {
            // No level word: the header walk guessed nothing reliable, so all of it is message.
            layout.logger = nil
            layout.message = ByteRange(messageStart, n)
        }
        // Without milliseconds the time alone is too common a shape; a level word must confirm it.
        guard hasMillis || layout.level != .unknown else { return nil }
        return layout
    }

    /// Walks the words after the time: the level, `[...]` groups (pid, logger, request id),
    /// the logger name, and lone `-` separators. The first other word after the level begins
    /// the message.
    private static func readHeader(_ line: UnsafeRawBufferPointer, from: Int, into layout: inout Layout) {
        let n = line.count
        var i = from
        var levelFound = false
        for _ in 0..<8 {
            i = line.skipBlanks(from: i)
            guard i < n else {
                layout.message = ByteRange(n, n)
                return
            }
            if line[i] == 0x5B, let close = closingBracket(line, from: i + 1) {
                let start = i + 1
                if start < close, line.isDigit(at: start), allDigits(line, start, close) {
                    layout.pid = ByteRange(start, close)
                } else if close - start == 1 && line[start] == 0x2D {
                    layout.requestID = ByteRange(start, close)
                } else if IDScanner.isRequestIDShaped(line, start, close) {
                    layout.requestID = ByteRange(start, close)
                } else if !levelFound, let level = pythonLevel(line, start, close) {
                    layout.level = level
                    levelFound = true
                } else if layout.logger == nil {
                    layout.logger = ByteRange(start, close)
                }
                i = close + 1
                continue
            }
            var e = i
            while e < n && line[e] != 0x20 && line[e] != 0x09 { e += 1 }
            if e - i == 1 && line[i] == 0x2D {  // a ` - ` separator
                i = e
                if levelFound {
                    layout.message = ByteRange(line.skipBlanks(from: i), n)
                    return
                }
                continue
            }
            if !levelFound {
                var letters = i
                while letters < e && line[letters] >= 0x41 && line[letters] <= 0x5A { letters += 1 }
                if letters == e || line[letters] == 0x3A, let level = pythonLevel(line, i, letters) {
                    layout.level = level
                    levelFound = true
                    // `INFO:name:message`: the message goes on inside the same word.
                    if letters + 1 < e {
                        layout.message = ByteRange(letters + 1, n)
                        return
                    }
                    i = e
                    continue
                }
                if layout.logger == nil && i > from {
                    layout.logger = ByteRange(i, e)
                    i = e
                    continue
                }
            }
            layout.message = ByteRange(i, n)
            return
        }
        layout.message = ByteRange(min(line.skipBlanks(from: i), n), n)
    }

    /// Python's level names (upper case, as `logging` prints them).
    private static func pythonLevel(_ line: UnsafeRawBufferPointer, _ start: Int, _ end: Int) -> Level? {
        switch end - start {
        case 4:
            if line.matches("INFO", at: start) { return .info }
            if line.matches("WARN", at: start) { return .warning }
        case 5:
            if line.matches("DEBUG", at: start) { return .debug }
            if line.matches("ERROR", at: start) { return .error }
            if line.matches("FATAL", at: start) { return .critical }
            if line.matches("TRACE", at: start) { return .trace }
        case 7:
            if line.matches("WARNING", at: start) { return .warning }
        case 8:
            if line.matches("CRITICAL", at: start) { return .critical }
        default:
            break
        }
        return nil
    }

    /// The `]` closing a header group, looked for within a bounded distance.
    private static func closingBracket(_ line: UnsafeRawBufferPointer, from: Int) -> Int? {
        var i = from
        let limit = min(line.count, from + 256)
        while i < limit {
            if line[i] == 0x5D { return i }
            i += 1
        }
        return nil
    }

    private static func allDigits(_ line: UnsafeRawBufferPointer, _ start: Int, _ end: Int) -> Bool {
        for k in start..<end where !line.isDigit(at: k) { return false }
        return true
    }

    @inline(__always)
    private static func isWordByte(_ b: UInt8) -> Bool {
        IDScanner.isAlphanumeric(b) || b == 0x2E || b == 0x2C || b == 0x5F
    }

    final class Parser: LineParser {
        let zone: ZoneRules

        init(zone: ZoneRules) { self.zone = zone }

        func scan(_ line: UnsafeRawBufferPointer, into facts: inout LineFacts) -> LineKind {
            guard let l = PythonLoggingFormat.layout(line, zone: zone) else { return .continuation }
            facts.timestamp = l.timestamp.timestamp
            facts.precision = l.timestamp.precision
            facts.level = l.level
            facts.messageStart = l.messageStart
            if let rid = l.requestID { IDScanner.appendUnique(rid, kind: .request, in: line, to: &facts.ids) }
            IDScanner.scan(line, from: l.timestamp.end, into: &facts.ids)
            return .start
        }

        func annotate(_ text: UnsafeRawBufferPointer) -> [Field] {
            guard let l = PythonLoggingFormat.layout(text, zone: zone) else { return [] }
            func string(_ r: ByteRange) -> String { String(decoding: text.slice(r), as: UTF8.self) }
            var fields: [Field] = []
            if l.level != .unknown { fields.append(Field("level", l.level.name)) }
            if let p = l.pid { fields.append(Field("pid", string(p))) }
            if let g = l.logger { fields.append(Field("logger", string(g))) }
            if let r = l.requestID, r.count > 1 { fields.append(Field("requestId", string(r))) }
            fields.append(Field("message", string(l.message)))
            return fields
        }
    }
}
