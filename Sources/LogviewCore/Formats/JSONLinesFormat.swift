/// One JSON object per line (structured logging: structlog, python-json-logger, pino, zap, ECS…).
///
/// Keys read while indexing (top level; `log.level`, `trace.id` and `http.request_id` also as one
/// level of nesting):
/// - time: `timestamp`, `@timestamp`, `time`, `ts`, `datetime`, `asctime`, `@t`, then nginx's `msec`
///   and `time_iso8601`/`time_local`; RFC 3339 and the other `GenericFormat` shapes, or epoch
///   numbers (or numeric strings) in s/ms/µs/ns told apart by their number of integer digits;
/// - level: `level`, `severity`, `levelname`, `log.level`, `lvl`, `loglevel`, `@l`; words, or
///   pino's 10-60 and syslog's 0-7 numbers;
/// - request ids: `request_id`, `requestId`, `req_id`, `x_request_id`, `http.request_id`;
///   trace ids: `trace_id`, `traceId`, `trace.id`, and the trace part of `traceparent`;
/// - the message (`message`, `msg`, `@m`) is searched with `IDScanner`.
/// A line whose first non-blank byte does not open an object that yields a member (or closes)
/// continues the entry above. An object without a time takes the previous entry's time.
/// `messageStart` is 0: the whole object is the message.
public struct JSONLinesFormat: LogFormat {
    public let name = "json"
    public let defaultSourceName = "app"

    public init() {}

    public func makeParser(_ options: FormatOptions) throws -> any LineParser {
        Parser(zone: options.zone, referenceTime: options.referenceTime)
    }

    /// What a key means to the index.
    enum Role: Equatable {
        /// A time; lower ranks win over higher ones.
        case time(rank: Int)
        case level, message, requestID, traceID, traceparent
        /// An object whose members hold a level, trace id or request id (`log`, `trace`, `http`).
        case nestedLevel, nestedTrace, nestedHTTP
        case other
    }

    /// The role of a top-level key. Does not allocate.
    static func role(of m: JSONMember, in b: UnsafeRawBufferPointer) -> Role {
        func key(_ literal: StaticString) -> Bool { JSONFieldScanner.key(m, in: b, is: literal) }
        switch m.key.count {
        case 2:
            if key("ts") || key("@t") { return .time(rank: 0) }
            if key("@l") { return .level }
            if key("@m") { return .message }
        case 3:
            if key("msg") { return .message }
            if key("lvl") { return .level }
            if key("log") { return .nestedLevel }
        case 4:
            if key("time") { return .time(rank: 0) }
            if key("msec") { return .time(rank: 1) }
            if key("http") { return .nestedHTTP }
        case 5:
            if key("level") { return .level }
            if key("trace") { return .nestedTrace }
        case 6:
            if key("req_id") { return .requestID }
        case 7:
            if key("asctime") { return .time(rank: 0) }
            if key("message") { return .message }
            if key("traceId") { return .traceID }
        case 8:
            if key("datetime") { return .time(rank: 0) }
            if key("severity") { return .level }
            if key("loglevel") { return .level }
            if key("trace_id") { return .traceID }
            if key("trace.id") { return .traceID }
        case 9:
            if key("timestamp") { return .time(rank: 0) }
            if key("levelname") { return .level }
            if key("log.level") { return .level }
            if key("requestId") { return .requestID }
        case 10:
            if key("@timestamp") { return .time(rank: 0) }
            if key("request_id") { return .requestID }
            if key("time_local") { return .time(rank: 2) }
        case 11:
            if key("traceparent") { return .traceparent }
        case 12:
            if key("x_request_id") { return .requestID }
            if key("time_iso8601") { return .time(rank: 2) }
        case 15:
            if key("http.request_id") { return .requestID }
        default:
            break
        }
        return .other
    }

    /// A time value: a string in a `GenericFormat` shape or holding an epoch number, or a number.
    static func timestamp(
        of m: JSONMember, in b: UnsafeRawBufferPointer, zone: ZoneRules, referenceTime: Timestamp
    ) -> (timestamp: Timestamp, precision: TimePrecision)? {
        let start = Int(m.value.start), end = Int(m.value.end)
        switch m.kind {
        case .number:
            return epoch(b, start, end)
        case .string:
            guard start < end else { return nil }
            if let e = epoch(b, start, end) { return e }
            let text = b.slice(start, end)
            guard let t = GenericFormat.timestamp(in: text, at: 0, zone: zone, referenceTime: referenceTime)
            else { return nil }
            return (t.timestamp, t.precision)
        default:
            return nil
        }
    }

