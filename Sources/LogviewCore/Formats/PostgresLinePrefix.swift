/// A compiled PostgreSQL `log_line_prefix`, matched against the start of stderr log lines.
///
/// Compiled once per source; matching works on a line's bytes and does not allocate. Values of
/// free text (user, database, application...) end where the literal after them is found; when
/// that is ambiguous (an application name with spaces), a bounded number of later occurrences is
/// tried until the rest of the prefix, and the severity word after it, fit. `%q` is honoured: in
/// processes outside a session (checkpointer, autovacuum, postmaster) the line goes on with the
/// message right where `%q` stands.
///
/// Escapes PostgreSQL does not know print nothing, as in PostgreSQL; two free-text escapes with
/// nothing between them (`%u%d`) cannot be told apart, and the first one takes up to a space.
public struct PostgresLinePrefix: Sendable {
    /// Debian's and Ubuntu's default `log_line_prefix`, used when a source does not name one.
    public static let debianDefault = "%m [%p] %q%u@%d "

    /// One `%` escape of `log_line_prefix`.
    public enum Escape: UInt8, Sendable, CaseIterable {
        /// `%a`
        case applicationName
        /// `%u`
        case userName
        /// `%d`
        case databaseName
        /// `%r`: host and port, `10.0.1.10(38584)`.
        case remoteHostAndPort
        /// `%h`
        case remoteHost
        /// `%b`: `client backend`, `checkpointer`...
        case backendType
        /// `%p`
        case processID
        /// `%P`: the parallel group leader's pid, empty when there is none.
        case leaderProcessID
        /// `%t`: `2026-01-30 14:02:03 KST`.
        case timestamp
        /// `%m`: `2026-01-30 14:02:03.123 KST`.
        case timestampMilliseconds
        /// `%n`: `1769749323.123`.
        case epochMilliseconds
        /// `%i`: the command tag (`SELECT`, `idle in transaction`).
        case commandTag
        /// `%e`
        case sqlState
        /// `%c`: `65a1b2c3.1f4`, session start and pid in hex.
        case sessionID
        /// `%l`
        case sessionLineNumber
        /// `%s`
        case sessionStartTime
        /// `%v`: `3/17`, empty outside a backend.
        case virtualTransactionID
        /// `%x`
        case transactionID
        /// `%Q`
        case queryID

        /// The escape letter after `%`.
        public var letter: Character {
            switch self {
            case .applicationName: "a"
            case .userName: "u"
            case .databaseName: "d"
            case .remoteHostAndPort: "r"
            case .remoteHost: "h"
            case .backendType: "b"
            case .processID: "p"
            case .leaderProcessID: "P"
            case .timestamp: "t"
            case .timestampMilliseconds: "m"
            case .epochMilliseconds: "n"
            case .commandTag: "i"
            case .sqlState: "e"
            case .sessionID: "c"
            case .sessionLineNumber: "l"
            case .sessionStartTime: "s"
            case .virtualTransactionID: "v"
            case .transactionID: "x"
            case .queryID: "Q"
            }
        }

        /// The name the value has in the detail view (`pid`, `user`, `database`, `session_id`...).
        public var fieldName: String {
            switch self {
            case .applicationName: "application"
            case .userName: "user"
            case .databaseName: "database"
            case .remoteHostAndPort: "remote"
            case .remoteHost: "host"
            case .backendType: "backend_type"
            case .processID: "pid"
            case .leaderProcessID: "leader_pid"
            case .timestamp, .timestampMilliseconds, .epochMilliseconds: "timestamp"
            case .commandTag: "command_tag"
            case .sqlState: "sqlstate"
            case .sessionID: "session_id"
            case .sessionLineNumber: "line_number"
            case .sessionStartTime: "session_start"
            case .virtualTransactionID: "virtual_xid"
            case .transactionID: "xid"
            case .queryID: "query_id"
            }
        }

        /// Whether the value marks when the line was written.
        public var isTime: Bool { self == .timestamp || self == .timestampMilliseconds || self == .epochMilliseconds }

