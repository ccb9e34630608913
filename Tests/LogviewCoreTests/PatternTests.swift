@testable import LogviewCore
import Testing

/// One pattern applied to one text, with the exact match expected (nil: no match).
struct PatternCase: Sendable, CustomTestStringConvertible {
    let pattern: String
    let text: [UInt8]
    let expected: Range<Int>?
    var caseInsensitive = false
    var from = 0

    init(_ pattern: String, _ text: String, _ expected: Range<Int>?, caseInsensitive: Bool = false, from: Int = 0) {
        self.pattern = pattern
        self.text = Array(text.utf8)
        self.expected = expected
        self.caseInsensitive = caseInsensitive
        self.from = from
    }

    init(_ pattern: String, bytes: [UInt8], _ expected: Range<Int>?) {
        self.pattern = pattern
        self.text = bytes
        self.expected = expected
    }

    var testDescription: String { "/\(pattern)/\(caseInsensitive ? "i" : "") on \(String(decoding: text, as: UTF8.self).debugDescription)" }

    /// Checks the located match and that the DFA's yes/no answer agrees with it.
    func check() throws {
        let p = try Pattern(pattern, caseInsensitive: caseInsensitive)
        text.withUnsafeBytes { bytes in
            #expect(p.firstMatch(in: bytes, from: from) == expected)
            if from == 0 { #expect(p.matches(bytes) == (expected != nil)) }
        }
    }
}

@Suite struct PatternSyntaxTests {
    static let literalsAndDotCases: [PatternCase] = [
        .init("abc", "xxabcxx", 2..<5),
        .init("abc", "xxabxcx", nil),
        .init("", "abc", 0..<0),
        .init("café", "un café", 3..<8),
        .init("a.c", "abc", 0..<3),
        .init("a.c", "a\nc", nil),
        .init("a.c", "aéc", 0..<4),
        .init("^.$", "é", 0..<2),
        .init("^..$", "é", nil),
        .init("^.$", "😀", 0..<4),
        .init("^.{3}$", "日本語", 0..<9),
        .init("{\"level", "x{\"level\":1}", 1..<8),
        .init("a{,2}", "a{,2}", 0..<5),
        .init("a{x}", "xa{x}", 1..<5),
        .init("a}b]c", "a}b]c", 0..<5),
    ]

    static let bracketsCases: [PatternCase] = [
        .init("[a-c]+", "xxbcaz", 2..<5),
        .init("[^a-z0-9_]", "ab_9-x", 4..<5),
        .init("[[:digit:]]+", "ab123c", 2..<5),
        .init("[[:alpha:][:digit:]]+", "--a1b2--", 2..<6),
        .init("[[:space:]]+", "a \t\nb", 1..<4),
        .init("[[:upper:]]+", "abCDe", 2..<4),
        .init("[[:xdigit:]]+", "xyz0fA9g", 3..<7),
        .init("[[:punct:]]+", "ab!?,c", 2..<5),
        .init("[]a]+", "x]a]", 1..<4),
        .init("[^]a]", "]]ab", 3..<4),
        .init("[a-]+", "b-a-", 1..<4),
        .init("[-a]+", "b-a-", 1..<4),
        .init("[\\d.]+", "v1.2.3 ", 1..<6),
        .init("[\\]]", "a]", 1..<2),
        .init("[\\D]+", "12ab3", 2..<4),
        .init("[é]", "café", 3..<5),
        .init("[^é]+", "éa", 2..<3),
        .init("[à-ü]+", "ça va", 0..<2),
        .init("[^a]", "aé", 1..<3),
        .init("[\\x41-\\x43]+", "zABCD", 1..<4),
        .init("[.]", "a.b", 1..<2),
        .init("[*+?{|()]+", "a*+?{|()b", 1..<8),
    ]

