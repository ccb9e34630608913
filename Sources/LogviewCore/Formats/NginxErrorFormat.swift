/// nginx `error.log`:
/// `2026/01/30 14:02:03 [error] 1234#1234: *5 connect() failed ..., client: 10.0.0.1, server: api.example.com, request: "GET /api/x HTTP/1.1", upstream: "http://...", host: "..."`.
///
/// The time is naive local time, read in the source's zone, to the second. The connection number
/// after `*` becomes the entry's session, so the lines of one connection can be grouped. A line
/// that does not begin with the timestamp and a bracketed nginx level continues the entry above
/// (FastCGI stderr can span lines).
public struct NginxErrorFormat: LogFormat {
    /// The identifier `--format` and the config use.
    public var name: String { "nginx-error" }
    /// Sources in this format are called `nginx` unless configured otherwise.
    public var defaultSourceName: String { "nginx" }

    public init() {}

    /// A parser for one source; `options.zone` reads times that carry no offset. Never throws.
    public func makeParser(_ options: FormatOptions) throws -> any LineParser {
        NginxErrorLineParser(zone: options.zone)
    }
}

/// Reads error.log lines.
final class NginxErrorLineParser: LineParser {
    /// Where the line's parts are; computed without allocating.
    private struct Layout {
        var timestamp: Timestamp
        var level: Level
        var pid: ByteRange
        var tid: ByteRange
        var connection: ByteRange?
        var messageStart: Int
        /// Where `, client: ` begins, the start of the context nginx appends; else the line end.
        var contextStart: Int
        var client: ByteRange?
        var request: ByteRange?
    }

    /// `2026/01/30 14:02:03 ` is 20 bytes; the message starts after it.
    private static let timestampLength = 20
    private let zone: ZoneRules

    init(zone: ZoneRules) { self.zone = zone }

    /// Reads the timestamp, level, connection, client and request. Does not allocate.
    func scan(_ line: UnsafeRawBufferPointer, into facts: inout LineFacts) -> LineKind {
        guard let layout = layout(of: line) else { return .continuation }
        facts.timestamp = layout.timestamp
        facts.precision = .seconds
        facts.level = layout.level
        facts.messageStart = NginxErrorLineParser.timestampLength
        if let connection = layout.connection, let number = line.digitRun(at: Int(connection.start)) {
            facts.session = UInt64(number.value)
        }
        facts.peer = layout.client
        facts.requestLine = layout.request
        return .start
    }

    /// level, pid, tid, connection, message, then each context pair (`client`, `server`, `request`,
    /// `upstream`, `host`, `referrer`...) with its quotes removed.
    func annotate(_ text: UnsafeRawBufferPointer) -> [Field] {
        guard let layout = layout(of: text) else { return [] }
        func string(_ r: ByteRange) -> String { String(decoding: text.slice(r), as: UTF8.self) }
        var fields = [
            Field("level", layout.level.name), Field("pid", string(layout.pid)), Field("tid", string(layout.tid)),
        ]
        if let connection = layout.connection { fields.append(Field("connection", string(connection))) }
        fields.append(Field("message", string(ByteRange(layout.messageStart, layout.contextStart))))
        let end = lineEnd(text)
        var i = layout.contextStart
        while let valueStart = contextKeyEnd(text, at: i, end: end) {
            let key = ByteRange(i + 2, valueStart - 2)
            var value: ByteRange
            if valueStart < end, text[valueStart] == 0x22, let close = closingQuote(text, after: valueStart, end: end) {
                value = ByteRange(valueStart + 1, close)
                i = close + 1
            } else {
                var j = valueStart
                while j < end, contextKeyEnd(text, at: j, end: end) == nil { j += 1 }
                value = ByteRange(valueStart, j)
                i = j
            }
            fields.append(Field(string(key), string(value)))
        }
        return fields
    }

