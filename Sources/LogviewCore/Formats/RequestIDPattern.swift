/// A configured regular expression whose first group is a request id (`request_id = 'rid ([0-9a-f]+)'`).
///
/// The regex engine reports whole matches only, so the pattern is cut at its first group into
/// prefix, group and suffix, each compiled alone. A line is searched once with the whole pattern;
/// only a hit is cut into parts, by full matches inside that match's bytes: the suffix takes as
/// little as it can, then the prefix as little as it can, so the group gets the longest span.
/// A literal prefix (`rid=`, `[job `), the common case, is found with memchr/memcmp and only the
/// rest is run from there, anchored, so the automaton reads the id and not the line; a literal
/// suffix (`]`) has one length, so the group's end needs no search either.
/// The group must sit at the top level, be matched exactly once and not be empty: anything else
/// has no single id to report and is refused when the config is read.
public struct RequestIDPattern: Sendable {
    public let source: String
    private let whole: Pattern
    /// Prefix and group, anchored: decides where the group ends.
    private let throughGroup: Pattern
    private let prefix: Pattern?
    private let group: Pattern
    private let suffix: Pattern?
    /// A prefix that is literal text, and the group and suffix anchored at the group's start.
    private let literalPrefix: LiteralSearcher?
    private let afterPrefix: Pattern?
    /// The length of a suffix that is literal text: the group's end is then known at once.
    private let suffixLength: Int?

    /// Why a pattern cannot name an id; `description` says what to write instead.
    public enum Error: Swift.Error, Equatable, CustomStringConvertible {
        case syntax(PatternError)
        case noGroup
        case groupNotAtTopLevel
        case topLevelAlternation
        case repeatedGroup
        case emptyGroup

        public var description: String {
            switch self {
            case .syntax(let e): return "\(e)"
            case .noGroup: return "it has no group; put the id in parentheses, as in rid=([0-9a-f]+)"
            case .groupNotAtTopLevel: return "its first group is inside another group; the id's group must come first, outside any other"
            case .topLevelAlternation: return "'|' outside a group makes the id's place ambiguous; put the alternatives in (?:...)"
            case .repeatedGroup: return "the id's group may not be followed by a quantifier (*, +, ?, {n})"
            case .emptyGroup: return "the id's group is empty"
            }
        }
    }

    public init(_ source: String) throws(Error) {
        self.source = source
        do { whole = try Pattern(source) } catch let e as PatternError { throw .syntax(e) } catch { throw .noGroup }
        let parts = try Self.split(Array(source.unicodeScalars))
        func compileAnchored(_ text: String) throws(Error) -> Pattern {
            do { return try Pattern(text) } catch let e as PatternError { throw .syntax(e) } catch { throw .noGroup }
        }
        func compile(_ body: String) throws(Error) -> Pattern { try compileAnchored("^(?:" + parts.flags + body + ")$") }
        throughGroup = try compile(parts.prefix + "(?:" + parts.group + ")")
        prefix = parts.prefix.isEmpty ? nil : try compile(parts.prefix)
        group = try compile(parts.group)
        suffix = parts.suffix.isEmpty ? nil : try compile(parts.suffix)
        let prefixBytes = parts.prefix.isEmpty ? nil : (try? Pattern(parts.flags + parts.prefix))?.literalBytes
        literalPrefix = prefixBytes.flatMap { $0.isEmpty ? nil : LiteralSearcher($0) }
        afterPrefix = literalPrefix == nil ? nil : try compileAnchored("^(?:" + parts.flags + parts.group + ")(?:" + parts.suffix + ")")
        suffixLength = (try? Pattern(parts.flags + parts.suffix))?.literalBytes?.count
    }

    /// The id in `line`: the first group of the leftmost match. No allocation once warm; the cut
    /// costs a few anchored matches over the match's own bytes, never over the rest of the line.
    public func firstID(in line: UnsafeRawBufferPointer) -> ByteRange? {
        func full(_ p: Pattern?, _ from: Int, _ to: Int) -> Bool {
            guard let p else { return from == to }
            return p.matches(UnsafeRawBufferPointer(rebasing: line[from..<to]))
        }
        /// The group's end in a match of group and suffix over `start..<last`.
        func groupEnd(_ start: Int, _ last: Int) -> Int? {
            if let n = suffixLength { return last - n }
            for end in stride(from: last, through: start, by: -1) where full(suffix, end, last) && full(group, start, end) {
                return end
            }
            return nil
        }
        if let literalPrefix, let afterPrefix {
            // The leftmost match starts at the first occurrence of the prefix the rest matches after.
            var from = 0
            while let p = literalPrefix.firstIndex(in: line, from: from) {
                let start = p + literalPrefix.needle.count
                if let rest = afterPrefix.firstMatch(in: UnsafeRawBufferPointer(rebasing: line[start...])) {
                    guard let end = groupEnd(start, start + rest.upperBound), start < end else { return nil }
                    return ByteRange(start, end)
                }
                from = p + 1
            }
            return nil
        }
        guard let m = whole.firstMatch(in: line) else { return nil }
        let (first, last) = (m.lowerBound, m.upperBound)
        // The suffix as short as it can be (exactly its length when literal), then the prefix.
        let ends = suffixLength.map { stride(from: last - $0, through: last - $0, by: -1) } ?? stride(from: last, through: first, by: -1)
        for end in ends where suffixLength != nil || (full(suffix, end, last) && full(throughGroup, first, end)) {
            for start in first...end where full(prefix, first, start) && full(group, start, end) {
                return start < end ? ByteRange(start, end) : nil
            }
        }
        return nil
    }