    static let escapesCases: [PatternCase] = [
        .init("\\d+", "abc 42", 4..<6),
        .init("\\D+", "12ab3", 2..<4),
        .init("\\w+", "  foo_1 ", 2..<7),
        .init("\\W+", "ab, cd", 2..<4),
        .init("\\W", "aé", 1..<3),
        .init("\\s+", "a \t b", 1..<4),
        .init("\\S+", "  xy ", 2..<4),
        .init("a\\.b", "axb a.b", 4..<7),
        .init("a\\.b", "axb", nil),
        .init("\\\\", "a\\b", 1..<2),
        .init("\\t", "a\tb", 1..<2),
        .init("\\n", "a\nb", 1..<2),
        .init("\\x41", "zA", 1..<2),
        .init("\\x{e9}", "café", 3..<5),
        .init("\\xe9", "café", 3..<5),
        .init("\\x{1F600}", "a😀", 1..<5),
        .init("\\(\\)\\[\\]\\{\\}\\*\\+\\?\\|\\^\\$\\/", "x()[]{}*+?|^$/", 1..<14),
    ]

    static let anchorsCases: [PatternCase] = [
        .init("^b", "ab\nbc", 3..<4),
        .init("a$", "ba\nb", 1..<2),
        .init("^$", "a\n\nb", 2..<2),
        .init("^abc$", "abc", 0..<3),
        .init("^abc$", "abcd", nil),
        .init("x$", "x\ny", 0..<1),
        .init("y$", "x\ny", 2..<3),
        .init("^y", "x\ny", 2..<3),
        .init("^", "abc", 0..<0),
        .init("$", "abc", 3..<3),
        .init("\\bcat\\b", "concat cat", 7..<10),
        .init("\\bcat\\b", "concatenate", nil),
        .init("\\Bcat", "cat concat", 7..<10),
        .init("\\bé", "é", nil),
        .init("id\\b", "id=7", 0..<2),
        .init("\\b", "  ", nil),
        .init("\\B", "  ", 0..<0),
        .init("\\bfoo", "xfoo foo", 5..<8, from: 1),
        .init("^a", "ba", nil, from: 1),
        .init("^b", "a\nb", 2..<3, from: 2),
    ]

    static let groupsAndAlternationCases: [PatternCase] = [
        .init("(ab)+", "xababy", 1..<5),
        .init("(?:ab)+c", "ababc", 0..<5),
        .init("(?<name>ab)c", "abc", 0..<3),
        .init("(?P<name>ab)c", "abc", 0..<3),
        .init("a|ab", "ab", 0..<1),
        .init("ab|a", "ab", 0..<2),
        .init("(foo|foobar)baz", "foobarbaz", 0..<9),
        .init("cat|dog", "hotdog cat", 3..<6),
        .init("GET|POST", "x POST y GET", 2..<6),
        .init("(a|)b", "b", 0..<1),
        .init("a()b", "ab", 0..<2),
        .init("(a|b|c)+", "xcabz", 1..<4),
        .init("x(a|bc)*y", "xabcay", 0..<6),
    ]

    static let quantifiersCases: [PatternCase] = [
        .init("a*", "bbb", 0..<0),
        .init("a*", "aab", 0..<2),
        .init("ba+", "xbaaa", 1..<5),
        .init("colou?r", "color colour", 0..<5),
        .init("colou?r", "colour", 0..<6),
        .init("a{3}", "aaaa", 0..<3),
        .init("a{2,}", "aaaa", 0..<4),
        .init("a{2,3}", "aaaa", 0..<3),
        .init("a{2,3}", "a", nil),
        .init("x{0}y", "xy", 1..<2),
        .init("(ab){2}", "abab", 0..<4),
        .init("\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}", "ip 10.0.12.255 x", 3..<14),
        .init("a+?", "aaa", 0..<1),
        .init("<.+?>", "<a><b>", 0..<3),
        .init("<.+>", "<a><b>", 0..<6),
        .init("a*?b", "aab", 0..<3),
        .init("a{2,3}?", "aaaa", 0..<2),
        .init("a{2,}?", "aaaa", 0..<2),
        .init("a??b", "ab", 0..<2),
        .init("a??", "ab", 0..<0),
        .init("(a*)*b", "aab", 0..<3),
        .init("(a*)+$", "aab", 3..<3),
        .init("(a?)*?c", "aac", 0..<3),
    ]