        init?(letter: UInt8) {
            guard let e = Escape.allCases.first(where: { $0.letter.asciiValue == letter }) else { return nil }
            self = e
        }
    }

    /// What one escape's value looks like, so its end can be found without help from the next literal.
    enum Shape: Sendable {
        case freeText, time, epoch, digits, optionalDigits, signedDigits, sqlState, sessionID, virtualXID
    }

    /// Where a free-text value ends.
    enum Terminator: Sendable {
        /// At an occurrence of the literal that follows it (offset and length in `literalBytes`).
        case literal(start: Int, count: Int)
        /// At a space: another escape follows with nothing between.
        case space
        /// Where the severity word begins: the escape ends the prefix.
        case severity
    }

    struct Element: Sendable {
        enum Kind: Sendable { case literal, escape, sessionCut }
        var kind: Kind
        var escape = Escape.processID
        var padding = 0
        var literalStart = 0
        var literalCount = 0
        var terminator = Terminator.severity
    }

    /// The `log_line_prefix` this was compiled from.
    public let format: String
    /// Whether lines carry their time (`%t`, `%m` or `%n`). Without one, entries cannot be placed in
    /// time: their timestamp is 0.
    public let hasTime: Bool
    /// Whether the line's first value is its time, so the message can start after it.
    public let startsWithTime: Bool
    let elements: [Element]
    let literalBytes: [UInt8]

    /// Compiles `format` as PostgreSQL reads it: `%%` is a percent sign, `%-10u`/`%10p` pad,
    /// unknown escapes and a lone trailing `%` print nothing. Never fails.
    public init(_ format: String) {
        self.format = format
        let f = Array(format.utf8)
        var elements: [Element] = []
        var literals: [UInt8] = []
        var pendingStart = 0
        func flushLiteral() {
            if literals.count > pendingStart {
                elements.append(
                    Element(kind: .literal, literalStart: pendingStart, literalCount: literals.count - pendingStart))
            }
            pendingStart = literals.count
        }
        var i = 0
        scanning: while i < f.count {
            guard f[i] == 0x25 else {
                literals.append(f[i])
                i += 1
                continue
            }
            i += 1
            var sign = 1, width = 0
            if i < f.count, f[i] == 0x2D {
                sign = -1
                i += 1
            }
            while i < f.count, f[i] >= 0x30, f[i] <= 0x39 {
                width = min(width * 10 + Int(f[i] - 0x30), 10_000)
                i += 1
            }
            guard i < f.count else { break scanning }
            let letter = f[i]
            i += 1
            if letter == 0x25 {
                literals.append(0x25)
            } else if letter == 0x71 {  // q
                flushLiteral()
                elements.append(Element(kind: .sessionCut))
            } else if let escape = Escape(letter: letter) {
                flushLiteral()
                elements.append(Element(kind: .escape, escape: escape, padding: sign * width))
            }
        }
        flushLiteral()
        // A free-text value ends at the literal after it (past any `%q`), at a space before another
        // escape, or at the severity word when nothing follows.
        for k in elements.indices where elements[k].kind == .escape {
            var n = k + 1
            while n < elements.count, elements[n].kind == .sessionCut { n += 1 }
            if n == elements.count {
                elements[k].terminator = .severity
            } else if elements[n].kind == .literal {
                elements[k].terminator = .literal(start: elements[n].literalStart, count: elements[n].literalCount)
            } else {
                elements[k].terminator = .space
            }
        }
        self.elements = elements
        self.literalBytes = literals
        hasTime = elements.contains { $0.kind == .escape && $0.escape.isTime }
        startsWithTime = elements.first.map { $0.kind == .escape && $0.escape.isTime } ?? false
    }

    static func shape(of escape: Escape) -> Shape {
        switch escape {
        case .applicationName, .userName, .databaseName, .remoteHostAndPort, .remoteHost, .backendType, .commandTag:
            .freeText
        case .timestamp, .timestampMilliseconds, .sessionStartTime: .time
        case .epochMilliseconds: .epoch
        case .processID, .sessionLineNumber, .transactionID: .digits
        case .leaderProcessID: .optionalDigits
        case .queryID: .signedDigits
        case .sqlState: .sqlState
        case .sessionID: .sessionID
        case .virtualTransactionID: .virtualXID
        }
    }

