/// Severity of an entry, ordered from least to most severe; `unknown` sorts lowest.
///
/// The names follow syslog, with `trace` below `debug` for Java and Python loggers.
public enum Level: UInt8, Sendable, Comparable, CaseIterable {
    case unknown = 0, trace, debug, info, notice, warning, error, critical, alert, emergency

    public static func < (a: Level, b: Level) -> Bool { a.rawValue < b.rawValue }

    /// The lower-case name used in JSON output and accepted by `--level`.
    public var name: String {
        switch self {
        case .unknown: "unknown"
        case .trace: "trace"
        case .debug: "debug"
        case .info: "info"
        case .notice: "notice"
        case .warning: "warn"
        case .error: "error"
        case .critical: "crit"
        case .alert: "alert"
        case .emergency: "emerg"
        }
    }

    /// A fixed-width (5 columns) tag for text output.
    public var tag: String {
        switch self {
        case .unknown: "-    "
        case .trace: "TRACE"
        case .debug: "DEBUG"
        case .info: "INFO "
        case .notice: "NOTE "
        case .warning: "WARN "
        case .error: "ERROR"
        case .critical: "CRIT "
        case .alert: "ALERT"
        case .emergency: "EMERG"
        }
    }

    /// The syslog/journal PRIORITY value (0 emerg ... 7 debug).
    public init(syslogPriority p: Int) {
        switch p {
        case 0: self = .emergency
        case 1: self = .alert
        case 2: self = .critical
        case 3: self = .error
        case 4: self = .warning
        case 5: self = .notice
        case 6: self = .info
        case 7: self = .debug
        default: self = .unknown
        }
    }

    /// Recognises a level word as loggers print it, case-insensitively, from raw bytes:
    /// TRACE, DEBUG (and PostgreSQL's DEBUG1-5), INFO, LOG, NOTICE, WARN/WARNING, ERROR/ERR, SEVERE,
    /// FATAL, CRITICAL/CRIT, ALERT, EMERG/PANIC. Does not allocate.
    public init?(word: UnsafeRawBufferPointer) {
        guard word.count >= 3, word.count <= 8 else { return nil }
        // Pack the upper-cased letters into one integer so matching is a single table probe.
        var packed: UInt64 = 0
        for i in 0..<word.count {
            var c = word[i]
            if c >= 0x61 && c <= 0x7A { c -= 0x20 }
            guard (c >= 0x41 && c <= 0x5A) || (c >= 0x30 && c <= 0x39) else { return nil }
            packed = packed << 8 | UInt64(c)
        }
        guard let level = Level.wordTable[packed] else { return nil }
        self = level
    }

    private static let wordTable: [UInt64: Level] = {
        let words: [(String, Level)] = [
            ("TRACE", .trace), ("FINEST", .trace), ("FINER", .trace),
            ("DEBUG", .debug), ("FINE", .debug), ("DEBUG1", .debug), ("DEBUG2", .debug),
            ("DEBUG3", .debug), ("DEBUG4", .debug), ("DEBUG5", .debug),
            ("INFO", .info), ("LOG", .info), ("CONFIG", .info),
            ("NOTICE", .notice),
            ("WARN", .warning), ("WARNING", .warning),
            ("ERROR", .error), ("ERR", .error), ("SEVERE", .error),
            ("FATAL", .critical), ("CRITICAL", .critical), ("CRIT", .critical),
            ("ALERT", .alert), ("EMERG", .emergency), ("PANIC", .emergency),
        ]
        var table: [UInt64: Level] = [:]
        for (w, l) in words { table[w.utf8.reduce(0) { $0 << 8 | UInt64($1) }] = l }
        return table
    }()

    /// Parses `--level` arguments and config values ("warn", "warning", "err", "3"...).
    public init?(name: String) {
        if let p = Int(name) { self.init(syslogPriority: p); if self == .unknown { return nil }; return }
        let bytes = Array(name.utf8)
        guard let parsed = bytes.withUnsafeBytes({ Level(word: $0) }) else { return nil }
        self = parsed
    }

}