    static let inlineFlagsCases: [PatternCase] = [
        .init("(?i)error", "an ERROR", 3..<8),
        .init("a(?i)b", "aB", 0..<2),
        .init("a(?i)b", "AB", nil),
        .init("(?i:a)b", "Ab", 0..<2),
        .init("(?i:a)b", "AB", nil),
        .init("(?i)a(?-i)b", "AB", nil),
        .init("(?i)a(?-i)b", "Ab", 0..<2),
        .init("x((?i)a)b", "xAb", 0..<3),
        .init("x((?i)a)b", "xAB", nil),
        .init("(?i)a|b", "B", 0..<1),
        .init("(?i)[a-c]+", "xCaB", 1..<4),
        .init("(?s)a.c", "a\nc", 0..<3),
        .init("a(?s:.)c", "a\nc", 0..<3),
        .init("(?s:a).c", "a\nc", nil),
        .init("(?s)a(?-s).c", "a\nc", nil),
        .init("(?s)^.+$", "ab\ncd", 0..<5),
        .init("(?m)^c", "ab\ncd", 3..<4),
        .init("(?is)A.B", "a\nb", 0..<3),
    ]

    static let caseInsensitiveCases: [PatternCase] = [
        .init("get", "x GET /", 2..<5, caseInsensitive: true),
        .init("[a-c]+", "xABCx", 1..<4, caseInsensitive: true),
        .init("[^a]", "Ab", 1..<2, caseInsensitive: true),
        .init("[[:lower:]]+", "ABc", 0..<3, caseInsensitive: true),
        .init("\\x41", "a", 0..<1, caseInsensitive: true),
        .init("é", "É", nil, caseInsensitive: true),
        .init("café", "CAFé", 0..<5, caseInsensitive: true),
        .init("(?-i)get", "GET get", 4..<7, caseInsensitive: true),
        .init("\\w+", "Foo", 0..<3, caseInsensitive: true),
    ]

    /// `.` and negated classes take a truncated or stray UTF-8 sequence as one unit; positive
    /// classes and literals never match invalid bytes.
    static let invalidUTF8Cases: [PatternCase] = [
        .init(".", bytes: [0xFF], 0..<1),
        .init("^.$", bytes: [0xC3], 0..<1),
        .init("^.$", bytes: [0xE2, 0x82], 0..<2),
        .init("^..$", bytes: [0xE2, 0x82, 0x41], 0..<3),
        .init("^.$", bytes: [0xE0, 0x80], nil),
        .init("^..$", bytes: [0xE0, 0x80], 0..<2),
        .init("^.$", bytes: [0xF0, 0x9F, 0x98], 0..<3),
        .init("^..$", bytes: [0xED, 0xA0, 0x80], nil),  // an encoded surrogate: three stray units
        .init("a.*b", bytes: [0x61, 0xE2, 0x82, 0x62], 0..<4),
        .init("[^x]+", bytes: [0xC3, 0xA9, 0xFF], 0..<3),
        .init("\\S+", bytes: [0x20, 0xC3, 0x41], 1..<3),
        .init("[é]", bytes: [0xC3], nil),
        .init("\\xff", bytes: [0xFF], nil),  // \xHH is the character U+00HH, encoded as UTF-8
        .init("\\xff", bytes: [0xC3, 0xBF], 0..<2),
        .init("ok", bytes: [0xFF, 0x6F, 0x6B], 1..<3),
    ]

    @Test(arguments: literalsAndDotCases) func literalsAndDot(_ c: PatternCase) throws { try c.check() }
    @Test(arguments: bracketsCases) func brackets(_ c: PatternCase) throws { try c.check() }
    @Test(arguments: escapesCases) func escapes(_ c: PatternCase) throws { try c.check() }
    @Test(arguments: anchorsCases) func anchorsAndBoundaries(_ c: PatternCase) throws { try c.check() }
    @Test(arguments: groupsAndAlternationCases) func groupsAndAlternation(_ c: PatternCase) throws { try c.check() }
    @Test(arguments: quantifiersCases) func quantifiers(_ c: PatternCase) throws { try c.check() }
    @Test(arguments: inlineFlagsCases) func inlineFlags(_ c: PatternCase) throws { try c.check() }
    @Test(arguments: caseInsensitiveCases) func caseInsensitiveOption(_ c: PatternCase) throws { try c.check() }
    @Test(arguments: invalidUTF8Cases) func invalidUTF8(_ c: PatternCase) throws { try c.check() }

