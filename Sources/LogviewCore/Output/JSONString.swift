/// Writes log bytes as a JSON string (RFC 8259) for `--output json`.
///
/// The result is always valid UTF-8 JSON, whatever the input: `"` and `\` are escaped; controls
/// become `\b \t \n \f \r` or `\u00XX` (lowercase hex); each byte of invalid UTF-8 becomes one
/// U+FFFD. Beyond what JSON requires, DEL, the C1 controls U+0080...U+009F, the bidi controls (see
/// `Sanitizer`) and U+2028/U+2029 (line breaks to JavaScript) are also written as `\uXXXX`, so
/// JSON lines printed to a terminal are as safe as text output, and a parser reads back the same
/// scalars.
public enum JSONString {
    /// Appends `bytes` as a quoted JSON string to `out`. O(n); runs of plain ASCII are checked 8
    /// bytes at a time and copied in bulk. Allocates only to grow `out`.
    public static func append(_ bytes: UnsafeRawBufferPointer, to out: inout [UInt8]) {
        out.reserveCapacity(out.count + bytes.count + 2)
        out.append(0x22)
        defer { out.append(0x22) }
        guard let base = bytes.baseAddress else { return }
        let n = bytes.count
        var i = 0
        var runStart = 0
        while i < n {
            while i &+ 8 <= n && isPlain(base.loadUnaligned(fromByteOffset: i, as: UInt64.self)) {
                i &+= 8
            }
            guard i < n else { break }
            let b = base.load(fromByteOffset: i, as: UInt8.self)
            if b >= 0x20 && b < 0x7F && b != 0x22 && b != 0x5C {
                i &+= 1
                continue
            }
            if runStart < i {
                out.append(contentsOf: UnsafeRawBufferPointer(start: base + runStart, count: i - runStart))
            }
            if b < 0x80 {
                let letter: UInt8
                switch b {
                case 0x22, 0x5C: letter = b
                case 0x08: letter = 0x62  // \b
                case 0x09: letter = 0x74  // \t
                case 0x0A: letter = 0x6E  // \n
                case 0x0C: letter = 0x66  // \f
                case 0x0D: letter = 0x72  // \r
                default: letter = 0
                }
                if letter != 0 {
                    out.append(0x5C)
                    out.append(letter)
                } else {
                    appendUnicodeEscape(UInt32(b), to: &out)
                }
                i &+= 1
            } else {
                let (scalar, length) = UTF8Decoding.decode(bytes, at: i)
                if length == 0 {
                    out.append(0xEF)  // U+FFFD
                    out.append(0xBF)
                    out.append(0xBD)
                    i &+= 1
                } else {
                    if scalar < 0xA0 || scalar == 0x2028 || scalar == 0x2029
                        || UTF8Decoding.isBidiControl(scalar)
                    {
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

    /// Eight bytes of printable ASCII with no `"` or `\`.
    @inline(__always)
    private static func isPlain(_ w: UInt64) -> Bool {
        ASCIIWord.isPrintable(w) && !ASCIIWord.hasByte(equalTo: 0x22, w) && !ASCIIWord.hasByte(equalTo: 0x5C, w)
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// `\uXXXX` for a scalar in the Basic Multilingual Plane.
    private static func appendUnicodeEscape(_ scalar: UInt32, to out: inout [UInt8]) {
        out.append(0x5C)
        out.append(0x75)
        for shift in stride(from: 12, through: 0, by: -4) {
            out.append(hexDigits[Int((scalar >> UInt32(shift)) & 0xF)])
        }
    }
}