    /// The pattern's text before, inside and after its first capturing group, and the inline flags
    /// (`(?i)`) set before it, which the parts must keep.
    static func split(_ s: [Unicode.Scalar]) throws(Error) -> (flags: String, prefix: String, group: String, suffix: String) {
        func text(_ r: Range<Int>) -> String { String(String.UnicodeScalarView(s[r])) }
        var depth = 0
        var flags = ""
        var found: (open: Int, bodyStart: Int, close: Int)?
        var openings: [(position: Int, bodyStart: Int, capturing: Bool)] = []
        var i = 0
        while i < s.count {
            switch s[i] {
            case "\\":
                i += 2
                continue
            case "[":
                i = Self.bracketEnd(s, from: i)
                continue
            case "|" where depth == 0:
                throw .topLevelAlternation
            case "(":
                var bodyStart = i + 1
                var capturing = true
                if i + 1 < s.count, s[i + 1] == "?" {
                    let kind = i + 2 < s.count ? s[i + 2] : ")"
                    if kind == "<" || kind == "'" || kind == "P" {
                        // A named group captures; its body starts after the name.
                        let close: Unicode.Scalar = kind == "'" ? "'" : ">"
                        var j = i + 3
                        while j < s.count, s[j] != close { j += 1 }
                        bodyStart = j + 1
                    } else {
                        capturing = false
                        var j = i + 2
                        while j < s.count, s[j] != ")", s[j] != ":" { j += 1 }
                        if j < s.count, s[j] == ")" {
                            if found == nil, depth == 0 { flags += text(i..<(j + 1)) }
                            i = j + 1
                            continue
                        }
                        bodyStart = j + 1
                    }
                }
                if capturing, found == nil, depth > 0, !openings.contains(where: \.capturing) {
                    throw .groupNotAtTopLevel
                }
                openings.append((i, bodyStart, capturing))
                depth += 1
                i = bodyStart
                continue
            case ")":
                depth -= 1
                if let o = openings.popLast(), o.capturing, found == nil, depth == 0 {
                    found = (o.position, o.bodyStart, i)
                    if i + 1 < s.count, ["*", "+", "?", "{"].contains(s[i + 1]) { throw .repeatedGroup }
                }
            default: break
            }
            i += 1
        }
        guard let g = found else { throw .noGroup }
        guard g.bodyStart < g.close else { throw .emptyGroup }
        return (flags, text(0..<g.open), text(g.bodyStart..<g.close), text((g.close + 1)..<s.count))
    }

    /// Just past the `]` closing the bracket expression at `open` (a `]` first in it is literal).
    static func bracketEnd(_ s: [Unicode.Scalar], from open: Int) -> Int {
        var i = open + 1
        if i < s.count, s[i] == "^" { i += 1 }
        if i < s.count, s[i] == "]" { i += 1 }
        while i < s.count, s[i] != "]" {
            if s[i] == "\\" {
                i += 2
            } else if s[i] == "[", i + 1 < s.count, s[i + 1] == ":" {
                i += 2
                while i + 1 < s.count, !(s[i] == ":" && s[i + 1] == "]") { i += 1 }
                i += 2
            } else {
                i += 1
            }
        }
        return i + 1
    }
}

/// A format whose parser also takes request ids from configured patterns (`request_id` of a
/// config source). Ids the format finds itself stay; a pattern's id is added unless already there.
public struct RequestIDPatternFormat: LogFormat {
    public let inner: any LogFormat
    public let patterns: [RequestIDPattern]

    public init(_ inner: any LogFormat, patterns: [RequestIDPattern]) {
        self.inner = inner
        self.patterns = patterns
    }

    public var name: String { inner.name }
    public var defaultSourceName: String { inner.defaultSourceName }

    public func makeParser(_ options: FormatOptions) throws -> any LineParser {
        RequestIDPatternParser(inner: try inner.makeParser(options), patterns: patterns)
    }
}

final class RequestIDPatternParser: LineParser {
    let inner: any LineParser
    let patterns: [RequestIDPattern]

    init(inner: any LineParser, patterns: [RequestIDPattern]) {
        self.inner = inner
        self.patterns = patterns
    }

    func scan(_ line: UnsafeRawBufferPointer, into facts: inout LineFacts) -> LineKind {
        let kind = inner.scan(line, into: &facts)
        for p in patterns {
            if let id = p.firstID(in: line) { IDScanner.appendUnique(id, kind: .request, in: line, to: &facts.ids) }
        }
        return kind
    }

    func annotate(_ text: UnsafeRawBufferPointer) -> [Field] { inner.annotate(text) }
    var resynchronizesAtEntryStart: Bool { inner.resynchronizesAtEntryStart }
}
