/// Walks the members of a one-line JSON object (`escape=json` access logs) on raw bytes.
///
/// Nested objects and arrays are skipped as whole values; string escapes are stepped over, not
/// decoded (see `decodedString` for that). Reading does not allocate.
struct NginxJSONMemberReader {
    /// What the next step of the walk found.
    enum Step: Equatable {
        /// A member: the key's bytes and the value's bytes, both without the surrounding quotes
        /// when they are strings (escapes left in).
        case member(key: ByteRange, value: ByteRange, valueIsString: Bool)
        /// The object closed and only blanks follow.
        case end
        /// The line stopped inside the object: a line cut short, or one still being written.
        case truncated
        /// Not JSON.
        case malformed
    }

    private let bytes: UnsafeRawBufferPointer
    private var position: Int
    private var atFirstMember = true
    private var finished = false

    /// Starts a walk; nil unless the first non-blank byte opens an object.
    init?(_ line: UnsafeRawBufferPointer) {
        let start = NginxJSONMemberReader.skipSpace(line, from: 0)
        guard start < line.count, line[start] == 0x7B else { return nil }  // '{'
        bytes = line
        position = start + 1
    }

    mutating func next() -> Step {
        guard !finished else { return .end }
        let step = readStep()
        if case .member = step {} else { finished = true }
        return step
    }

    private mutating func readStep() -> Step {
        var i = skip(from: position)
        guard i < bytes.count else { return .truncated }
        if bytes[i] == 0x7D {  // '}'
            return skip(from: i + 1) == bytes.count ? .end : .malformed
        }
        if !atFirstMember {
            guard bytes[i] == 0x2C else { return .malformed }  // ','
            i = skip(from: i + 1)
            guard i < bytes.count else { return .truncated }
        }
        atFirstMember = false
        guard bytes[i] == 0x22 else { return .malformed }
        guard let keyEnd = stringEnd(openingAt: i) else { return .truncated }
        let key = ByteRange(i + 1, keyEnd)
        i = skip(from: keyEnd + 1)
        guard i < bytes.count else { return .truncated }
        guard bytes[i] == 0x3A else { return .malformed }  // ':'
        i = skip(from: i + 1)
        guard i < bytes.count else { return .truncated }
        switch bytes[i] {
        case 0x22:
            guard let valueEnd = stringEnd(openingAt: i) else { return .truncated }
            position = valueEnd + 1
            return .member(key: key, value: ByteRange(i + 1, valueEnd), valueIsString: true)
        case 0x7B, 0x5B:  // '{', '['
            switch containerEnd(openingAt: i) {
            case .closed(let end):
                position = end
                return .member(key: key, value: ByteRange(i, end), valueIsString: false)
            case .mismatched: return .malformed
            case .cut: return .truncated
            }
        default:
            var j = i
            while j < bytes.count, isScalarByte(bytes[j]) { j += 1 }
            // A scalar that runs into the end of the line may have been cut.
            guard j < bytes.count else { return .truncated }
            guard j > i else { return .malformed }
            position = j
            return .member(key: key, value: ByteRange(i, j), valueIsString: false)
        }
    }

    /// Index of the quote closing the string that opens at `at`, or nil if the line ends first.
    private func stringEnd(openingAt at: Int) -> Int? {
        var i = at + 1
        while i < bytes.count {
            switch bytes[i] {
            case 0x22: return i
            case 0x5C: i += 2
            default: i += 1
            }
        }
        return nil
    }

    private enum ContainerEnd {
        /// The index after the closing bracket.
        case closed(Int)
        case mismatched
        case cut
    }

    private func containerEnd(openingAt at: Int) -> ContainerEnd {
        // Brackets are counted, and only the outermost pair is checked for kind: enough to find
        // where a nested value ends; its inside is shown as text, never interpreted.
        let opener = bytes[at]
        var depth = 0
        var i = at
        while i < bytes.count {
            switch bytes[i] {
            case 0x22:
                guard let end = stringEnd(openingAt: i) else { return .cut }
                i = end
            case 0x7B, 0x5B: depth += 1
            case 0x7D, 0x5D:
                depth -= 1
                if depth == 0 { return (bytes[i] == 0x7D) == (opener == 0x7B) ? .closed(i + 1) : .mismatched }
            default: break
            }
            i += 1
        }
        return .cut
    }

    private func isScalarByte(_ c: UInt8) -> Bool {
        // Numbers, true, false, null.
        (c >= 0x30 && c <= 0x39) || c == 0x2D || c == 0x2B || c == 0x2E || (c >= 0x61 && c <= 0x7A) || c == 0x45
    }

    private func skip(from i: Int) -> Int { NginxJSONMemberReader.skipSpace(bytes, from: i) }

    private static func skipSpace(_ b: UnsafeRawBufferPointer, from start: Int) -> Int {
        var i = start
        while i < b.count, b[i] == 0x20 || b[i] == 0x09 || b[i] == 0x0D || b[i] == 0x0A { i += 1 }
        return i
    }

    /// Decodes a JSON string's contents (without quotes): `\uXXXX` with surrogate pairs, the short
    /// escapes; a broken escape or lone surrogate becomes U+FFFD. For `annotate`; allocates.
    static func decodedString(_ raw: UnsafeRawBufferPointer) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        var i = 0
        func hex4(at p: Int) -> UInt32? {
            guard p + 4 <= raw.count else { return nil }
            var v: UInt32 = 0
            for k in 0..<4 {
                let c = raw[p + k]
                let d: UInt32
                switch c {
                case 0x30...0x39: d = UInt32(c - 0x30)
                case 0x41...0x46: d = UInt32(c - 0x41 + 10)
                case 0x61...0x66: d = UInt32(c - 0x61 + 10)
                default: return nil
                }
                v = v << 4 | d
            }
            return v
        }
        func appendScalar(_ v: UInt32) {
            let scalar = Unicode.Scalar(v) ?? "\u{FFFD}"
            out.append(contentsOf: scalar.utf8)
        }
        while i < raw.count {
            let c = raw[i]
            guard c == 0x5C, i + 1 < raw.count else {
                out.append(c)
                i += 1
                continue
            }
            let e = raw[i + 1]
            i += 2
            switch e {
            case 0x62: out.append(0x08)
            case 0x66: out.append(0x0C)
            case 0x6E: out.append(0x0A)
            case 0x72: out.append(0x0D)
            case 0x74: out.append(0x09)
            case 0x75:
                guard let unit = hex4(at: i) else {
                    appendScalar(0xFFFD)
                    continue
                }
                i += 4
                if unit >= 0xD800, unit <= 0xDBFF, i + 1 < raw.count, raw[i] == 0x5C, raw[i + 1] == 0x75,
                    let low = hex4(at: i + 2), low >= 0xDC00, low <= 0xDFFF
                {
                    i += 6
                    appendScalar(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))
                } else {
                    appendScalar(unit)  // a lone surrogate is not a scalar: U+FFFD
                }
            default: out.append(e)  // \" \\ \/ and anything unknown: the character itself
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
