import LogviewCore
import Testing

@Suite struct JSONFieldScannerTests {
    struct Scanned: Equatable {
        var members: [String]  // "key=kind:raw value"
        var state: JSONFieldScanner.State
    }

    func members(_ text: String) -> Scanned? {
        Array(text.utf8).withUnsafeBytes { raw in
            guard var s = JSONFieldScanner(raw) else { return nil }
            var out: [String] = []
            while let m = s.next() {
                out.append(
                    String(decoding: raw.slice(m.key), as: UTF8.self) + "=\(m.kind):"
                        + String(decoding: raw.slice(m.value), as: UTF8.self))
            }
            return Scanned(members: out, state: s.state)
        }
    }

    @Test func readsEveryKindOfValue() {
        let text = #"{"s":"a b","n":-1.5e3,"t":true,"f":false,"z":null,"o":{"x":[1,{"y":"}"}]},"a":[1,"]",3]}"#
        #expect(
            members(text)
                == Scanned(
                    members: [
                        "s=string:a b", "n=number:-1.5e3", "t=bool:true", "f=bool:false", "z=null:null",
                        #"o=object:{"x":[1,{"y":"}"}]}"#, #"a=array:[1,"]",3]"#,
                    ], state: .finished))
    }

    @Test func escapedQuotesAndBackslashesDoNotEndStrings() {
        let text = #"{"msg":"say \"hi\" \\","k\"ey":"v","next":1}"#
        #expect(
            members(text)
                == Scanned(members: [#"msg=string:say \"hi\" \\"#, #"k\"ey=string:v"#, "next=number:1"], state: .finished))
    }

    @Test func whitespaceBetweenTokens() {
        #expect(
            members("  { \"a\" :\t1 , \"b\" : [ ] }  ")
                == Scanned(members: ["a=number:1", "b=array:[ ]"], state: .finished))
    }

    @Test func emptyObjectFinishes() {
        #expect(members("{}") == Scanned(members: [], state: .finished))
        #expect(members("{ }") == Scanned(members: [], state: .finished))
    }

    @Test(arguments: [
        (#"{"a":1,"b":"cut"#, ["a=number:1"], JSONFieldScanner.State.truncated),
        (#"{"a":1,"b":{"c":[1,2"#, ["a=number:1"], .truncated),
        (#"{"a":tr"#, [], .truncated),
        (#"{"a":12"#, [], .truncated),
        (#"{"a" 1}"#, [], .malformed),
        (#"{a:1}"#, [], .malformed),
        (#"{"a":1 "b":2}"#, ["a=number:1"], .malformed),
        (#"{"a":tx}"#, [], .malformed),
    ])
    func brokenObjectsStopCleanly(text: String, expected: [String], state: JSONFieldScanner.State) {
        #expect(members(text) == Scanned(members: expected, state: state))
    }

    @Test func notAnObject() {
        #expect(members("[1,2]") == nil)
        #expect(members("plain text") == nil)
        #expect(members("") == nil)
    }

    @Test func deepNestingIsSkippedWithoutRecursion() {
        let depth = 100_000
        let text = "{\"deep\":" + String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + ",\"k\":2}"
        #expect(members(text)?.members.last == "k=number:2")
    }

    @Test(arguments: [
        (#"plain"#, "plain"),
        (#"q\"b\\s\/"#, "q\"b\\s/"),
        (#"\n\t\r\b\f"#, "\n\t\r\u{08}\u{0C}"),
        (#"\u001b]0;x\u0007"#, "\u{1B}]0;x\u{07}"),
        (#"\u00e9\u20ac"#, "é€"),
        (#"\ud83d\ude00"#, "😀"),
        (#"\ud83d alone"#, "\u{FFFD} alone"),
        (#"\uZZZZ"#, "\u{FFFD}ZZZZ"),
        (#"\x"#, "\u{FFFD}"),
    ])
    func decodesStrings(raw: String, expected: String) {
        #expect(Array(raw.utf8).withUnsafeBytes { JSONFieldScanner.decodeString($0) } == expected)
    }

    @Test func compactTextKeepsStringsIntact() {
        let raw = #"{ "a" : [ 1, 2 ], "b" : "x  y \" z" }"#
        #expect(Array(raw.utf8).withUnsafeBytes { JSONFieldScanner.compactText($0) } == #"{"a":[1,2],"b":"x  y \" z"}"#)
    }

    @Test func keyComparison() {
        let text = Array(#"{"level":"info","lev\u0065l":"x"}"#.utf8)
        let matches: [Bool] = text.withUnsafeBytes { raw in
            var s = JSONFieldScanner(raw)!
            var out: [Bool] = []
            while let m = s.next() { out.append(JSONFieldScanner.key(m, in: raw, is: "level")) }
            return out
        }
        #expect(matches == [true, false])
    }

    @Test func hostileInputsDoNotCrash() {
        var rng = AppFormatTestKit.SplitMix64(state: 7)
        let alphabet = Array("{}[]\":,\\ \tu0123456789abcdeftrnl".utf8)
        var fed = 0
        for round in 0..<5000 {
            var bytes: [UInt8] = [0x7B]
            for _ in 0..<Int(rng.next() % 100) {
                let r = rng.next()
                bytes.append(round % 2 == 0 ? UInt8(truncatingIfNeeded: r) : alphabet[Int(r % UInt64(alphabet.count))])
            }
            bytes.withUnsafeBytes { raw in
                var s = JSONFieldScanner(raw)!
                var members = 0
                while let m = s.next() {
                    #expect(Int(m.value.end) <= raw.count)
                    _ = JSONFieldScanner.decodeString(raw.slice(m.key))
                    _ = JSONFieldScanner.compactText(raw.slice(m.value))
                    members += 1
                }
                #expect(s.state != .reading)
                #expect(members == s.membersRead)
            }
            fed += 1
        }
        #expect(fed == 5000)
    }
}
