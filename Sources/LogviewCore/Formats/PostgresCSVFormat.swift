/// PostgreSQL's csvlog (`log_destination = csvlog`): one CSV record per entry, in the 23-column
/// (PostgreSQL 12), 24-column (13, `backend_type`) or 26-column (14 and later, `leader_pid`,
/// `query_id`) layout; later columns are always appended, so one list of names serves all.
///
/// A quoted value may hold newlines, so a record can span several physical lines; the parser
/// tracks whether a quoted value is still open at the end of a line and makes the lines inside it
/// continuations. Should quotes ever get out of step (a record cut short by a crash), a line that
/// is on its own a complete record with a timestamp brings the parser back in step. The session is
/// the `process_id` column; ids come from sqlcommenter comments in any line of the record.
public struct PostgresCSVFormat: LogFormat {
    public init() {}

    public var name: String { "postgresql-csv" }
    public var defaultSourceName: String { "postgresql" }

    public func makeParser(_ options: FormatOptions) throws -> any LineParser {
        PostgresCSVParser(zone: options.zone)
    }

    /// The csvlog columns in order, by their PostgreSQL names.
    public static let columnNames = [
        "log_time", "user_name", "database_name", "process_id", "connection_from", "session_id",
        "session_line_num", "command_tag", "session_start_time", "virtual_transaction_id", "transaction_id",
        "error_severity", "sql_state_code", "message", "detail", "hint", "internal_query", "internal_query_pos",
        "context", "query", "query_pos", "location", "application_name", "backend_type", "leader_pid", "query_id",
    ]

    static let processIDColumn = 3
    static let severityColumn = 11
    static let messageColumn = 13
    /// The fewest columns a record has (PostgreSQL 12 and earlier).
    static let minimumColumns = 23
}

/// Reads one csvlog; remembers whether a quoted value is open across lines.
final class PostgresCSVParser: LineParser {
    let zone: ZoneRules
    /// Whether the previous line ended inside a quoted value.
    private var insideQuotes = false

    init(zone: ZoneRules) { self.zone = zone }

    /// Does not allocate; called once per line.
    func scan(_ line: UnsafeRawBufferPointer, into facts: inout LineFacts) -> LineKind {
        if insideQuotes && !isCompleteRecord(line) {
            if hasOddQuotes(line) { insideQuotes = false }
            SQLCommenter.scan(line, into: &facts.ids)
            return .continuation
        }
        guard let time = PostgresLinePrefix.readTimestamp(line, at: 0, zone: zone), time.end < line.count,
            line[time.end] == 0x2C
        else {
            // Not a record's first line, and outside quotes: its quotes are not ours to count.
            SQLCommenter.scan(line, into: &facts.ids)
            return .continuation
        }
        facts.timestamp = time.timestamp
        facts.precision = time.precision
        facts.messageStart = time.end + 1
        var cursor = CSVFieldCursor(line: line, at: time.end + 1, column: 1)
        while let field = cursor.next() {
            switch field.column {
            case PostgresCSVFormat.processIDColumn:
                if let pid = line.digitRun(at: Int(field.range.start)), pid.end == Int(field.range.end) {
                    facts.session = UInt64(pid.value)
                }
            case PostgresCSVFormat.severityColumn:
                facts.level = PostgresSeverity(word: line.slice(field.range))?.level ?? .unknown
            case PostgresCSVFormat.messageColumn:
                facts.duration = PostgresStderrFormat.duration(line, messageAt: Int(field.range.start))?.span
            default:
                break
            }
        }
        insideQuotes = cursor.endsInsideQuotes
        SQLCommenter.scan(line, from: time.end, into: &facts.ids)
        return .start
    }

