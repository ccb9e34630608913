/// A compiled regular expression over bytes (POSIX ERE plus Perl shorthands; see README "Filters").
///
/// Matching is leftmost-first, as in PCRE and lnav: among matches starting at the leftmost
/// position, the one the pattern prefers (earlier alternative, greedy or lazy as written) wins.
/// Time is linear in the input length for every pattern (no backtracking). Once warm, a search
/// does not allocate: the DFA cache and thread lists live in a pool of scratch buffers.
public struct Pattern: Sendable {
    public let source: String
    private let pool: ScratchPool
    /// Set when the whole pattern is one literal byte string: the search is a substring search.
    private let exactLiteral: LiteralSearcher?
    /// Bytes every match contains; a text without them is rejected without running the automaton.
    private let requiredLiteral: LiteralSearcher?

    /// Compiles `source`; throws a `PatternError` naming the problem and its column.
    public init(_ source: String, caseInsensitive: Bool = false) throws {
        self.source = source
        let node = try PatternParser.parse(source, caseInsensitive: caseInsensitive)
        pool = ScratchPool(program: try PatternCompiler.compile(node))
        let facts = LiteralFacts.of(node)
        exactLiteral = facts.exact.map(LiteralSearcher.init)
        requiredLiteral = facts.required.isEmpty ? nil : LiteralSearcher(facts.required)
    }

    /// The bytes every match is, when the pattern is one literal byte string (case-sensitive).
    var literalBytes: [UInt8]? { exactLiteral?.needle }

    /// The leftmost-first match starting at or after `from`, as byte offsets into `bytes`.
    ///
    /// `^`, `$` and `\b` still look at the byte before `from`; `from` is taken to be a character
    /// boundary (after an empty match, step past a whole UTF-8 sequence). Linear time; no
    /// allocation once warm.
    public func firstMatch(in bytes: UnsafeRawBufferPointer, from: Int = 0) -> Range<Int>? {
        guard from >= 0, from <= bytes.count else { return nil }
        if let exactLiteral {
            return exactLiteral.firstIndex(in: bytes, from: from).map { $0..<($0 + exactLiteral.needle.count) }
        }
        if let requiredLiteral, requiredLiteral.firstIndex(in: bytes, from: from) == nil { return nil }
        return pool.withScratch { scratch in
            // The DFA rejects most texts faster than the Pike VM could; only a hit is located.
            guard scratch.dfaContainsMatch(in: bytes, from: from) else { return nil }
            return scratch.pikeFirstMatch(in: bytes, from: from)
        }
    }

    /// Whether `bytes` contains a match. Linear time; no allocation once warm; called once per entry
    /// by filters.
    public func matches(_ bytes: UnsafeRawBufferPointer) -> Bool {
        if let exactLiteral { return exactLiteral.firstIndex(in: bytes, from: 0) != nil }
        if let requiredLiteral, requiredLiteral.firstIndex(in: bytes, from: 0) == nil { return false }
        return pool.withScratch { $0.dfaContainsMatch(in: bytes, from: 0) }
    }
}
