/// Makes log bytes safe to show on a terminal: the one sanitiser every printed or drawn byte goes
/// through (DESIGN.md, principle 7).
///
/// Valid, printable UTF-8 is copied unchanged. Everything a terminal could act on becomes a
/// visible escape, in lowercase hex:
///
/// | input                                   | shown as                              |
/// | --------------------------------------- | ------------------------------------- |
/// | TAB                                     | kept (callers that need columns expand it) |
/// | NUL, BEL, BS, LF, CR, ESC               | `\0` `\a` `\b` `\n` `\r` `\e`         |
/// | other C0 controls, DEL                  | `\x0b` `\x1f` `\x7f` ...              |
/// | C1 controls U+0080...U+009F (UTF-8)     | `\u{9b}` ...                          |
/// | bidi controls (U+061C, U+200E, U+200F, U+202A...U+202E, U+2066...U+2069) | `\u{202e}` ... |
/// | each byte of invalid UTF-8 (overlong, surrogate, truncated, > U+10FFFF, stray continuation, 0xF5...0xFF, a raw 0x9B) | `\xe9` ... |
///
/// A backslash in the log stays a single `\`, so `\e` in the output may have been a literal
/// backslash and `e`: the output is for people to read, not a reversible encoding.
public enum Sanitizer {
    /// Appends the visible form of `bytes` (see the type's table) to `out`. The result is always
    /// valid UTF-8 with no C0 control but TAB, no DEL, no C1 control and no bidi control.
    /// O(n); runs of printable ASCII are checked 8 bytes at a time and copied in bulk. Allocates
    /// only to grow `out`.
    public static func appendVisible(_ bytes: UnsafeRawBufferPointer, to out: inout [UInt8]) {
        guard let base = bytes.baseAddress else { return }
        let n = bytes.count
        out.reserveCapacity(out.count + n)
        var i = 0
        var runStart = 0
        while i < n {
            while i &+ 8 <= n
                && ASCIIWord.isPrintable(base.loadUnaligned(fromByteOffset: i, as: UInt64.self))
            {
                i &+= 8
            }
            guard i < n else { break }
            let b = base.load(fromByteOffset: i, as: UInt8.self)
            if b >= 0x20 && b < 0x7F {
                i &+= 1
                continue
            }
            if runStart < i {
                out.append(contentsOf: UnsafeRawBufferPointer(start: base + runStart, count: i - runStart))
            }
            if b < 0x80 {
                appendEscaped(control: b, to: &out)
                i &+= 1
            } else {
                let (scalar, length) = UTF8Decoding.decode(bytes, at: i)
                if length == 0 {
                    appendHex(prefix: 0x78, b, to: &out)  // \xe9
                    i &+= 1
                } else {
                    if scalar < 0xA0 || UTF8Decoding.isBidiControl(scalar) {
                        appendUnicodeEscape(scalar, to: &out)
                    } else {
                        out.append(contentsOf: UnsafeRawBufferPointer(start: base + i, count: length))
                    }
                    i &+= length
                }
            }
            runStart = i
        }
        if runStart < n {
            out.append(contentsOf: UnsafeRawBufferPointer(start: base + runStart, count: n - runStart))
        }
    }

