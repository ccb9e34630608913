import LogviewCore
import Testing

@Suite struct DisplayWidthTests {
    static func width(_ bytes: [UInt8]) -> Int { bytes.withUnsafeBytes { DisplayWidth.of($0) } }

    static func prefix(_ s: String, _ columns: Int) -> (Int, Int) {
        let r = Array(s.utf8).withUnsafeBytes { DisplayWidth.prefix($0, columns: columns) }
        return (r.byteCount, r.width)
    }

    static func skip(_ s: String, _ columns: Int) -> (Int, Int) {
        let r = Array(s.utf8).withUnsafeBytes { DisplayWidth.skip($0, columns: columns) }
        return (r.byteOffset, r.padding)
    }

    @Test(arguments: [
        ("", 0), ("abc", 3), ("日本語", 6), ("한국어", 6), ("e\u{301}", 1), ("👍", 2),
        ("ｆｕｌｌ", 8),  // fullwidth Latin
        ("ｶﾀｶﾅ", 4),  // halfwidth katakana
        ("カタカナ", 8), ("𠀀", 2),  // CJK extension B
        ("\u{1100}\u{1161}\u{11A8}", 2),  // conjoining jamo: leading consonant + vowel + final
        ("a\u{200B}b\u{200D}c\u{FE0F}", 3),  // zero-width space, ZWJ, variation selector
        ("\u{AD}", 1),  // soft hyphen is shown
        ("①±", 2),  // East Asian Ambiguous counts 1
        ("x\u{20DD}", 1),  // enclosing mark
        ("\t\u{7}\u{9B}", 0),  // controls: sanitise and expand first
        ("2026-01-30 ERROR 日志 👍", 24),
    ])
    func stringWidths(_ s: String, _ expected: Int) {
        #expect(DisplayWidth.of(s) == expected)
        #expect(Self.width(Array(s.utf8)) == expected)
    }

    @Test func scalarWidths() {
        let cases: [(UInt32, Int)] = [
            (0x41, 1), (0x00, 0), (0x7F, 0), (0x85, 0), (0xA0, 1), (0x300, 0), (0x4E00, 2),
            (0x9FFF, 2),  // assigned in Unicode 14
            (0x3248, 2), (0x4DC0, 2),  // as glibc counts them
            (0xAC00, 2), (0xD7A3, 2), (0xD7B0, 0), (0xFF01, 2), (0xFF61, 1),
            (0x1F600, 2), (0x1F1E6, 1),  // regional indicator: 1 like wcwidth()
            (0x2764, 1),  // heavy black heart has text presentation by default
            (0x2FFFD, 2), (0x3FFFD, 2),  // unassigned in the CJK planes: wide by default
            (0xE0001, 0),  // language tag
            (0xE000, 1), (0x10FFFD, 1),  // private use
        ]
        for (value, expected) in cases {
            #expect(DisplayWidth.of(scalar: Unicode.Scalar(value)!) == expected, "U+\(String(value, radix: 16))")
        }
    }

    /// Checks the generated table against the scalar properties of the Swift runtime for every
    /// scalar assigned by the table's Unicode version: marks are 0, and emoji with default emoji
    /// presentation are 2 (regional indicators aside, which wcwidth() counts 1 each).
    @Test func tableAgreesWithUnicodeProperties() {
        var checked = 0
        for value in UInt32(0xA0)..<0x110000 {
            guard let scalar = Unicode.Scalar(value), let age = scalar.properties.age,
                age.major < 14 || (age.major == 14 && age.minor == 0)
            else { continue }
            let w = DisplayWidth.of(scalar: scalar)
            switch scalar.properties.generalCategory {
            case .nonspacingMark, .enclosingMark:
                #expect(w == 0, "U+\(String(value, radix: 16))")
            case .control:
                #expect(w == 0, "U+\(String(value, radix: 16))")
            default:
                break
            }
            if scalar.properties.isEmojiPresentation && !(0x1F1E6...0x1F1FF).contains(value) {
                #expect(w == 2, "U+\(String(value, radix: 16))")
            }
            checked += 1
        }
        #expect(checked > 140_000)
    }

    @Test func invalidBytesCountOneColumnEach() {
        #expect(Self.width([0x61, 0xFF, 0x62]) == 3)
        #expect(Self.width([0xF0, 0x9F, 0x91]) == 3)
        #expect(Self.width([0xF0, 0x9F, 0x91, 0x8D]) == 2)
    }

    @Test func widthOfSanitizedText() {
        var out: [UInt8] = []
        Array("日本\u{1B}[2J".utf8).withUnsafeBytes { Sanitizer.appendVisible($0, to: &out) }
        #expect(String(decoding: out, as: UTF8.self) == #"日本\e[2J"#)
        #expect(Self.width(out) == 9)
    }

    @Test func prefixNeverSplitsACharacter() {
        #expect(Self.prefix("日本語", 0) == (0, 0))
        #expect(Self.prefix("日本語", 1) == (0, 0))
        #expect(Self.prefix("日本語", 5) == (6, 4))
        #expect(Self.prefix("日本語", 6) == (9, 6))
        #expect(Self.prefix("日本語", 80) == (9, 6))
        #expect(Self.prefix("ab👍c", 3) == (2, 2))
        #expect(Self.prefix("ab👍c", 4) == (6, 4))
        // A combining mark stays with its base; so does a ZWJ after the last emoji that fits.
        #expect(Self.prefix("e\u{301}x", 1) == (3, 1))
        #expect(Self.prefix("e\u{301}\u{302}", 1) == (5, 1))
        #expect(Self.prefix("abc", -1) == (0, 0))
        let bad: [UInt8] = [0x61, 0xE9, 0x62]
        let r = bad.withUnsafeBytes { DisplayWidth.prefix($0, columns: 2) }
        #expect(r.byteCount == 2 && r.width == 2)
    }

    @Test func skipForHorizontalScrolling() {
        #expect(Self.skip("abc", 0) == (0, 0))
        #expect(Self.skip("abc", 1) == (1, 0))
        #expect(Self.skip("abc", 5) == (3, 0))
        // The first wide character straddles the edge: hide it, pad one column.
        #expect(Self.skip("日本語", 1) == (3, 1))
        #expect(Self.skip("日本語", 2) == (3, 0))
        #expect(Self.skip("日本語", 3) == (6, 1))
        #expect(Self.skip("日本語", 6) == (9, 0))
        #expect(Self.skip("日本語", 10) == (9, 0))
        // Marks of a hidden character are hidden with it; leading marks are kept when nothing is hidden.
        #expect(Self.skip("e\u{301}x", 1) == (3, 0))
        #expect(Self.skip("\u{301}x", 0) == (0, 0))
    }

    /// Scrolling by k then taking the rest's width adds up, for every k.
    @Test func skipAndPrefixAgree() {
        let s = "ab日本\u{301}語c👍d"
        let bytes = Array(s.utf8)
        let total = DisplayWidth.of(s)
        #expect(total == 12)
        for k in 0...total {
            let (offset, padding) = Self.skip(s, k)
            let rest = Self.width(Array(bytes[offset...]))
            #expect(padding + rest == total - k, "k = \(k)")
            let (count, width) = Self.prefix(s, k)
            #expect(width <= k && width >= k - 1)
            #expect(Self.width(Array(bytes[..<count])) == width)
        }
    }
}