    /// An epoch number (`1769749323`, `1769749323.123`, `1769749323123`, `1.769749323123e9`):
    /// 9-11 integer digits are seconds, 12-14 milliseconds, 15-17 microseconds, 18-19 nanoseconds.
    /// Only times from 2000 to 2100 count. Does not allocate.
    static func epoch(_ b: UnsafeRawBufferPointer, _ start: Int, _ end: Int)
        -> (timestamp: Timestamp, precision: TimePrecision)?
    {
        guard start >= 0, end <= b.count, start < end else { return nil }
        var i = start
        var mantissa: UInt64 = 0
        var significant = 0  // digits kept in `mantissa`
        var integerDigits = 0
        var seenPoint = false
        var anyDigit = false
        while i < end {
            let c = b[i]
            if c >= 0x30 && c <= 0x39 {
                anyDigit = true
                if significant == 0 && c == 0x30 && !seenPoint {
                    // Leading zeros carry no magnitude.
                } else if significant < 19 {
                    mantissa = mantissa * 10 + UInt64(c - 0x30)
                    significant += 1
                    if !seenPoint { integerDigits += 1 }
                } else if !seenPoint {
                    return nil  // more than 19 integer digits: not a time
                }
            } else if c == 0x2E && !seenPoint {
                seenPoint = true
            } else {
                break
            }
            i += 1
        }
        guard anyDigit else { return nil }
        var exponent = 0
        if i < end && (b[i] == 0x65 || b[i] == 0x45) {
            i += 1
            var negative = false
            if i < end && (b[i] == 0x2B || b[i] == 0x2D) {
                negative = b[i] == 0x2D
                i += 1
            }
            guard let run = b.digitRun(at: i), run.end <= end, run.value <= 40 else { return nil }
            exponent = negative ? -run.value : run.value
            i = run.end
        }
        guard i == end else { return nil }
        let magnitude = integerDigits + exponent  // digits before the decimal point
        let unitDigits: Int  // log10 of nanoseconds per unit
        switch magnitude {
        case 9...11: unitDigits = 9
        case 12...14: unitDigits = 6
        case 15...17: unitDigits = 3
        case 18...19: unitDigits = 0
        default: return nil
        }
        // value = mantissa * 10^(magnitude - significant) units; in ns shift by unitDigits more.
        let shift = magnitude - significant + unitDigits
        var nanos = mantissa
        if shift >= 0 {
            for _ in 0..<shift {
                let r = nanos.multipliedReportingOverflow(by: 10)
                guard !r.overflow else { return nil }
                nanos = r.partialValue
            }
        } else {
            for _ in 0..<(-shift) { nanos /= 10 }
        }
        guard nanos >= 946_684_800_000_000_000, nanos < 4_102_444_800_000_000_000 else { return nil }
        let fractionDigits = (9 - unitDigits) + max(0, significant - magnitude)
        return (Timestamp(nanoseconds: Int64(nanos)), TimePrecision(fractionDigits: min(fractionDigits, 9)))
    }

    /// A level value: a word, or a pino (10-60) or syslog (0-7) number.
    static func level(of m: JSONMember, in b: UnsafeRawBufferPointer) -> Level? {
        let start = Int(m.value.start), end = Int(m.value.end)
        switch m.kind {
        case .string:
            var s = start, e = end
            while s < e && b[s] == 0x20 { s += 1 }
            while e > s && b[e - 1] == 0x20 { e -= 1 }
            if let level = Level(word: b.slice(s, e)) { return level }
            // Serilog and .NET spell two levels out in full.
            if e - s == 11 && IDScanner.matchesFolded(b, "information", at: s, end: e) { return .info }
            if e - s == 7 && IDScanner.matchesFolded(b, "verbose", at: s, end: e) { return .trace }
            return nil
        case .number:
            guard end - start <= 2, let v = b.digits(at: start, count: end - start) else { return nil }
            switch v {
            case 0...7: return Level(syslogPriority: v)
            case 10: return .trace
            case 20: return .debug
            case 30: return .info
            case 40: return .warning
            case 50: return .error
            case 60: return .critical
            default: return nil
            }
        default:
            return nil
        }
    }

    final class Parser: LineParser {
        let zone: ZoneRules
        let referenceTime: Timestamp
        /// Objects without a time keep the previous entry's, so they stay in place.
        var lastTimestamp = Timestamp(nanoseconds: 0)
        var lastPrecision = TimePrecision.seconds

