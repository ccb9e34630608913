/// The severity word PostgreSQL prints before a message (`LOG:  `, `ERROR:  `, `DETAIL:  `...),
/// and in the `error_severity` column of csvlog and jsonlog.
///
/// The secondary words (`DETAIL`, `HINT`, `STATEMENT`, `CONTEXT`, `QUERY`, `LOCATION`) are not
/// severities of their own: PostgreSQL prints them as extra lines of the message before them.
public enum PostgresSeverity: UInt8, Sendable, CaseIterable {
    case debug, info, notice, warning, error, log, fatal, panic
    case detail, hint, statement, context, query, location

    /// The entry level of a primary severity; `.unknown` for the secondary words.
    public var level: Level {
        switch self {
        case .debug: .debug
        case .info, .log: .info
        case .notice: .notice
        case .warning: .warning
        case .error: .error
        case .fatal: .critical
        case .panic: .emergency
        case .detail, .hint, .statement, .context, .query, .location: .unknown
        }
    }

    /// Whether the word continues the message above it rather than starting one.
    public var isSecondary: Bool { rawValue >= PostgresSeverity.detail.rawValue }

    /// The field name the secondary part has in csvlog and jsonlog (`detail`, `statement`...).
    public var fieldName: String {
        switch self {
        case .debug: "debug"
        case .info: "info"
        case .notice: "notice"
        case .warning: "warning"
        case .error: "error"
        case .log: "log"
        case .fatal: "fatal"
        case .panic: "panic"
        case .detail: "detail"
        case .hint: "hint"
        case .statement: "statement"
        case .context: "context"
        case .query: "query"
        case .location: "location"
        }
    }

    /// Recognises the upper-case word exactly as PostgreSQL prints it (`DEBUG1`...`DEBUG5` are
    /// `.debug`). Does not allocate.
    public init?(word w: UnsafeRawBufferPointer) {
        switch w.count {
        case 3:
            if w.matches("LOG", at: 0) { self = .log; return }
        case 4:
            if w.matches("INFO", at: 0) { self = .info; return }
            if w.matches("HINT", at: 0) { self = .hint; return }
        case 5:
            if w.matches("ERROR", at: 0) { self = .error; return }
            if w.matches("FATAL", at: 0) { self = .fatal; return }
            if w.matches("PANIC", at: 0) { self = .panic; return }
            if w.matches("QUERY", at: 0) { self = .query; return }
            if w.matches("DEBUG", at: 0) { self = .debug; return }
        case 6:
            if w.matches("NOTICE", at: 0) { self = .notice; return }
            if w.matches("DETAIL", at: 0) { self = .detail; return }
            if w.matches("DEBUG", at: 0), w[5] >= 0x31, w[5] <= 0x35 { self = .debug; return }
        case 7:
            if w.matches("WARNING", at: 0) { self = .warning; return }
            if w.matches("CONTEXT", at: 0) { self = .context; return }
        case 8:
            if w.matches("LOCATION", at: 0) { self = .location; return }
        case 9:
            if w.matches("STATEMENT", at: 0) { self = .statement; return }
        default:
            break
        }
        return nil
    }

    /// Reads `WORD:  ` at `at` (one or two spaces after the colon, as PostgreSQL prints two):
    /// the severity and where its message begins. Does not allocate.
    public static func read(_ line: UnsafeRawBufferPointer, at: Int)
        -> (severity: PostgresSeverity, messageStart: Int)?
    {
        guard at >= 0 else { return nil }
        var i = at
        while i < line.count, i - at < 9, (line[i] >= 0x41 && line[i] <= 0x5A) || (line[i] >= 0x30 && line[i] <= 0x39) {
            i += 1
        }
        guard i > at, i + 1 < line.count, line[i] == 0x3A, line[i + 1] == 0x20,
            let severity = PostgresSeverity(word: line.slice(at, i))
        else { return nil }
        let start = i + 2 < line.count && line[i + 2] == 0x20 ? i + 3 : i + 2
        return (severity, start)
    }
}