    /// Reads the time `%t`, `%m`, `%s` and csvlog/jsonlog print: `2026-01-30 14:02:03[.123] ZONE`,
    /// where ZONE is an abbreviation (`KST`, resolved in `zone` first, then the common table) or a
    /// numeric one (`-05`, `+0530`). An abbreviation nobody knows leaves the time naive, read in `zone`.
    /// Does not allocate.
    public static func readTimestamp(_ b: UnsafeRawBufferPointer, at p: Int, zone: ZoneRules)
        -> TimestampParsing.Parsed?
    {
        // Years outside 1678...2261 do not fit Int64 nanoseconds; TimestampParsing would overflow.
        guard p >= 0, p + 19 <= b.count, b[p + 10] == 0x20, let year = b.digits(at: p, count: 4),
            year >= 1678, year <= 2261,
            var parsed = TimestampParsing.iso8601(b, at: p, zone: zone, abbreviations: true)
        else { return nil }
        let fractionEnd = TimestampParsing.fraction(b, at: p + 19).end
        if parsed.end == fractionEnd, fractionEnd + 1 < b.count, b[fractionEnd] == 0x20, isLetter(b[fractionEnd + 1]) {
            var i = fractionEnd + 1
            while i < b.count, i - fractionEnd <= 6, isLetter(b[i]) { i += 1 }
            parsed.end = i
        }
        return parsed
    }

    @inline(__always)
    static func isLetter(_ c: UInt8) -> Bool { (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) }
}

/// One escape's value as a line printed it.
struct PostgresPrefixValue {
    /// The value's bytes, padding removed.
    var range: ByteRange
    /// The value of a numeric escape; for `%c`, the pid in it.
    var number: UInt64 = 0
    /// The time of `%t`, `%m`, `%n`, `%s`.
    var time = Timestamp(nanoseconds: 0)
    var precision = TimePrecision.seconds
}

/// Receives the values of a matched prefix. Values arrive only for a successful match, in no
/// particular order; `element` is the escape's position in the prefix.
protocol PostgresPrefixSink {
    mutating func take(_ escape: PostgresLinePrefix.Escape, element: Int, value: PostgresPrefixValue)
}

/// Collects every prefix value, for `annotate`.
struct PostgresPrefixFields: PostgresPrefixSink {
    var values: [(element: Int, escape: PostgresLinePrefix.Escape, range: ByteRange)] = []

    mutating func take(_ escape: PostgresLinePrefix.Escape, element: Int, value: PostgresPrefixValue) {
        values.append((element, escape, value.range))
    }
}

/// How a line's prefix matched.
struct PostgresPrefixMatch {
    /// Where the prefix ends: the severity word, normally.
    var end: Int
    /// Whether the line stopped at `%q` (a process outside a session).
    var sessionCut: Bool
}

extension PostgresLinePrefix {
    /// Matches the prefix at the start of `line`, reporting every escape's value to `sink`.
    /// A match followed by a severity word is preferred; failing that, any match is taken.
    /// Does not allocate; tries at most a fixed number of splits.
    func match<Sink: PostgresPrefixSink>(_ line: UnsafeRawBufferPointer, zone: ZoneRules, sink: inout Sink)
        -> PostgresPrefixMatch?
    {
        var strict = PostgresPrefixMatcher(prefix: self, line: line, zone: zone, strict: true)
        if let m = strict.run(0, 0, &sink) { return m }
        var lenient = PostgresPrefixMatcher(prefix: self, line: line, zone: zone, strict: false)
        return lenient.run(0, 0, &sink)
    }
}

/// One attempt to match a prefix against a line, with a budget of steps.
private struct PostgresPrefixMatcher {
    let prefix: PostgresLinePrefix
    let line: UnsafeRawBufferPointer
    let zone: ZoneRules
    /// Whether the prefix must be followed by a severity word.
    let strict: Bool
    /// Steps left: bounds the work a line full of separators can cause.
    var budget = 256
    /// How many occurrences of a terminator a free-text value may try.
    static let candidatesPerValue = 8

