/// A TOML 1.0 reader for logview's config and theme files (no datetimes, which neither uses).
///
/// Our own small parser rather than a dependency: config errors must name the file, line and key
/// an operator has to fix, and every value remembers the line it was defined on for that.
public enum TOML {
    public struct Error: Swift.Error, Equatable, CustomStringConvertible {
        public var line: Int
        public var column: Int
        public var message: String
        public var description: String { "line \(line), column \(column): \(message)" }
    }

    /// Parses a document into its root table.
    public static func parse(_ text: String) throws(Error) -> TOMLTable {
        var p = Parser(Array(text.utf8))
        return try p.document()
    }
}

/// A TOML value.
public indirect enum TOMLValue: Equatable, Sendable {
    case string(String)
    case integer(Int64)
    case float(Double)
    case bool(Bool)
    case array([TOMLValue])
    case table(TOMLTable)

    /// What a person calls this kind of value in an error message.
    public var kindName: String {
        switch self {
        case .string: "a string"
        case .integer: "an integer"
        case .float: "a number"
        case .bool: "true or false"
        case .array: "an array"
        case .table: "a table"
        }
    }
}

/// A table: keys in definition order, each with the line it was defined on.
public struct TOMLTable: Equatable, Sendable {
    public private(set) var keys: [String] = []
    private var items: [String: (value: TOMLValue, line: Int)] = [:]
    /// The line of the `[header]` that defined the table, or of its first key.
    public var line: Int

    public init(line: Int = 0) { self.line = line }

    public subscript(key: String) -> TOMLValue? { items[key]?.value }
    public func line(of key: String) -> Int { items[key]?.line ?? line }

    mutating func set(_ key: String, _ value: TOMLValue, line: Int) {
        if items[key] == nil { keys.append(key) }
        items[key] = (value, line)
    }

    public static func == (a: TOMLTable, b: TOMLTable) -> Bool {
        a.keys == b.keys && a.keys.allSatisfy { a.items[$0]!.value == b.items[$0]!.value }
    }
}

private struct Parser {
    let b: [UInt8]
    var i = 0
    var line = 1
    var lineStart = 0
    var root = TOMLTable(line: 1)
    /// The current `[table]` or `[[array]]` path; array steps address their last element.
    var current: [String] = []
    /// Tables defined by a header or a dotted key, which a second header may not redefine.
    var defined: Set<[String]> = []
    /// Inline tables and static arrays, which nothing may extend.
    var sealed: Set<[String]> = []

    init(_ bytes: [UInt8]) { b = bytes }

    func fail(_ message: String) -> TOML.Error { TOML.Error(line: line, column: i - lineStart + 1, message: message) }

    var atEnd: Bool { i >= b.count }
    var peek: UInt8 { i < b.count ? b[i] : 0 }

    mutating func document() throws(TOML.Error) -> TOMLTable {
        if b.starts(with: [0xEF, 0xBB, 0xBF]) { i = 3 }
        while true {
            skipBlanks()
            if atEnd { break }
            switch peek {
            case 0x23:
                skipComment()
                continue
            case 0x0A, 0x0D:
                try newline()
                continue
            case 0x5B: try header()
            default: try keyValue(into: current)
            }
            if !atEnd {
                skipBlanks()
                if peek == 0x23 { skipComment() }
                if !atEnd && peek != 0x0A && peek != 0x0D { throw fail("expected the end of the line") }
            }
        }
        return root
    }

    mutating func skipBlanks() { while !atEnd && (peek == 0x20 || peek == 0x09) { i += 1 } }

    mutating func skipComment() {
        while !atEnd && peek != 0x0A { i += 1 }
    }

    mutating func newline() throws(TOML.Error) {
        if peek == 0x0D {
            i += 1
            guard peek == 0x0A else { throw fail("a carriage return must be followed by a newline") }
        }
        i += 1
        line += 1
        lineStart = i
    }

    mutating func skipWhitespaceAndComments() throws(TOML.Error) {
        while !atEnd {
            skipBlanks()
            if peek == 0x23 { skipComment() } else if peek == 0x0A || peek == 0x0D { try newline() } else { return }
        }
    }

    mutating func header() throws(TOML.Error) {
        let headerLine = line
        i += 1
        let isArray = peek == 0x5B
        if isArray { i += 1 }
        skipBlanks()
        let path = try key()
        skipBlanks()
        guard peek == 0x5D else { throw fail("expected ']' to close the table header") }
        i += 1
        if isArray {
            guard peek == 0x5D else { throw fail("expected ']]' to close the array-of-tables header") }
            i += 1
            try appendArrayTable(path, line: headerLine)
        } else {
            guard !defined.contains(path) else { throw fail("table [\(path.joined(separator: "."))] is defined twice") }
            try ensureTable(path, line: headerLine, fromHeader: true)
            defined.insert(path)
        }
        current = path
    }

