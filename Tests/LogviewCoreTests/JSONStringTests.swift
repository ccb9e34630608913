import Foundation
import LogviewCore
import Testing

@Suite struct JSONStringTests {
    static func json(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        bytes.withUnsafeBytes { JSONString.append($0, to: &out) }
        return out
    }

    static func jsonText(_ s: String) -> String { String(decoding: json(Array(s.utf8)), as: UTF8.self) }

    /// What Foundation's parser reads back, or nil when it rejects the JSON.
    static func parse(_ json: [UInt8]) -> String? {
        (try? JSONSerialization.jsonObject(with: Data(json), options: .fragmentsAllowed)) as? String
    }

    @Test(arguments: [
        ("", #""""#),
        ("plain", #""plain""#),
        (#"say "hi" \o/"#, #""say \"hi\" \\o/""#),
        ("a\tb\nc\rd\u{8}e\u{C}f", #""a\tb\nc\rd\be\ff""#),
        ("\u{0}\u{1}\u{1B}[2J\u{1F}\u{7F}", #""\u0000\u0001\u001b[2J\u001f\u007f""#),
        ("\u{85}\u{9B}", #""\u0085\u009b""#),
        ("line\u{2028}para\u{2029}", #""line\u2028para\u2029""#),
        ("a\u{202E}b\u{2066}c\u{200F}", #""a\u202eb\u2066c\u200f""#),
        ("日本語 👍 é", #""日本語 👍 é""#),
        ("/path/to?x=1&y=<2>", #""/path/to?x=1&y=<2>""#),
    ])
    func exactOutput(_ input: String, _ expected: String) {
        #expect(Self.jsonText(input) == expected)
        #expect(Self.parse(Self.json(Array(input.utf8))) == input)
    }

    @Test func invalidUTF8BecomesReplacementCharacters() {
        let out = Self.json([0xFF, 0xFE, 0xC3, 0x28, 0x61, 0xE9])
        #expect(out == [0x22, 0xEF, 0xBF, 0xBD, 0xEF, 0xBF, 0xBD, 0xEF, 0xBF, 0xBD, 0x28, 0x61, 0xEF, 0xBF, 0xBD, 0x22])
        #expect(Self.parse(out) == "\u{FFFD}\u{FFFD}\u{FFFD}(a\u{FFFD}")
        #expect(Self.parse(Self.json([0x78, 0xF0, 0x9F, 0x91])) == "x\u{FFFD}\u{FFFD}\u{FFFD}")
        #expect(Self.parse(Self.json([0xED, 0xA0, 0x80])) == "\u{FFFD}\u{FFFD}\u{FFFD}")
    }

    @Test func appendsToExistingOutput() {
        var out = Array(#"{"message":"#.utf8)
        Array("a\"b".utf8).withUnsafeBytes { JSONString.append($0, to: &out) }
        out.append(0x7D)
        #expect(String(decoding: out, as: UTF8.self) == #"{"message":"a\"b"}"#)
    }

    @Test func quotesAndBackslashesAtEveryAlignment() {
        for k in 0..<20 {
            let a = String(repeating: "a", count: k), b = String(repeating: "b", count: 19 - k)
            #expect(Self.jsonText(a + "\"" + b + "\\") == "\"" + a + #"\""# + b + #"\\"# + "\"")
        }
    }

    /// Random valid text comes back unchanged through a JSON parser.
    @Test func randomValidTextRoundTrips() {
        var rng = GzipTests.SeededRandom(seed: 30)
        let ranges: [ClosedRange<UInt32>] = [0...0x7F, 0x80...0x7FF, 0x800...0xD7FF, 0xE000...0xFFFF, 0x10000...0x10FFFF]
        for _ in 0..<1000 {
            var s = ""
            for _ in 0..<Int.random(in: 0...30, using: &rng) {
                let range = ranges.randomElement(using: &rng)!
                s.unicodeScalars.append(Unicode.Scalar(UInt32.random(in: range, using: &rng))!)
            }
            #expect(Self.parse(Self.json(Array(s.utf8))) == s)
        }
    }

    /// Random bytes always give JSON that parses, is valid UTF-8 and has no raw control bytes.
    @Test func randomBytesAlwaysGiveValidJSON() {
        var rng = GzipTests.SeededRandom(seed: 31)
        for _ in 0..<2000 {
            let input = (0..<Int.random(in: 0...60, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            let out = Self.json(input)
            #expect(String(validating: out, as: UTF8.self) != nil)
            #expect(!out.contains { $0 < 0x20 || $0 == 0x7F })
            #expect(Self.parse(out) != nil)
        }
    }
}