    @Test func sourceIsKept() throws {
        #expect(try Pattern("a+b", caseInsensitive: true).source == "a+b")
    }

    @Test func fromPastTheEndFindsNothing() throws {
        let p = try Pattern("")
        Array("ab".utf8).withUnsafeBytes { b in
            #expect(p.firstMatch(in: b, from: 2) == 2..<2)
            #expect(p.firstMatch(in: b, from: 3) == nil)
        }
    }

    @Test func successiveMatchesWalkTheText() throws {
        let p = try Pattern("\\d+")
        let text = Array("a1 b22 c333".utf8)
        var found: [Range<Int>] = []
        text.withUnsafeBytes { b in
            var at = 0
            while let r = p.firstMatch(in: b, from: at) {
                found.append(r)
                at = r.upperBound
            }
        }
        #expect(found == [1..<2, 4..<6, 8..<11])
    }
}

@Suite struct PatternErrorTests {
    static let cases: [(String, String)] = [
        ("abcd(e", "unterminated group at column 5"),
        ("(abc", "unterminated group at column 1"),
        ("a(?i", "unterminated group at column 2"),
        ("(?<name", "unterminated group at column 1"),
        ("a)", "unmatched ) at column 2"),
        ("(a))", "unmatched ) at column 4"),
        ("*a", "nothing to repeat at column 1"),
        ("a**", "nothing to repeat at column 3"),
        ("a|+b", "nothing to repeat at column 3"),
        ("(?i)*", "nothing to repeat at column 5"),
        ("^*", "nothing to repeat at column 2"),
        ("{2}", "nothing to repeat at column 1"),
        ("a{2}{3}", "nothing to repeat at column 5"),
        ("a++", "possessive quantifiers are not supported at column 3"),
        ("[abc", "unterminated bracket expression at column 1"),
        ("x[]", "unterminated bracket expression at column 2"),
        ("[[:alpha:", "unterminated bracket expression at column 1"),
        ("x[z-a]", "bad range z-a at column 3"),
        ("[a-\\d]", "bad range a-\\d at column 2"),
        ("[[:digits:]]", "unknown character class [:digits:] at column 2"),
        ("ab\\", "trailing backslash at column 3"),
        ("\\xZZ", "bad \\x escape (want \\xHH or \\x{H...}) at column 1"),
        ("a\\x{110000}", "bad \\x escape (want \\xHH or \\x{H...}) at column 2"),
        ("\\q", "unknown escape \\q at column 1"),
        ("\\p{L}", "unknown escape \\p at column 1"),
        ("(a)\\1", "backreferences are not supported at column 4"),
        ("(?=a)", "lookaround is not supported at column 1"),
        ("x(?<!a)", "lookaround is not supported at column 2"),
        ("(?x)a", "unsupported flag x (use i, s or m) at column 3"),
        ("(?i-sU)a", "unsupported flag U (use i, s or m) at column 6"),
        ("(?#c)", "unknown group syntax (?# at column 1"),
        ("(?Px)", "unknown group syntax (?Px at column 1"),
        ("a{3,2}", "bad repetition {3,2} at column 2"),
        ("a{1001}", "repetition count 1001 is too large (at most 1000) at column 2"),
        ("x{2,99999999999}", "repetition count 99999999999 is too large (at most 1000) at column 2"),
        ("(a{1000}){1000}", "pattern too large once repetitions are expanded at column 1"),
    ]

    @Test(arguments: cases) func message(_ pattern: String, _ expected: String) {
        #expect(throws: PatternError.self) { try Pattern(pattern) }
        do {
            _ = try Pattern(pattern)
        } catch {
            #expect("\(error)" == expected)
        }
    }
}

/// Patterns that make backtracking engines take exponential time must finish with the right
/// answer (the suite would hang otherwise; no timing is asserted).
@Suite struct PatternPathologicalTests {
    static func check(_ pattern: String, _ text: [UInt8], _ expected: Range<Int>?) throws {
        let p = try Pattern(pattern)
        text.withUnsafeBytes { b in
            #expect(p.matches(b) == (expected != nil))
            #expect(p.firstMatch(in: b) == expected)
        }
    }