    private func layout(of line: UnsafeRawBufferPointer) -> Layout? {
        let end = lineEnd(line)
        let bounded = line.slice(0, end)
        guard let timestamp = NginxTime.errorLog(bounded, zone: zone), end > 21,
            bounded[19] == 0x20, bounded[20] == 0x5B,  // " ["
            let close = bounded.nginxLevelEnd(from: 21),
            let level = NginxErrorLineParser.level(bounded.slice(21, close))
        else { return nil }
        var i = close + 1
        if i < end, bounded[i] == 0x20 { i += 1 }
        // "1234#1234: "
        var pid = ByteRange(i, i)
        var tid = ByteRange(i, i)
        if let p = bounded.digitRun(at: i), p.end < end, bounded[p.end] == 0x23,
            let t = bounded.digitRun(at: p.end + 1), t.end + 1 < end, bounded[t.end] == 0x3A, bounded[t.end + 1] == 0x20
        {
            pid = ByteRange(i, p.end)
            tid = ByteRange(p.end + 1, t.end)
            i = t.end + 2
        }
        var connection: ByteRange?
        if i < end, bounded[i] == 0x2A, let c = bounded.digitRun(at: i + 1) {  // "*5 "
            connection = ByteRange(i + 1, c.end)
            i = c.end < end && bounded[c.end] == 0x20 ? c.end + 1 : c.end
        }
        var layout = Layout(
            timestamp: timestamp, level: level, pid: pid, tid: tid, connection: connection,
            messageStart: i, contextStart: end)
        findClient(bounded, from: i, into: &layout)
        findRequest(bounded, from: layout.client.map { Int($0.end) } ?? i, into: &layout)
        return layout
    }

    /// The first `, client: ADDR` whose address has no blank and is followed by more context or the
    /// line end; the message before it can hold client-controlled text (a decoded URI path).
    private func findClient(_ b: UnsafeRawBufferPointer, from: Int, into layout: inout Layout) {
        var i = from
        while let at = b.firstIndex(of: ", client: ", from: i) {
            let valueStart = at + 10
            var j = valueStart
            while j < b.count, b[j] != 0x2C, b[j] != 0x20 { j += 1 }
            if j > valueStart, j == b.count || contextKeyEnd(b, at: j, end: b.count) != nil {
                layout.client = ByteRange(valueStart, j)
                layout.contextStart = at
                return
            }
            i = at + 1
        }
    }

    /// `, request: "..."`: nginx does not escape the request line here, so the value ends at the
    /// first quote followed by more context or the line end.
    private func findRequest(_ b: UnsafeRawBufferPointer, from: Int, into layout: inout Layout) {
        guard let at = b.firstIndex(of: ", request: \"", from: from),
            let close = closingQuote(b, after: at + 11, end: b.count)
        else { return }
        layout.request = ByteRange(at + 12, close)
        if layout.client == nil { layout.contextStart = at }
    }

    /// The quote closing a context value that opens at `opening`.
    private func closingQuote(_ b: UnsafeRawBufferPointer, after opening: Int, end: Int) -> Int? {
        var q = opening + 1
        while q < end {
            if b[q] == 0x22, q + 1 == end || contextKeyEnd(b, at: q + 1, end: end) != nil { return q }
            q += 1
        }
        return nil
    }

    /// If `, key: ` (key in lower-case letters and `_`) starts at `at`, the index after it.
    private func contextKeyEnd(_ b: UnsafeRawBufferPointer, at: Int, end: Int) -> Int? {
        guard at + 2 < end, b[at] == 0x2C, b[at + 1] == 0x20 else { return nil }
        var i = at + 2
        while i < end, (b[i] >= 0x61 && b[i] <= 0x7A) || b[i] == 0x5F { i += 1 }
        guard i > at + 2, i + 1 < end, b[i] == 0x3A, b[i + 1] == 0x20 else { return nil }
        return i + 2
    }

    private func lineEnd(_ line: UnsafeRawBufferPointer) -> Int {
        line.count > 0 && line[line.count - 1] == 0x0D ? line.count - 1 : line.count
    }

    /// nginx's eight level words only, so other `YYYY/MM/DD hh:mm:ss` logs (Go's `log`) stay apart.
    private static func level(_ word: UnsafeRawBufferPointer) -> Level? {
        if word.matches("debug", at: 0), word.count == 5 { return .debug }
        if word.matches("info", at: 0), word.count == 4 { return .info }
        if word.matches("notice", at: 0), word.count == 6 { return .notice }
        if word.matches("warn", at: 0), word.count == 4 { return .warning }
        if word.matches("error", at: 0), word.count == 5 { return .error }
        if word.matches("crit", at: 0), word.count == 4 { return .critical }
        if word.matches("alert", at: 0), word.count == 5 { return .alert }
        if word.matches("emerg", at: 0), word.count == 5 { return .emergency }
        return nil
    }
}

extension UnsafeRawBufferPointer {
    /// The `]` closing a level word that starts at `from` (at most 6 letters), or nil.
    fileprivate func nginxLevelEnd(from: Int) -> Int? {
        var i = from
        while i < count, i - from <= 6 {
            if self[i] == 0x5D { return i > from ? i : nil }
            i += 1
        }
        return nil
    }
}
