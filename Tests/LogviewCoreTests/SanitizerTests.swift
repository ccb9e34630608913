import LogviewCore
import Testing

@Suite struct SanitizerTests {
    static func visible(_ bytes: [UInt8]) -> String {
        bytes.withUnsafeBytes { Sanitizer.visibleString($0) }
    }

    static func visible(_ s: String) -> String { visible(Array(s.utf8)) }

    @Test func printableTextIsUnchanged() {
        for s in ["", "plain text 123", "GET /a?b=c&d HTTP/1.1", "日本語 한국어 café 👍 ü", #"C:\logs\app.log"#] {
            #expect(Self.visible(s) == s)
        }
    }

    @Test func everyC0ControlAndDelete() {
        let expected = [
            #"\0"#, #"\x01"#, #"\x02"#, #"\x03"#, #"\x04"#, #"\x05"#, #"\x06"#, #"\a"#,
            #"\b"#, "\t", #"\n"#, #"\x0b"#, #"\x0c"#, #"\r"#, #"\x0e"#, #"\x0f"#,
            #"\x10"#, #"\x11"#, #"\x12"#, #"\x13"#, #"\x14"#, #"\x15"#, #"\x16"#, #"\x17"#,
            #"\x18"#, #"\x19"#, #"\x1a"#, #"\e"#, #"\x1c"#, #"\x1d"#, #"\x1e"#, #"\x1f"#,
        ]
        for b in 0..<0x20 {
            #expect(Self.visible([0x61, UInt8(b), 0x62]) == "a" + expected[b] + "b")
        }
        #expect(Self.visible([0x7F]) == #"\x7f"#)
    }

    @Test func c1ControlsAsUTF8AndAsRawBytes() {
        #expect(Self.visible([0xC2, 0x80]) == #"\u{80}"#)
        #expect(Self.visible([0xC2, 0x9B, 0x32, 0x4A]) == #"\u{9b}2J"#)  // 8-bit CSI, UTF-8 encoded
        #expect(Self.visible([0xC2, 0x9F]) == #"\u{9f}"#)
        #expect(Self.visible([0x9B, 0x32, 0x4A]) == #"\x9b2J"#)  // 8-bit CSI as a raw byte
        #expect(Self.visible([0xC2, 0xA0]) == "\u{A0}")  // no-break space is printable
    }