    /// The visible form of `bytes` as a String. Allocates; for rows on screen, not the hot path.
    public static func visibleString(_ bytes: UnsafeRawBufferPointer) -> String {
        var out: [UInt8] = []
        appendVisible(bytes, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// A C0 control (TAB kept) or DEL.
    @inline(__always)
    private static func appendEscaped(control b: UInt8, to out: inout [UInt8]) {
        let letter: UInt8
        switch b {
        case 0x09:
            out.append(b)
            return
        case 0x00: letter = 0x30  // \0
        case 0x07: letter = 0x61  // \a
        case 0x08: letter = 0x62  // \b
        case 0x0A: letter = 0x6E  // \n
        case 0x0D: letter = 0x72  // \r
        case 0x1B: letter = 0x65  // \e
        default:
            appendHex(prefix: 0x78, b, to: &out)
            return
        }
        out.append(0x5C)
        out.append(letter)
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// `\x` (or another letter) and two lowercase hex digits.
    @inline(__always)
    private static func appendHex(prefix: UInt8, _ b: UInt8, to out: inout [UInt8]) {
        out.append(0x5C)
        out.append(prefix)
        out.append(hexDigits[Int(b >> 4)])
        out.append(hexDigits[Int(b & 0xF)])
    }

    /// `\u{9b}`: lowercase hex without leading zeros.
    private static func appendUnicodeEscape(_ scalar: UInt32, to out: inout [UInt8]) {
        out.append(0x5C)  // \u{
        out.append(0x75)
        out.append(0x7B)
        var shift = 20
        while shift > 0 && scalar >> UInt32(shift) == 0 { shift -= 4 }
        while shift >= 0 {
            out.append(hexDigits[Int((scalar >> UInt32(shift)) & 0xF)])
            shift -= 4
        }
        out.append(0x7D)  // }
    }
}

/// Checks on 8 bytes at once (SWAR), for the bulk copy of plain ASCII runs.
enum ASCIIWord {
    static let ones: UInt64 = 0x0101_0101_0101_0101
    static let highs: UInt64 = 0x8080_8080_8080_8080

    /// Whether some byte of `w` is below `n` (`n` <= 128); exact for "some", not for which.
    @inline(__always)
    static func hasByte(below n: UInt8, _ w: UInt64) -> Bool {
        (w &- ones &* UInt64(n)) & ~w & highs != 0
    }

    /// Whether some byte of `w` equals `b`.
    @inline(__always)
    static func hasByte(equalTo b: UInt8, _ w: UInt64) -> Bool {
        hasByte(below: 1, w ^ (ones &* UInt64(b)))
    }

    /// All eight bytes are printable ASCII, 0x20...0x7E.
    @inline(__always)
    static func isPrintable(_ w: UInt64) -> Bool {
        w & highs == 0 && !hasByte(below: 0x20, w) && !hasByte(equalTo: 0x7F, w)
    }
}

/// Strict UTF-8 decoding (Unicode, chapter 3, table 3-7): no overlong forms, no surrogates,
/// nothing above U+10FFFF.
enum UTF8Decoding {
    /// The scalar of the well-formed sequence at `i` and its length, or length 0 when the bytes at
    /// `i` do not start one (then only `bytes[i]` is taken as bad, and decoding resumes at i + 1,
    /// so each byte of a broken sequence is reported on its own). Does not allocate.
    @inline(__always)
    static func decode(_ bytes: UnsafeRawBufferPointer, at i: Int) -> (scalar: UInt32, length: Int) {
        let n = bytes.count
        let b0 = UInt32(bytes[i])
        if b0 < 0x80 { return (b0, 1) }
        @inline(__always) func continuation(_ k: Int, _ low: UInt32 = 0x80, _ high: UInt32 = 0xBF) -> UInt32? {
            guard i + k < n else { return nil }
            let b = UInt32(bytes[i + k])
            return b >= low && b <= high ? b & 0x3F : nil
        }
        switch b0 {
        case 0xC2...0xDF:
            guard let c1 = continuation(1) else { break }
            return ((b0 & 0x1F) << 6 | c1, 2)
        case 0xE0...0xEF:
            let low: UInt32 = b0 == 0xE0 ? 0xA0 : 0x80
            let high: UInt32 = b0 == 0xED ? 0x9F : 0xBF
            guard let c1 = continuation(1, low, high), let c2 = continuation(2) else { break }
            return ((b0 & 0x0F) << 12 | c1 << 6 | c2, 3)
        case 0xF0...0xF4:
            let low: UInt32 = b0 == 0xF0 ? 0x90 : 0x80
            let high: UInt32 = b0 == 0xF4 ? 0x8F : 0xBF
            guard let c1 = continuation(1, low, high), let c2 = continuation(2), let c3 = continuation(3)
            else { break }
            return ((b0 & 0x07) << 18 | c1 << 12 | c2 << 6 | c3, 4)
        default:
            break
        }
        return (0, 0)
    }

    /// Controls that reorder text (Trojan Source, CVE-2021-42574): ALM, LRM, RLM, the embeddings
    /// and overrides U+202A...U+202E, and the isolates U+2066...U+2069.
    @inline(__always)
    static func isBidiControl(_ s: UInt32) -> Bool {
        s == 0x061C || s == 0x200E || s == 0x200F || (s >= 0x202A && s <= 0x202E)
            || (s >= 0x2066 && s <= 0x2069)
    }
}