    init(prefix: PostgresLinePrefix, line: UnsafeRawBufferPointer, zone: ZoneRules, strict: Bool) {
        self.prefix = prefix
        self.line = line
        self.zone = zone
        self.strict = strict
    }

    mutating func run<Sink: PostgresPrefixSink>(_ index: Int, _ pos: Int, _ sink: inout Sink) -> PostgresPrefixMatch? {
        budget -= 1
        guard budget >= 0, pos <= line.count else { return nil }
        guard index < prefix.elements.count else {
            if strict && PostgresSeverity.read(line, at: pos) == nil { return nil }
            return PostgresPrefixMatch(end: pos, sessionCut: false)
        }
        let element = prefix.elements[index]
        switch element.kind {
        case .literal:
            guard literal(element.literalStart, element.literalCount, matchesAt: pos) else { return nil }
            return run(index + 1, pos + element.literalCount, &sink)
        case .sessionCut:
            if PostgresSeverity.read(line, at: pos) != nil { return PostgresPrefixMatch(end: pos, sessionCut: true) }
            if let m = run(index + 1, pos, &sink) { return m }
            return strict ? nil : PostgresPrefixMatch(end: pos, sessionCut: true)
        case .escape:
            return matchEscape(element, index, pos, &sink)
        }
    }

    private mutating func matchEscape<Sink: PostgresPrefixSink>(
        _ element: PostgresLinePrefix.Element, _ index: Int, _ pos: Int, _ sink: inout Sink
    ) -> PostgresPrefixMatch? {
        // A positive padding right-aligns the value: spaces come first.
        let start = element.padding > 0 ? skipSpaces(from: pos) : pos
        let shape = PostgresLinePrefix.shape(of: element.escape)
        if shape != .freeText {
            guard let value = read(shape, at: start) else { return nil }
            let next = skipPadding(element.padding, valueStart: start, from: Int(value.range.end))
            if let m = run(index + 1, next, &sink) {
                sink.take(element.escape, element: index, value: value)
                return m
            }
            // A value that may be empty (`%P`, `%v`) may have taken digits that belong to what follows.
            guard shape == .optionalDigits || shape == .virtualXID, !value.range.isEmpty else { return nil }
            guard let m = run(index + 1, skipPadding(element.padding, valueStart: start, from: start), &sink)
            else { return nil }
            sink.take(element.escape, element: index, value: PostgresPrefixValue(range: ByteRange(start, start)))
            return m
        }
        var searchFrom = start
        for _ in 0..<PostgresPrefixMatcher.candidatesPerValue {
            guard let end = terminator(element.terminator, from: searchFrom) else { return nil }
            var valueEnd = end
            if element.padding < 0 {  // left-aligned: trailing spaces are padding
                while valueEnd > start, line[valueEnd - 1] == 0x20 { valueEnd -= 1 }
            }
            let next = skipPadding(element.padding, valueStart: start, from: end)
            if let m = run(index + 1, next, &sink) {
                sink.take(element.escape, element: index, value: PostgresPrefixValue(range: ByteRange(start, valueEnd)))
                return m
            }
            guard budget > 0 else { return nil }
            searchFrom = end + 1
        }
        return nil
    }

    /// A left-aligned value is followed by spaces up to the padding width.
    private func skipPadding(_ padding: Int, valueStart: Int, from end: Int) -> Int {
        guard padding < 0 else { return end }
        var i = end
        while i < line.count, i - valueStart < -padding, line[i] == 0x20 { i += 1 }
        return i
    }

    private func skipSpaces(from at: Int) -> Int {
        var i = at
        while i < line.count, line[i] == 0x20 { i += 1 }
        return i
    }

    private func literal(_ start: Int, _ count: Int, matchesAt pos: Int) -> Bool {
        guard pos >= 0, pos + count <= line.count else { return false }
        return prefix.literalBytes.withUnsafeBufferPointer { lit in
            for k in 0..<count where line[pos + k] != lit[start + k] { return false }
            return true
        }
    }