    /// Every non-empty column by its PostgreSQL name (`column_27`... past the known ones),
    /// `duration_ms`, and `request_id`/`trace_id`. With only the first line of a multi-line record,
    /// the columns after the first line break are missing and the open value is cut there.
    func annotate(_ text: UnsafeRawBufferPointer) -> [Field] {
        let values = PostgresCSVParser.record(text)
        var fields: [Field] = []
        for (k, value) in values.enumerated() where !value.isEmpty {
            let names = PostgresCSVFormat.columnNames
            fields.append(Field(k < names.count ? names[k] : "column_\(k + 1)", value))
            if k == PostgresCSVFormat.messageColumn {
                let bytes = Array(value.utf8)
                if let d = bytes.withUnsafeBytes({ PostgresStderrFormat.duration($0, messageAt: 0) }) {
                    let number = bytes[Int(d.range.start)..<Int(d.range.end)]
                    fields.append(Field("duration_ms", String(decoding: number, as: UTF8.self)))
                }
            }
        }
        fields += SQLCommenter.idFields(text)
        return fields
    }

    /// Whether a line is by itself a whole record: a timestamp, then at least the fewest columns a
    /// record has, with every quote closed.
    private func isCompleteRecord(_ line: UnsafeRawBufferPointer) -> Bool {
        guard line.isDigit(at: 0), let time = PostgresLinePrefix.readTimestamp(line, at: 0, zone: zone),
            time.end < line.count, line[time.end] == 0x2C
        else { return false }
        var cursor = CSVFieldCursor(line: line, at: time.end + 1, column: 1)
        var columns = 1
        while let field = cursor.next() { columns = field.column + 1 }
        return !cursor.endsInsideQuotes && columns >= PostgresCSVFormat.minimumColumns
    }

    private func hasOddQuotes(_ line: UnsafeRawBufferPointer) -> Bool {
        var odd = false
        for b in line where b == 0x22 { odd.toggle() }
        return odd
    }

    /// The values of one record (quotes removed, `""` made `"`), reading across line breaks
    /// inside quoted values. Allocates; for `annotate`.
    static func record(_ text: UnsafeRawBufferPointer) -> [String] {
        var values: [String] = []
        var value: [UInt8] = []
        var i = 0
        while true {
            value.removeAll(keepingCapacity: true)
            if i < text.count, text[i] == 0x22 {
                i += 1
                while i < text.count {
                    if text[i] == 0x22 {
                        if i + 1 < text.count, text[i + 1] == 0x22 {
                            value.append(0x22)
                            i += 2
                            continue
                        }
                        i += 1
                        break
                    }
                    value.append(text[i])
                    i += 1
                }
            }
            while i < text.count, text[i] != 0x2C, text[i] != 0x0A {
                value.append(text[i])
                i += 1
            }
            if value.last == 0x0D, i >= text.count || text[i] == 0x0A { value.removeLast() }
            values.append(String(decoding: value, as: UTF8.self))
            guard i < text.count, text[i] == 0x2C else { break }
            i += 1
        }
        return values
    }
}

/// Walks the fields of one physical CSV line without allocating.
struct CSVFieldCursor {
    let line: UnsafeRawBufferPointer
    private var pos: Int
    private var column: Int
    /// Whether the line ended inside a quoted value (the record goes on on the next line).
    private(set) var endsInsideQuotes = false

    init(line: UnsafeRawBufferPointer, at pos: Int, column: Int) {
        self.line = line
        self.pos = pos
        self.column = column
    }

    /// The next field: its column and its bytes (quotes excluded, `""` left as is); nil at the end
    /// of the line. A quoted value left open yields the part on this line, then nil.
    mutating func next() -> (column: Int, range: ByteRange)? {
        guard pos <= line.count, !endsInsideQuotes else { return nil }
        let current = column
        column += 1
        guard pos < line.count, line[pos] == 0x22 else {
            let end = line.firstIndex(of: 0x2C, from: pos) ?? line.count
            defer { pos = end + 1 }
            return (current, ByteRange(pos, end))
        }
        var i = pos + 1
        while true {
            guard let quote = line.firstIndex(of: 0x22, from: i) else {
                endsInsideQuotes = true
                return (current, ByteRange(pos + 1, line.count))
            }
            if quote + 1 < line.count, line[quote + 1] == 0x22 {
                i = quote + 2
                continue
            }
            let range = ByteRange(pos + 1, quote)
            // Anything between the closing quote and the comma is not valid CSV; read past it.
            let end = line.firstIndex(of: 0x2C, from: quote + 1) ?? line.count
            pos = end + 1
            return (current, range)
        }
    }
}