    /// A possibly dotted key: `a`, `"quoted key"`, `a.b."c"`.
    mutating func key() throws(TOML.Error) -> [String] {
        var parts: [String] = []
        while true {
            skipBlanks()
            if peek == 0x22 {
                parts.append(try basicString())
            } else if peek == 0x27 {
                parts.append(try literalString())
            } else {
                let start = i
                while !atEnd, isBareKeyByte(peek) { i += 1 }
                guard i > start else { throw fail("expected a key") }
                parts.append(String(decoding: b[start..<i], as: UTF8.self))
            }
            skipBlanks()
            guard peek == 0x2E else { return parts }
            i += 1
        }
    }

    func isBareKeyByte(_ c: UInt8) -> Bool {
        (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || (c >= 0x30 && c <= 0x39) || c == 0x5F || c == 0x2D
    }

    mutating func keyValue(into table: [String]) throws(TOML.Error) {
        let keyLine = line
        let k = try key()
        skipBlanks()
        guard peek == 0x3D else { throw fail("expected '=' after the key '\(k.joined(separator: "."))'") }
        i += 1
        skipBlanks()
        let v = try value()
        let parent = table + k.dropLast()
        if k.count > 1 { try ensureTable(parent, line: keyLine, fromHeader: false) }
        try insert(v, at: parent, key: k.last!, line: keyLine)
        if case .table = v { sealed.insert(parent + [k.last!]) }
        if case .array = v { sealed.insert(parent + [k.last!]) }
    }

    mutating func value() throws(TOML.Error) -> TOMLValue {
        switch peek {
        case 0x22: return .string(try basicString())
        case 0x27: return .string(try literalString())
        case 0x5B: return try array()
        case 0x7B: return try inlineTable()
        case 0x74:
            if b[i...].starts(with: Array("true".utf8)) { i += 4; return .bool(true) }
        case 0x66:
            if b[i...].starts(with: Array("false".utf8)) { i += 5; return .bool(false) }
        default: break
        }
        return try number()
    }

    mutating func number() throws(TOML.Error) -> TOMLValue {
        let start = i
        while !atEnd, !(peek == 0x2C || peek == 0x5D || peek == 0x7D || peek == 0x20 || peek == 0x09
            || peek == 0x0A || peek == 0x0D || peek == 0x23)
        {
            i += 1
        }
        let raw = String(decoding: b[start..<i], as: UTF8.self)
        guard !raw.isEmpty else { throw fail("expected a value") }
        let text = raw.replacingUnderscores()
        if ["inf", "+inf"].contains(text) { return .float(.infinity) }
        if text == "-inf" { return .float(-.infinity) }
        if ["nan", "+nan", "-nan"].contains(text) { return .float(.nan) }
        for (prefix, radix) in [("0x", 16), ("0o", 8), ("0b", 2)] where text.hasPrefix(prefix) {
            if let v = Int64(text.dropFirst(2), radix: radix) { return .integer(v) }
            throw fail("'\(raw)' is not a valid number")
        }
        if let v = Int64(text) {
            let digits = text.hasPrefix("-") || text.hasPrefix("+") ? text.dropFirst() : Substring(text)
            if digits.count > 1 && digits.hasPrefix("0") { throw fail("'\(raw)': leading zeros are not allowed") }
            return .integer(v)
        }
        if let v = Double(text), text.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }), !text.hasSuffix("."),
            !text.hasPrefix(".")
        {
            return .float(v)
        }
        if raw.first?.isLetter == true {
            throw fail("'\(raw)' is not a value; quote text, e.g. \"\(raw)\"")
        }
        throw fail("'\(raw)' is not a valid value (dates and times are not supported; quote them)")
    }

    mutating func array() throws(TOML.Error) -> TOMLValue {
        i += 1
        var items: [TOMLValue] = []
        while true {
            try skipWhitespaceAndComments()
            if peek == 0x5D { i += 1; return .array(items) }
            guard !atEnd else { throw fail("unterminated array: expected ']'") }
            items.append(try value())
            try skipWhitespaceAndComments()
            if peek == 0x2C { i += 1; continue }
            if peek == 0x5D { i += 1; return .array(items) }
            throw fail(atEnd ? "unterminated array: expected ']'" : "expected ',' or ']' in the array")
        }
    }

    mutating func inlineTable() throws(TOML.Error) -> TOMLValue {
        i += 1
        var t = TOMLTable(line: line)
        skipBlanks()
        if peek == 0x7D { i += 1; return .table(t) }
        while true {
            skipBlanks()
            let keyLine = line
            let k = try key()
            skipBlanks()
            guard peek == 0x3D else { throw fail("expected '=' in the inline table") }
            i += 1
            skipBlanks()
            let v = try value()
            try Parser.set(v, path: k[...], in: &t, line: keyLine, fail: fail)
            skipBlanks()
            if peek == 0x2C { i += 1; continue }
            if peek == 0x7D { i += 1; return .table(t) }
            throw fail("expected ',' or '}' in the inline table (inline tables are one line)")
        }
    }

    static func set(_ v: TOMLValue, path: ArraySlice<String>, in t: inout TOMLTable, line: Int,
        fail: (String) -> TOML.Error) throws(TOML.Error)
    {
        let head = path.first!
        if path.count == 1 {
            guard t[head] == nil else { throw fail("key '\(head)' is defined twice") }
            t.set(head, v, line: line)
            return
        }
        var sub: TOMLTable
        switch t[head] {
        case nil: sub = TOMLTable(line: line)
        case .table(let existing): sub = existing
        default: throw fail("key '\(head)' is already a value, not a table")
        }
        try set(v, path: path.dropFirst(), in: &sub, line: line, fail: fail)
        t.set(head, .table(sub), line: t.line(of: head) == t.line ? line : t.line(of: head))
    }

    mutating func basicString() throws(TOML.Error) -> String {
        if b[i...].starts(with: [0x22, 0x22, 0x22]) { return try multilineBasic() }
        i += 1
        var out: [UInt8] = []
        while true {
            guard !atEnd, peek != 0x0A else { throw fail("unterminated string: expected '\"'") }
            let c = peek
            if c == 0x22 { i += 1; break }
            if c == 0x5C { try escape(into: &out); continue }
            if c < 0x20 && c != 0x09 { throw fail("control character in a string; use an escape such as \\t") }
            out.append(c)
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    mutating func multilineBasic() throws(TOML.Error) -> String {
        i += 3
        if peek == 0x0A { try newline() } else if peek == 0x0D { try newline() }
        var out: [UInt8] = []
        while true {
            guard !atEnd else { throw fail("unterminated multi-line string: expected '\"\"\"'") }
            if b[i...].starts(with: [0x22, 0x22, 0x22]) {
                i += 3
                // Up to two more quotes belong to the content.
                while peek == 0x22 && out.count < Int.max { out.append(0x22); i += 1 }
                return String(decoding: out, as: UTF8.self)
            }
            let c = peek
            if c == 0x5C {
                // A backslash at a line end trims the newline and following whitespace.
                var j = i + 1
                while j < b.count && (b[j] == 0x20 || b[j] == 0x09) { j += 1 }
                if j < b.count && (b[j] == 0x0A || b[j] == 0x0D) {
                    i = j
                    while !atEnd && (peek == 0x20 || peek == 0x09 || peek == 0x0A || peek == 0x0D) {
                        if peek == 0x0A || peek == 0x0D { try newline() } else { i += 1 }
                    }
                    continue
                }
                try escape(into: &out)
                continue
            }
            if c == 0x0A || c == 0x0D {
                try newline()
                out.append(0x0A)
                continue
            }
            out.append(c)
            i += 1
        }
    }

    mutating func escape(into out: inout [UInt8]) throws(TOML.Error) {
        i += 1
        let c = peek
        i += 1
        switch c {
        case 0x62: out.append(0x08)
        case 0x74: out.append(0x09)
        case 0x6E: out.append(0x0A)
        case 0x66: out.append(0x0C)
        case 0x72: out.append(0x0D)
        case 0x65: out.append(0x1B)
        case 0x22: out.append(0x22)
        case 0x5C: out.append(0x5C)
        case 0x75, 0x55:
            let n = c == 0x75 ? 4 : 8
            guard i + n <= b.count, let v = UInt32(String(decoding: b[i..<(i + n)], as: UTF8.self), radix: 16),
                let scalar = Unicode.Scalar(v)
            else { throw fail("bad unicode escape") }
            i += n
            out.append(contentsOf: Array(String(Character(scalar)).utf8))
        default:
            i -= 1
            throw fail("unknown escape '\\\(String(UnicodeScalar(c)))'")
        }
    }

    mutating func literalString() throws(TOML.Error) -> String {
        if b[i...].starts(with: [0x27, 0x27, 0x27]) {
            i += 3
            if peek == 0x0A || peek == 0x0D { try newline() }
            var out: [UInt8] = []
            while true {
                guard !atEnd else { throw fail("unterminated multi-line literal string: expected \"'''\"") }
                if b[i...].starts(with: [0x27, 0x27, 0x27]) {
                    i += 3
                    while peek == 0x27 { out.append(0x27); i += 1 }
                    return String(decoding: out, as: UTF8.self)
                }
                if peek == 0x0A || peek == 0x0D { try newline(); out.append(0x0A); continue }
                out.append(peek)
                i += 1
            }
        }
        i += 1
        let start = i
        while !atEnd && peek != 0x27 && peek != 0x0A { i += 1 }
        guard peek == 0x27 else { throw fail("unterminated literal string: expected \"'\"") }
        let s = String(decoding: b[start..<i], as: UTF8.self)
        i += 1
        return s
    }

    // MARK: - The tree

    mutating func ensureTable(_ path: [String], line: Int, fromHeader: Bool) throws(TOML.Error) {
        try Parser.walk(&root, path[...], line: line, create: true, appendArray: false, fail: fail, sealed: sealed, full: path)
    }

    mutating func appendArrayTable(_ path: [String], line: Int) throws(TOML.Error) {
        try Parser.walk(&root, path[...], line: line, create: true, appendArray: true, fail: fail, sealed: sealed, full: path)
    }

    mutating func insert(_ v: TOMLValue, at path: [String], key: String, line: Int) throws(TOML.Error) {
        try Parser.insert(v, into: &root, path: path[...], key: key, line: line, fail: fail, full: path)
    }

    /// Descends `path`, creating tables; array-of-tables steps go into their last element. With
    /// `appendArray`, the last step appends a new table to an array of tables.
    static func walk(_ t: inout TOMLTable, _ path: ArraySlice<String>, line: Int, create: Bool, appendArray: Bool,
        fail: (String) -> TOML.Error, sealed: Set<[String]>, full: [String]) throws(TOML.Error)
    {
        guard let head = path.first else { return }
        let rest = path.dropFirst()
        let here = Array(full.prefix(full.count - rest.count))
        if sealed.contains(here) { throw fail("'\(here.joined(separator: "."))' was defined inline and cannot be extended") }
        if rest.isEmpty && appendArray {
            switch t[head] {
            case nil: t.set(head, .array([.table(TOMLTable(line: line))]), line: line)
            case .array(var items) where items.allSatisfy({ if case .table = $0 { true } else { false } }):
                items.append(.table(TOMLTable(line: line)))
                t.set(head, .array(items), line: t.line(of: head))
            default: throw fail("'\(here.joined(separator: "."))' is already a value, not an array of tables")
            }
            return
        }
        switch t[head] {
        case nil:
            var sub = TOMLTable(line: line)
            try walk(&sub, rest, line: line, create: create, appendArray: appendArray, fail: fail, sealed: sealed, full: full)
            t.set(head, .table(sub), line: line)
        case .table(var sub):
            try walk(&sub, rest, line: line, create: create, appendArray: appendArray, fail: fail, sealed: sealed, full: full)
            t.set(head, .table(sub), line: t.line(of: head))
        case .array(var items):
            guard case .table(var last)? = items.last else {
                throw fail("'\(here.joined(separator: "."))' is already a value, not a table")
            }
            try walk(&last, rest, line: line, create: create, appendArray: appendArray, fail: fail, sealed: sealed, full: full)
            items[items.count - 1] = .table(last)
            t.set(head, .array(items), line: t.line(of: head))
        default:
            throw fail("'\(here.joined(separator: "."))' is already a value, not a table")
        }
    }

    static func insert(_ v: TOMLValue, into t: inout TOMLTable, path: ArraySlice<String>, key: String, line: Int,
        fail: (String) -> TOML.Error, full: [String]) throws(TOML.Error)
    {
        guard let head = path.first else {
            guard t[key] == nil else { throw fail("key '\((full + [key]).joined(separator: "."))' is defined twice") }
            t.set(key, v, line: line)
            return
        }
        switch t[head] {
        case .table(var sub):
            try insert(v, into: &sub, path: path.dropFirst(), key: key, line: line, fail: fail, full: full)
            t.set(head, .table(sub), line: t.line(of: head))
        case .array(var items):
            guard case .table(var last)? = items.last else { throw fail("'\(head)' is not a table") }
            try insert(v, into: &last, path: path.dropFirst(), key: key, line: line, fail: fail, full: full)
            items[items.count - 1] = .table(last)
            t.set(head, .array(items), line: t.line(of: head))
        default:
            throw fail("'\(head)' is not a table")
        }
    }
}

extension String {
    /// `1_000` → `1000`; TOML allows underscores between digits.
    fileprivate func replacingUnderscores() -> String { String(filter { $0 != "_" }) }
}
