import LogviewCore
import Testing

@Suite struct RequestIDPatternTests {
    /// The id a pattern finds in a line, as text (nil: none).
    func id(_ pattern: String, _ line: String) throws -> String? {
        let p = try RequestIDPattern(pattern)
        return Array(line.utf8).withUnsafeBytes { raw in
            p.firstID(in: raw).map { String(decoding: raw.slice($0), as: UTF8.self) }
        }
    }

    @Test(arguments: [
        (#"\[rid ([0-9a-f]+)\]"#, "12:00:01 INFO [rid 7f3a09] handling /pay", "7f3a09"),
        (#"corr=(\w+)"#, "x corr=abc_12 y corr=zzz", "abc_12"),
        (#"^(\S+) "#, "tok-9 rest of line", "tok-9"),
        (#""cid":"([^"]+)""#, #"{"msg":"x","cid":"a-b-c"}"#, "a-b-c"),
        (#"(?i)TXN:(\d+)/"#, "txn:4411/commit", "4411"),
        (#"id=(?<rid>[a-z]+)-end"#, "id=abc-end", "abc"),
        (#"x(a+)(a*)y"#, "xaaay", "aaa"),
        (#"[]x](\d+)[]]"#, "]42]", "42"),
        (#"(?:k|key)=([0-9]+)"#, "key=77", "77"),
        (#"rid=((?:ab)+)"#, "rid=ababx", "abab"),
        (#"rid=(\w+)"#, "no id on this line", nil),
        (#"rid=(\d+)"#, "rid=x rid= rid=42;", "42"),
        (#"id=(\w+)\s+ok"#, "id=abc fail id=def  ok", "def"),
        (#"\[job ([0-9a-f]+)\]"#, "[job zz] [job 0a1b]", "0a1b"),
        (#"(?i)RID=(\w+)"#, "x rid=lower", "lower"),
    ] as [(String, String, String?)])
    func findsTheFirstGroup(pattern: String, line: String, expected: String?) throws {
        #expect(try id(pattern, line) == expected)
    }

    @Test(arguments: [
        ("rid=[0-9]+", RequestIDPattern.Error.noGroup),
        ("(?:a(b))", .groupNotAtTopLevel),
        ("a(b)|c", .topLevelAlternation),
        ("a(b)*", .repeatedGroup),
        ("a(b){2}", .repeatedGroup),
        ("a()", .emptyGroup),
    ])
    func refusesPatternsWithoutOneID(pattern: String, expected: RequestIDPattern.Error) {
        #expect(throws: expected) { try RequestIDPattern(pattern) }
    }

    @Test func aSyntaxErrorNamesTheColumn() {
        #expect(throws: RequestIDPattern.Error.syntax(PatternError(.unterminatedGroup, column: 5))) {
            try RequestIDPattern("rid=([0-9a-f]+")
        }
    }

    /// The configured id joins the format's own ids, on start and continuation lines alike.
    @Test func theFormatAddsPatternIDsToItsOwn() throws {
        let format = RequestIDPatternFormat(
            FormatRegistry.format(named: "generic")!, patterns: [try RequestIDPattern(#"\[rid ([0-9a-f]+)\]"#)])
        let parser = try format.makeParser(FormatOptions())
        let lines = ["2026-01-30 05:02:03 INFO [rid 00ab] request_id=r-1 start", "2026-01-30 05:02:04 INFO plain"]
        var found: [[String]] = []
        for line in lines {
            Array(line.utf8).withUnsafeBytes { raw in
                var facts = LineFacts()
                _ = parser.scan(raw, into: &facts)
                found.append((0..<facts.ids.count).map { String(decoding: raw.slice(facts.ids[$0].range), as: UTF8.self) })
            }
        }
        #expect(found == [["r-1", "00ab"], []])
        #expect(format.name == "generic")
    }
}