    @Test(arguments: [
        // Title change: ESC ] 0 ; text BEL
        ("\u{1B}]0;pwned\u{07}", #"\e]0;pwned\a"#),
        // OSC 8 hyperlink, terminated by ST (ESC \)
        ("\u{1B}]8;;http://evil.example/\u{1B}\\click\u{1B}]8;;\u{1B}\\",
         #"\e]8;;http://evil.example/\e\click\e]8;;\e\"#),
        // OSC 52: write the clipboard
        ("\u{1B}]52;c;ZWNobyBwd25lZA==\u{07}", #"\e]52;c;ZWNobyBwd25lZA==\a"#),
        // Clear screen, alternate screen
        ("\u{1B}[2J", #"\e[2J"#),
        ("\u{1B}[?1049h", #"\e[?1049h"#),
        // DCS ... ST (a request that makes some terminals answer on the input)
        ("\u{1B}P+q544e\u{1B}\\", #"\eP+q544e\e\"#),
        // Colour that would leak into the rest of the screen
        ("\u{1B}[31mred\u{1B}[0m", #"\e[31mred\e[0m"#),
        // Backspaces that would hide text
        ("password=hunter2\u{08}\u{08}\u{08}\u{08}\u{08}\u{08}\u{08}XXXXXXX",
         #"password=hunter2\b\b\b\b\b\b\bXXXXXXX"#),
        // A fake log line after a carriage return
        ("ok\rERROR faked", #"ok\rERROR faked"#),
    ])
    func terminalAttacks(_ input: String, _ expected: String) {
        #expect(Self.visible(input) == expected)
    }

    @Test func bidiControls() {
        #expect(Self.visible("invoice\u{202E}fdp.exe") == #"invoice\u{202e}fdp.exe"#)
        let all: [(Unicode.Scalar, String)] = [
            ("\u{061C}", #"\u{61c}"#), ("\u{200E}", #"\u{200e}"#), ("\u{200F}", #"\u{200f}"#),
            ("\u{202A}", #"\u{202a}"#), ("\u{202B}", #"\u{202b}"#), ("\u{202C}", #"\u{202c}"#),
            ("\u{202D}", #"\u{202d}"#), ("\u{202E}", #"\u{202e}"#), ("\u{2066}", #"\u{2066}"#),
            ("\u{2067}", #"\u{2067}"#), ("\u{2068}", #"\u{2068}"#), ("\u{2069}", #"\u{2069}"#),
        ]
        for (scalar, shown) in all {
            #expect(Self.visible("a" + String(Character(scalar)) + "b") == "a" + shown + "b")
        }
        // Neighbours that are not controls stay.
        #expect(Self.visible("\u{2029}\u{206A}\u{2010}") == "\u{2029}\u{206A}\u{2010}")
    }

    @Test func invalidUTF8IsShownByteByByte() {
        #expect(Self.visible([0xFF, 0xFE, 0xC3, 0x28]) == #"\xff\xfe\xc3("#)
        #expect(Self.visible(Array("caf".utf8) + [0xE9] + Array(" ok".utf8)) == #"caf\xe9 ok"#)
        #expect(Self.visible([0x78, 0xF0, 0x9F, 0x91]) == #"x\xf0\x9f\x91"#)  // 4-byte sequence cut at the end
        #expect(Self.visible([0xF0, 0x9F, 0x91, 0x8D]) == "👍")
        #expect(Self.visible([0xC0, 0xAF]) == #"\xc0\xaf"#)  // overlong "/"
        #expect(Self.visible([0xE0, 0x80, 0xAF]) == #"\xe0\x80\xaf"#)  // overlong
        #expect(Self.visible([0xF0, 0x80, 0x80, 0xAF]) == #"\xf0\x80\x80\xaf"#)  // overlong
        #expect(Self.visible([0xED, 0xA0, 0x80]) == #"\xed\xa0\x80"#)  // surrogate U+D800
        #expect(Self.visible([0xF4, 0x90, 0x80, 0x80]) == #"\xf4\x90\x80\x80"#)  // above U+10FFFF
        #expect(Self.visible([0xF5, 0xF8, 0xFC]) == #"\xf5\xf8\xfc"#)
        #expect(Self.visible([0x80, 0xBF, 0x41]) == #"\x80\xbfA"#)  // stray continuations
        #expect(Self.visible([0xE2, 0x82, 0x41]) == #"\xe2\x82A"#)  // cut short before ASCII
        #expect(Self.visible([0xEF, 0xBF, 0xBD]) == "\u{FFFD}")  // a real U+FFFD is just text
    }

    @Test func nulRuns() {
        #expect(Self.visible([UInt8](repeating: 0, count: 5)) == #"\0\0\0\0\0"#)
        #expect(Self.visible([0x61] + [UInt8](repeating: 0, count: 3) + [0x62]) == #"a\0\0\0b"#)
    }

    @Test func escapesAtEveryAlignmentOfTheBulkCopy() {
        for k in 0..<20 {
            let a = String(repeating: "a", count: k), b = String(repeating: "b", count: 19 - k)
            #expect(Self.visible(a + "\u{1B}" + b + "\u{7F}") == a + #"\e"# + b + #"\x7f"#)
            #expect(Self.visible(Array((a + b).utf8) + [0xE9]) == a + b + #"\xe9"#)
        }
    }

    @Test func appendsToExistingOutput() {
        var out = Array("> ".utf8)
        [UInt8]([0x1B, 0x5B, 0x41]).withUnsafeBytes { Sanitizer.appendVisible($0, to: &out) }
        #expect(out == Array(#"> \e[A"#.utf8))
    }

    /// For seeded random byte strings (weighted towards controls, escapes and UTF-8 fragments),
    /// the output has no byte below 0x20 but TAB, no DEL, is valid UTF-8 without C1 or bidi
    /// controls, and sanitising it again changes nothing.
    @Test func randomBytesAlwaysComeOutSafe() {
        var rng = GzipTests.SeededRandom(seed: 20)
        let pieces: [[UInt8]] = [
            [0x1B], [0x9B], [0xC2, 0x9B], [0xC2, 0x85], [0xE2, 0x80, 0xAE], [0xE2, 0x81, 0xA6],
            [0xD8, 0x9C], [0xE2, 0x80, 0x8F], [0xF0, 0x9F, 0x91, 0x8D], [0xE6, 0x97, 0xA5], [0xED, 0xA0, 0x80],
            [0xF4, 0x90], [0x00], [0x07], [0x08], [0x09], [0x0A], [0x0D], [0x7F], [0x5C], Array("abc ".utf8),
        ]
        for _ in 0..<3000 {
            var input: [UInt8] = []
            for _ in 0..<Int.random(in: 0...40, using: &rng) {
                if Bool.random(using: &rng) {
                    input += pieces.randomElement(using: &rng)!
                } else {
                    input.append(UInt8.random(in: 0...255, using: &rng))
                }
            }
            var out: [UInt8] = []
            input.withUnsafeBytes { Sanitizer.appendVisible($0, to: &out) }
            #expect(!out.contains { ($0 < 0x20 && $0 != 0x09) || $0 == 0x7F })
            guard let text = String(validating: out, as: UTF8.self) else {
                Issue.record("invalid UTF-8 for input \(input)")
                continue
            }
            #expect(!text.unicodeScalars.contains { (0x80...0x9F).contains($0.value) })
            #expect(!text.unicodeScalars.contains {
                [0x061C, 0x200E, 0x200F, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069]
                    .contains($0.value)
            })
            var again: [UInt8] = []
            out.withUnsafeBytes { Sanitizer.appendVisible($0, to: &again) }
            #expect(again == out)
        }
    }
}