    /// The next place at or after `from` where a free-text value can end.
    private func terminator(_ t: PostgresLinePrefix.Terminator, from: Int) -> Int? {
        switch t {
        case .literal(let start, let count):
            var i = from
            while i + count <= line.count {
                if literal(start, count, matchesAt: i) { return i }
                i += 1
            }
            return nil
        case .space:
            return line.firstIndex(of: 0x20, from: from)
        case .severity:
            // Find a colon, then step back over the upper-case word before it.
            var i = from
            while let colon = line.firstIndex(of: 0x3A, from: i) {
                var w = colon
                while w > from, isUpperOrDigit(line[w - 1]) { w -= 1 }
                if w < colon, PostgresSeverity.read(line, at: w) != nil { return w }
                i = colon + 1
            }
            return nil
        }
    }

    /// Reads a value whose shape tells where it ends.
    private func read(_ shape: PostgresLinePrefix.Shape, at p: Int) -> PostgresPrefixValue? {
        switch shape {
        case .freeText:
            return nil
        case .time:
            guard let t = PostgresLinePrefix.readTimestamp(line, at: p, zone: zone) else { return nil }
            return PostgresPrefixValue(range: ByteRange(p, t.end), time: t.timestamp, precision: t.precision)
        case .epoch:
            guard let whole = line.digitRun(at: p), whole.value <= 9_000_000_000 else { return nil }
            let fraction = TimestampParsing.fraction(line, at: whole.end)
            let time = Timestamp(nanoseconds: Int64(whole.value) * 1_000_000_000 + fraction.nanos)
            return PostgresPrefixValue(
                range: ByteRange(p, fraction.end), time: time,
                precision: TimePrecision(fractionDigits: fraction.digits))
        case .digits:
            guard let run = line.digitRun(at: p) else { return nil }
            return PostgresPrefixValue(range: ByteRange(p, run.end), number: UInt64(run.value))
        case .optionalDigits:
            guard let run = line.digitRun(at: p) else { return PostgresPrefixValue(range: ByteRange(p, p)) }
            return PostgresPrefixValue(range: ByteRange(p, run.end), number: UInt64(run.value))
        case .signedDigits:
            let digitsAt = p < line.count && line[p] == 0x2D ? p + 1 : p
            guard let run = line.digitRun(at: digitsAt) else { return nil }
            return PostgresPrefixValue(range: ByteRange(p, run.end))
        case .sqlState:
            guard p + 5 <= line.count else { return nil }
            for k in p..<(p + 5) {
                let c = line[k]
                guard (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) else { return nil }
            }
            return PostgresPrefixValue(range: ByteRange(p, p + 5))
        case .sessionID:
            let startEnd = hexRun(from: p)
            guard startEnd > p, startEnd < line.count, line[startEnd] == 0x2E else { return nil }
            var pid: UInt64 = 0
            var i = startEnd + 1
            while i < line.count, i - startEnd <= 16, let d = hexValue(line[i]) {
                pid = pid << 4 | UInt64(d)
                i += 1
            }
            guard i > startEnd + 1 else { return nil }
            return PostgresPrefixValue(range: ByteRange(p, i), number: pid)
        case .virtualXID:
            guard let backend = line.digitRun(at: p) else { return PostgresPrefixValue(range: ByteRange(p, p)) }
            guard backend.end < line.count, line[backend.end] == 0x2F, let local = line.digitRun(at: backend.end + 1)
            else { return nil }
            return PostgresPrefixValue(range: ByteRange(p, local.end))
        }
    }

    @inline(__always)
    private func isUpperOrDigit(_ c: UInt8) -> Bool { (c >= 0x41 && c <= 0x5A) || (c >= 0x30 && c <= 0x39) }

    private func hexRun(from p: Int) -> Int {
        var i = p
        while i < line.count, hexValue(line[i]) != nil { i += 1 }
        return i
    }

    @inline(__always)
    private func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case 0x30...0x39: c - 0x30
        case 0x61...0x66: c - 0x61 + 10
        case 0x41...0x46: c - 0x41 + 10
        default: nil
        }
    }
}