    @Test func nestedPlusAgainstManyAs() throws {
        let a = [UInt8](repeating: 0x61, count: 100_000)
        try Self.check("(a+)+$", a + [0x62], nil)
        try Self.check("(a+)+$", a, 0..<100_000)
        try Self.check("(a+)+b", a, nil)
    }

    @Test func overlappingAlternativesInALoop() throws {
        try Self.check("(a|aa)*c", [UInt8](repeating: 0x61, count: 50_000), nil)
        try Self.check("(x+x+)+y", [UInt8](repeating: 0x78, count: 30_000), nil)
        try Self.check("(.*a){12}", [UInt8](repeating: 0x61, count: 5_000), 0..<5_000)
        try Self.check("(\\w+\\s?)*$", Array(String(repeating: "word ", count: 5_000).utf8) + [0x21], 25_001..<25_001)
    }

    /// A pattern with exponentially many DFA states on a small state budget: the cache is dropped
    /// and rebuilt as it fills, and the answer is still right.
    @Test func dfaCacheBoundIsRespected() throws {
        let node = try PatternParser.parse("[ab]*a[ab]{12}c", caseInsensitive: false)
        let program = try PatternCompiler.compile(node)
        let scratch = MatcherScratch(program: program, stateBudgetBytes: 64 * 1024)
        var rng: UInt64 = 42
        var text: [UInt8] = []
        for _ in 0..<200_000 {
            rng = rng &* 6364136223846793005 &+ 1442695040888963407
            text.append(rng >> 33 & 1 == 0 ? 0x61 : 0x62)
        }
        let hit = text + [0x63]
        text.withUnsafeBytes { #expect(!scratch.dfaContainsMatch(in: $0, from: 0)) }
        #expect(scratch.cacheResets > 0)
        hit.withUnsafeBytes { #expect(scratch.dfaContainsMatch(in: $0, from: 0) == (hit[hit.count - 14] == 0x61)) }
    }
}

@Suite struct PatternLimitTests {
    @Test func deepNestingIsAnErrorNotACrash() throws {
        let deep = String(repeating: "(", count: 300) + "a" + String(repeating: ")", count: 300)
        #expect(throws: PatternError(.nestedTooDeeply, column: 251)) { try Pattern(deep) }
        #expect("\(PatternError(.nestedTooDeeply, column: 251))" == "groups nested too deeply (at most 250) at column 251")
        let allowed = try Pattern(String(repeating: "(", count: 250) + "a+" + String(repeating: ")", count: 250) + "b")
        Array("xaab".utf8).withUnsafeBytes { #expect(allowed.firstMatch(in: $0) == 1..<4) }
    }

    /// One Pattern shared by many threads at once: every search gets its own scratch.
    @Test func concurrentSearchesAgree() async throws {
        let pattern = try Pattern(#"\b(5\d\d|4\d\d)\b.*ms$"#)
        let lines = (0..<500).map { i in Array("req \(i) status \(400 + i % 300) took \(i)ms".utf8) }
        let expected = lines.map { $0.withUnsafeBytes { pattern.firstMatch(in: $0) } }
        let results = await withTaskGroup(of: [Range<Int>?].self) { group in
            for _ in 0..<4 {
                group.addTask { lines.map { $0.withUnsafeBytes { pattern.firstMatch(in: $0) } } }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.count == 4)
        for r in results { #expect(r == expected) }
        // Statuses 600-699 (lines 200-299) fail unless the request number is 4xx/5xx (never there).
        #expect(expected.compactMap { $0 }.count == 400)
        #expect(expected[7] == 13..<25)  // "req 7 status 407 took 7ms"
        #expect(expected[250] == nil)  // "req 250 status 650 took 250ms"
        #expect(expected[450] == 4..<29)  // "req 450 status 450 took 450ms": leftmost is the request number
    }
}
