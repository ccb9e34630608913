/// Spring Boot's default logback patterns (Boot 1.x-3.x, file and console).
///
/// ```
/// 2026-01-30T14:02:03.123+09:00  INFO 49908 --- [api] [http-nio-8080-exec-1] [<trace>-<span>] [requestId=…] c.e.Foo : msg
/// 2026-01-30T14:02:03.123Z  INFO 49908 --- [           main] c.e.Foo : msg
/// 2026-01-30 14:02:03.123  INFO 49908 --- [nio-8080-exec-1] c.e.Foo : msg          (2.x, naive time)
/// ```
/// A line starts an entry when it is a timestamp, a level, an optional pid and `---`; everything
/// else (stack traces, `%wEx`'s empty lines, Hibernate's `  Detail:` line) continues the entry above.
/// Leading NUL bytes (a `copytruncate` artefact) are skipped; offsets stay relative to the full line.
public struct SpringBootFormat: LogFormat {
    public let name = "spring-boot"
    public let defaultSourceName = "backend"

    public init() {}

    public func makeParser(_ options: FormatOptions) throws -> any LineParser {
        Parser(zone: options.zone)
    }

    /// Where the parts of one Spring Boot line are.
    struct Layout {
        var timestamp: TimestampParsing.Parsed
        var level: Level
        /// First non-blank byte after the timestamp.
        var messageStart: Int
        var pid: ByteRange
        /// Just after `---`: where the bracket groups begin.
        var afterDashes: Int
        var app: ByteRange? = nil
        var thread: ByteRange? = nil
        var trace: ByteRange? = nil
        var span: ByteRange? = nil
        var logger: ByteRange? = nil
        /// The logged message: after ` : `, or after the groups when there is no logger column.
        var message: ByteRange
    }

    /// Reads the fixed part of a Spring Boot line; nil if the line does not start an entry.
    /// Does not allocate.
    static func layout(_ line: UnsafeRawBufferPointer, zone: ZoneRules) -> Layout? {
        let n = line.count
        var p = 0
        while p < n && line[p] == 0 { p += 1 }
        guard p + 19 <= n, line.isDigit(at: p), line[p + 4] == 0x2D,
            let time = TimestampParsing.iso8601(line, at: p, zone: zone),
            time.end < n, line[time.end] == 0x20
        else { return nil }
        // Level: Spring right-aligns it in five columns (`%5p`).
        let levelStart = line.skipBlanks(from: time.end)
        var i = levelStart
        while i < n && isLetter(line[i]) { i += 1 }
        guard i > levelStart, i < n, line[i] == 0x20,
            let level = Level(word: line.slice(levelStart, i))
        else { return nil }
        // `${PID:- }`: digits, or nothing when the property is unset.
        i = line.skipBlanks(from: i)
        let pidStart = i
        while line.isDigit(at: i) { i += 1 }
        let pid = ByteRange(pidStart, i)
        i = line.skipBlanks(from: i)
        guard line.matches("---", at: i), i + 3 == n || line[i + 3] == 0x20 else { return nil }
        let afterDashes = i + 3
        var layout = Layout(
            timestamp: time, level: level, messageStart: levelStart, pid: pid, afterDashes: afterDashes,
            message: ByteRange(n, n))
        readGroups(line, from: afterDashes, into: &layout)
        return layout
    }

    /// Reads the `[...]` groups after `---` (application, thread, correlation, MDC) and the logger.
    private static func readGroups(_ line: UnsafeRawBufferPointer, from: Int, into layout: inout Layout) {
        let n = line.count
        var i = line.skipBlanks(from: from)
        var firstPlain: ByteRange? = nil
        var lastPlain: ByteRange? = nil
        var plainCount = 0
        // Boot prints at most app, group, thread, correlation and one MDC group; more is message.
        for _ in 0..<6 {
            guard i < n, line[i] == 0x5B, let close = line.firstIndex(of: 0x5D, from: i + 1) else { break }
            let start = i + 1
            if let corr = correlation(line, start, close) {
                layout.trace = corr.trace
                layout.span = corr.span
            } else if isBlank(line, start, close) {
                // Boot's fixed-width placeholder when no trace is active: no ids.
            } else if contains(0x3D, line, start, close) {
                // An MDC group such as `[requestId=…]`: IDScanner reads it with the rest of the line.
            } else {
                let trimmed = trimBlanks(line, start, close)
                if plainCount == 0 { firstPlain = trimmed }
                lastPlain = trimmed
                plainCount += 1
            }
            i = line.skipBlanks(from: close + 1)
        }
        layout.thread = lastPlain
        if plainCount >= 2 { layout.app = firstPlain }
        // Logger column (`%-40.40logger{39}`), then ` : ` and the message.
        var e = i
        while e < n && line[e] != 0x20 { e += 1 }
        let colon = line.skipBlanks(from: e)
        if e > i, colon < n, line[colon] == 0x3A, colon + 1 == n || line[colon + 1] == 0x20 {
            layout.logger = ByteRange(i, e)
            layout.message = ByteRange(min(colon + 2, n), n)
        } else {
            layout.message = ByteRange(i, n)
        }
    }