        init(zone: ZoneRules, referenceTime: Timestamp) {
            self.zone = zone
            self.referenceTime = referenceTime
        }

        func scan(_ line: UnsafeRawBufferPointer, into facts: inout LineFacts) -> LineKind {
            var start = 0
            if line.count >= 3 && line[0] == 0xEF && line[1] == 0xBB && line[2] == 0xBF { start = 3 }  // BOM
            guard var object = JSONFieldScanner(line, objectAt: start) else { return .continuation }
            var timeRank = Int.max
            var time = (timestamp: lastTimestamp, precision: lastPrecision)
            var level: Level? = nil
            while let m = object.next() {
                switch JSONLinesFormat.role(of: m, in: line) {
                case .time(let rank):
                    if rank < timeRank,
                        let t = JSONLinesFormat.timestamp(of: m, in: line, zone: zone, referenceTime: referenceTime)
                    {
                        time = t
                        timeRank = rank
                    }
                case .level:
                    if level == nil { level = JSONLinesFormat.level(of: m, in: line) }
                case .message:
                    if m.kind == .string {
                        IDScanner.scan(line, from: Int(m.value.start), to: Int(m.value.end), into: &facts.ids)
                    }
                case .requestID:
                    appendID(m, kind: .request, line, &facts.ids)
                case .traceID:
                    appendID(m, kind: .trace, line, &facts.ids)
                case .traceparent:
                    appendTraceparent(m, line, &facts.ids)
                case .nestedLevel, .nestedTrace, .nestedHTTP:
                    readNested(m, line, &level, &facts.ids)
                case .other:
                    break
                }
            }
            guard object.membersRead > 0 || object.state == .finished else { return .continuation }
            lastTimestamp = time.timestamp
            lastPrecision = time.precision
            facts.timestamp = time.timestamp
            facts.precision = time.precision
            facts.level = level ?? .unknown
            facts.messageStart = 0
            return .start
        }

        /// `{"log": {"level": …}}`, `{"trace": {"id": …}}`, `{"http": {"request_id": …}}` (ECS style).
        private func readNested(
            _ m: JSONMember, _ line: UnsafeRawBufferPointer, _ level: inout Level?, _ ids: inout IDSlots
        ) {
            guard m.kind == .object, var inner = JSONFieldScanner(line, objectAt: Int(m.value.start)) else { return }
            let role = JSONLinesFormat.role(of: m, in: line)
            while let n = inner.next() {
                switch role {
                case .nestedLevel where JSONFieldScanner.key(n, in: line, is: "level"):
                    if level == nil { level = JSONLinesFormat.level(of: n, in: line) }
                case .nestedTrace where JSONFieldScanner.key(n, in: line, is: "id"):
                    appendID(n, kind: .trace, line, &ids)
                case .nestedHTTP where JSONFieldScanner.key(n, in: line, is: "request_id"):
                    appendID(n, kind: .request, line, &ids)
                default:
                    break
                }
            }
        }

        private func appendID(_ m: JSONMember, kind: IDKind, _ line: UnsafeRawBufferPointer, _ ids: inout IDSlots) {
            guard m.kind == .string || m.kind == .number, m.value.count <= IDScanner.maximumValueLength else { return }
            IDScanner.appendUnique(m.value, kind: kind, in: line, to: &ids)
        }

        private func appendTraceparent(_ m: JSONMember, _ line: UnsafeRawBufferPointer, _ ids: inout IDSlots) {
            guard m.kind == .string,
                let trace = IDScanner.traceparentTraceID(line, at: Int(m.value.start), end: Int(m.value.end))
            else { return }
            IDScanner.appendUnique(trace, kind: .trace, in: line, to: &ids)
        }

        func annotate(_ text: UnsafeRawBufferPointer) -> [Field] {
            var start = 0
            if text.count >= 3 && text[0] == 0xEF && text[1] == 0xBB && text[2] == 0xBF { start = 3 }
            guard var object = JSONFieldScanner(text, objectAt: start) else { return [] }
            var fields: [Field] = []
            while let m = object.next() {
                let key = JSONFieldScanner.decodeString(text.slice(m.key))
                let raw = text.slice(m.value)
                let value: String
                switch m.kind {
                case .string: value = JSONFieldScanner.decodeString(raw)
                case .object, .array: value = JSONFieldScanner.compactText(raw)
                default: value = String(decoding: raw, as: UTF8.self)
                }
                fields.append(Field(key, value))
            }
            return fields
        }
    }
}
