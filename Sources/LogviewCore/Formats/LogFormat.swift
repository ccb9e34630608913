/// A log format: turns physical lines (bytes) into entries.
///
/// Formats are split lnav-style into a cheap `scan` that runs once per line while indexing
/// (timestamp, level, ids; no allocation) and an expensive `annotate` that runs only for an entry a
/// person looks at (all fields, for the detail view).
public protocol LogFormat: Sendable {
    /// Stable identifier used by `--format` and the config (`nginx-access`, `postgresql`...).
    var name: String { get }
    /// What a person calls a source in this format when nothing else names it (`nginx`, `postgresql`).
    var defaultSourceName: String { get }
    /// A new parser for one source; parsers carry state across the lines of that source.
    func makeParser(_ options: FormatOptions) throws -> any LineParser
}

/// Reads lines of one source, in order. Not thread-safe: one per source (or chunk).
public protocol LineParser: AnyObject {
    /// Classifies one physical line (line terminator and a trailing CR removed) and, for a line
    /// that starts an entry, fills `facts`. `facts` arrives reset. Must not allocate per line.
    func scan(_ line: UnsafeRawBufferPointer, into facts: inout LineFacts) -> LineKind

    /// All fields of an entry for the detail view and JSON; only called for entries shown.
    /// `text` is the whole entry: its first line and any continuation lines (LF-separated, CRs kept).
    func annotate(_ text: UnsafeRawBufferPointer) -> [Field]

    /// Whether a fresh parser and one that has read earlier lines read every line alike from the
    /// first line both classify as `.start`: the state after a start line depends on that line
    /// only. Such a format may be parsed in chunks on several threads (`ChunkedScan`).
    var resynchronizesAtEntryStart: Bool { get }
}

extension LineParser {
    public func annotate(_ text: UnsafeRawBufferPointer) -> [Field] { [] }
    public var resynchronizesAtEntryStart: Bool { false }
}

/// What a line is to the entry structure.
public enum LineKind: Sendable, Equatable {
    /// The line begins a new entry; `facts` holds its timestamp and more.
    case start
    /// The line belongs to the entry above (stack frame, tab-continued SQL, a PostgreSQL DETAIL
    /// of the same statement). Any ids set in `facts.ids` are added to that entry.
    case continuation
}

/// A named value of an entry, shown in the detail view.
public struct Field: Sendable, Equatable {
    public var name: String
    public var value: String
    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

/// Per-source settings a format needs.
public struct FormatOptions: Sendable {
    /// The zone of naive timestamps (a log that prints wall-clock time without a zone).
    public var zone: ZoneRules
    /// nginx `log_format` string for access logs (nil: `combined`).
    public var nginxLogFormat: String?
    /// PostgreSQL `log_line_prefix` (nil: Debian's `'%m [%p] %q%u@%d '`).
    public var postgresLinePrefix: String?
    /// A time near the log's content (e.g. the file's mtime): completes timestamps that omit the year.
    public var referenceTime: Timestamp

    public init(
        zone: ZoneRules = .utc, nginxLogFormat: String? = nil, postgresLinePrefix: String? = nil,
        referenceTime: Timestamp = Timestamp(nanoseconds: 0)
    ) {
        self.zone = zone
        self.nginxLogFormat = nginxLogFormat
        self.postgresLinePrefix = postgresLinePrefix
        self.referenceTime = referenceTime
    }
}

/// A half-open byte range inside the line being scanned.
public struct ByteRange: Sendable, Equatable {
    public var start: Int32
    public var end: Int32
    public init(_ start: Int, _ end: Int) {
        self.start = Int32(truncatingIfNeeded: start)
        self.end = Int32(truncatingIfNeeded: end)
    }
    public var count: Int { Int(end - start) }
    public var isEmpty: Bool { end <= start }
}

/// What kind of correlation id a value is. Values of both kinds live in one key space, so a
/// request id and a trace id seen in the same entry link their requests.
public enum IDKind: UInt8, Sendable {
    case request = 0
    case trace = 1
}

/// Up to four correlation ids found in one line, without allocating.
public struct IDSlots: Sendable, Equatable {
    public static let capacity = 4
    public private(set) var count = 0
    private var r0 = ByteRange(0, 0), r1 = ByteRange(0, 0), r2 = ByteRange(0, 0), r3 = ByteRange(0, 0)
    private var kinds: UInt8 = 0

    public init() {}

    /// Adds an id; ignores empty values, `-` (nginx and Python's "no value") and overflow.
    public mutating func append(_ range: ByteRange, kind: IDKind, in line: UnsafeRawBufferPointer) {
        guard count < IDSlots.capacity, !range.isEmpty, range.start >= 0, Int(range.end) <= line.count else { return }
        if range.count == 1 && line[Int(range.start)] == 0x2D { return }
        // "0000..." trace ids mean "no trace" in W3C and B3.
        var allZero = true
        for i in Int(range.start)..<Int(range.end) where line[i] != 0x30 { allZero = false; break }
        if allZero { return }
        switch count {
        case 0: r0 = range
        case 1: r1 = range
        case 2: r2 = range
        default: r3 = range
        }
        kinds |= kind.rawValue << UInt8(count)
        count += 1
    }

    public subscript(i: Int) -> (range: ByteRange, kind: IDKind) {
        let r: ByteRange =
            switch i {
            case 0: r0
            case 1: r1
            case 2: r2
            default: r3
            }
        return (r, IDKind(rawValue: (kinds >> UInt8(i)) & 1)!)
    }
}

/// Everything the index keeps about a line that starts an entry.
public struct LineFacts: Sendable {
    /// When the entry happened, UTC. For nginx access lines this is the request's end.
    public var timestamp = Timestamp(nanoseconds: 0)
    /// How precisely the log printed the time.
    public var precision = TimePrecision.seconds
    public var level = Level.unknown
    /// Where the message begins in the line: after a leading timestamp, else 0.
    public var messageStart = 0
    public var ids = IDSlots()
    /// A session the entry belongs to within its source (PostgreSQL backend pid); 0 = none.
    public var session: UInt64 = 0
    /// How long the request took, when the entry reports a finished request (nginx `$request_time`).
    public var duration: TimeSpan? = nil
    /// The client address (nginx `$remote_addr`, error.log `client:`).
    public var peer: ByteRange? = nil
    /// The HTTP request line (`GET /x HTTP/1.1`, nginx `$request`, error.log `request:`).
    public var requestLine: ByteRange? = nil

    public init() {}
}