    /// `<16 or 32 hex>-<hex>`: Micrometer's `%correlationId` (trace id, span id).
    private static func correlation(_ line: UnsafeRawBufferPointer, _ start: Int, _ end: Int)
        -> (trace: ByteRange, span: ByteRange)?
    {
        var width = 32
        while width >= 16 {
            let dash = start + width
            if dash < end, line[dash] == 0x2D, IDScanner.isHex(line, start, dash),
                end - dash - 1 <= 32, IDScanner.isHex(line, dash + 1, end)
            {
                return (ByteRange(start, dash), ByteRange(dash + 1, end))
            }
            width -= 16
        }
        return nil
    }

    private static func contains(_ byte: UInt8, _ line: UnsafeRawBufferPointer, _ start: Int, _ end: Int) -> Bool {
        for k in start..<end where line[k] == byte { return true }
        return false
    }

    @inline(__always)
    private static func isLetter(_ b: UInt8) -> Bool { b | 0x20 >= 0x61 && b | 0x20 <= 0x7A }

    private static func isBlank(_ line: UnsafeRawBufferPointer, _ start: Int, _ end: Int) -> Bool {
        for k in start..<end where line[k] != 0x20 { return false }
        return true
    }

    private static func trimBlanks(_ line: UnsafeRawBufferPointer, _ start: Int, _ end: Int) -> ByteRange {
        var s = start, e = end
        while s < e && line[s] == 0x20 { s += 1 }
        while e > s && line[e - 1] == 0x20 { e -= 1 }
        return ByteRange(s, e)
    }

    final class Parser: LineParser {
        let zone: ZoneRules

        init(zone: ZoneRules) { self.zone = zone }

        func scan(_ line: UnsafeRawBufferPointer, into facts: inout LineFacts) -> LineKind {
            guard let l = SpringBootFormat.layout(line, zone: zone) else { return .continuation }
            facts.timestamp = l.timestamp.timestamp
            facts.precision = l.timestamp.precision
            facts.level = l.level
            facts.messageStart = l.messageStart
            if let trace = l.trace { IDScanner.appendUnique(trace, kind: .trace, in: line, to: &facts.ids) }
            // MDC fields (`requestId=`, `traceId=`) may sit anywhere: in a group or the message.
            IDScanner.scan(line, from: l.afterDashes, into: &facts.ids)
            return .start
        }

        func annotate(_ text: UnsafeRawBufferPointer) -> [Field] {
            guard let l = SpringBootFormat.layout(text, zone: zone) else { return [] }
            func string(_ r: ByteRange) -> String { String(decoding: text.slice(r), as: UTF8.self) }
            var fields: [Field] = []
            if !l.pid.isEmpty { fields.append(Field("pid", string(l.pid))) }
            if let t = l.thread { fields.append(Field("thread", string(t))) }
            if let a = l.app { fields.append(Field("app", string(a))) }
            if let g = l.logger { fields.append(Field("logger", string(g))) }
            if let t = l.trace { fields.append(Field("traceId", string(t))) }
            if let s = l.span { fields.append(Field("spanId", string(s))) }
            var ids = IDSlots()
            IDScanner.scan(text, from: l.afterDashes, into: &ids)
            for k in 0..<ids.count where ids[k].kind == .request {
                fields.append(Field("requestId", string(ids[k].range)))
                break
            }
            fields.append(Field("message", string(l.message)))
            return fields
        }
    }
}
