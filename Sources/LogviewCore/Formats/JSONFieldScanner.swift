/// What a JSON value is, as far as a scanner needs to know.
public enum JSONValueKind: Sendable, Equatable {
    case string, number, object, array, bool, null
}

/// One `"key": value` member of a JSON object, as byte ranges of the scanned buffer.
public struct JSONMember: Sendable, Equatable {
    /// The key between its quotes, still escaped.
    public var key: ByteRange
    /// A string's bytes between its quotes (still escaped); for every other kind the whole token,
    /// brackets included for objects and arrays.
    public var value: ByteRange
    public var kind: JSONValueKind
    /// Whether the key contains a backslash escape (then raw comparisons with a plain key fail).
    public var keyHasEscapes: Bool
    /// Whether a string value contains a backslash escape.
    public var valueHasEscapes: Bool
}

/// Walks the top-level members of one JSON object in a byte buffer, without allocating.
///
/// Nested objects and arrays are skipped by counting brackets outside strings (no recursion, so
/// hostile nesting cannot exhaust the stack); strings are skipped honouring backslash escapes.
/// The scanner is lenient where that is harmless (numbers are any run of number bytes) and stops
/// at the first byte that cannot continue the object.
public struct JSONFieldScanner {
    /// Where the scan is.
    public enum State: Sendable, Equatable {
        /// More members may follow.
        case reading
        /// The closing `}` was read; `end` is after it.
        case finished
        /// A byte that cannot continue the object was met.
        case malformed
        /// The buffer ended inside the object.
        case truncated
    }

    /// The buffer being scanned; it must outlive the scanner.
    public let bytes: UnsafeRawBufferPointer
    /// Where the next member is read from.
    public private(set) var position: Int
    /// Whether more members may follow, and if not, why.
    public private(set) var state = State.reading
    /// Members returned so far.
    public private(set) var membersRead = 0

    /// A scanner for the object whose `{` is the first non-whitespace byte at or after `start`;
    /// nil if there is none.
    public init?(_ bytes: UnsafeRawBufferPointer, objectAt start: Int = 0) {
        let i = JSONFieldScanner.skipWhitespace(bytes, from: start)
        guard i < bytes.count, bytes[i] == 0x7B else { return nil }
        self.bytes = bytes
        position = i + 1
    }

    /// The next member, or nil at the end of the object (see `state` for why it ended).
    public mutating func next() -> JSONMember? {
        guard state == .reading else { return nil }
        var i = JSONFieldScanner.skipWhitespace(bytes, from: position)
        guard i < bytes.count else { return stop(.truncated) }
        if membersRead == 0 && bytes[i] == 0x7D {  // {}
            position = i + 1
            return stop(.finished)
        }
        guard bytes[i] == 0x22 else { return stop(.malformed) }
        guard let key = JSONFieldScanner.stringEnd(bytes, openingQuoteAt: i) else { return stop(.truncated) }
        let keyRange = ByteRange(i + 1, key.closingQuote)
        i = JSONFieldScanner.skipWhitespace(bytes, from: key.closingQuote + 1)
        guard i < bytes.count else { return stop(.truncated) }
        guard bytes[i] == 0x3A else { return stop(.malformed) }
        i = JSONFieldScanner.skipWhitespace(bytes, from: i + 1)
        guard i < bytes.count else { return stop(.truncated) }
        guard let value = JSONFieldScanner.value(bytes, at: i) else {
            return stop(JSONFieldScanner.valueIsTruncated(bytes, at: i) ? .truncated : .malformed)
        }
        // A member counts once its value is complete, even if the separator after it is missing.
        let member = JSONMember(
            key: keyRange, value: value.range, kind: value.kind, keyHasEscapes: key.hasEscapes,
            valueHasEscapes: value.hasEscapes)
        membersRead += 1
        i = JSONFieldScanner.skipWhitespace(bytes, from: value.end)
        if i >= bytes.count {
            state = .truncated
        } else if bytes[i] == 0x2C {
            position = i + 1
        } else if bytes[i] == 0x7D {
            position = i + 1
            state = .finished
        } else {
            state = .malformed
        }
        return member
    }

    /// After `finished`: the index just past the closing `}`.
    public var end: Int { position }

    private mutating func stop(_ s: State) -> JSONMember? {
        state = s
        return nil
    }

    // MARK: - Byte-level helpers (no allocation)

    /// The first index at or after `from` that is not JSON whitespace (space, tab, LF, CR).
    @inline(__always)
    public static func skipWhitespace(_ b: UnsafeRawBufferPointer, from: Int) -> Int {
        var i = max(from, 0)
        while i < b.count && (b[i] == 0x20 || b[i] == 0x09 || b[i] == 0x0A || b[i] == 0x0D) { i += 1 }
        return i
    }

    /// The index of the closing quote of the string opening at `at`, and whether it had escapes;
    /// nil if the buffer ends first.
    @inline(__always)
    public static func stringEnd(_ b: UnsafeRawBufferPointer, openingQuoteAt at: Int)
        -> (closingQuote: Int, hasEscapes: Bool)?
    {
        var i = at + 1
        var escapes = false
        while i < b.count {
            let c = b[i]
            if c == 0x22 { return (i, escapes) }
            if c == 0x5C {
                escapes = true
                i += 2
            } else {
                i += 1
            }
        }
        return nil
    }

    /// Reads one value at `at`: its range (string contents for strings), kind and end; nil when
    /// malformed or truncated (a number reaching the buffer's end counts as truncated).
    public static func value(_ b: UnsafeRawBufferPointer, at i: Int)
        -> (range: ByteRange, kind: JSONValueKind, end: Int, hasEscapes: Bool)?
    {
        guard i >= 0, i < b.count else { return nil }
        switch b[i] {
        case 0x22:
            guard let s = stringEnd(b, openingQuoteAt: i) else { return nil }
            return (ByteRange(i + 1, s.closingQuote), .string, s.closingQuote + 1, s.hasEscapes)
        case 0x7B, 0x5B:
            guard let e = containerEnd(b, openingAt: i) else { return nil }
            return (ByteRange(i, e), b[i] == 0x7B ? .object : .array, e, false)
        case 0x74:
            guard b.matches("true", at: i) else { return nil }
            return (ByteRange(i, i + 4), .bool, i + 4, false)
        case 0x66:
            guard b.matches("false", at: i) else { return nil }
            return (ByteRange(i, i + 5), .bool, i + 5, false)
        case 0x6E:
            guard b.matches("null", at: i) else { return nil }
            return (ByteRange(i, i + 4), .null, i + 4, false)
        case 0x2D, 0x30...0x39:
            var e = i + 1
            while e < b.count && isNumberByte(b[e]) { e += 1 }
            // Inside an object a number is followed by `,` or `}`; one that runs into the buffer's
            // end may have been cut off.
            if e == b.count { return nil }
            return (ByteRange(i, e), .number, e, false)
        default:
            return nil
        }
    }

    /// The index just past the bracket closing the object or array opening at `at`; nil if the
    /// buffer ends first. Counts brackets outside strings; does not validate the inside.
    public static func containerEnd(_ b: UnsafeRawBufferPointer, openingAt at: Int) -> Int? {
        var depth = 0
        var i = at
        while i < b.count {
            switch b[i] {
            case 0x22:
                guard let s = stringEnd(b, openingQuoteAt: i) else { return nil }
                i = s.closingQuote
            case 0x7B, 0x5B:
                depth += 1
            case 0x7D, 0x5D:
                depth -= 1
                if depth == 0 { return i + 1 }
            default:
                break
            }
            i += 1
        }
        return nil
    }

    /// Whether the value at `at` failed because the buffer ended (rather than a bad byte).
    private static func valueIsTruncated(_ b: UnsafeRawBufferPointer, at i: Int) -> Bool {
        switch b[i] {
        case 0x22: return stringEnd(b, openingQuoteAt: i) == nil
        case 0x7B, 0x5B: return containerEnd(b, openingAt: i) == nil
        case 0x2D, 0x30...0x39: return true
        case 0x74, 0x66, 0x6E:
            // A literal cut short ("tr") is truncated; a wrong one ("tx") is malformed.
            let literal: StaticString = b[i] == 0x74 ? "true" : b[i] == 0x66 ? "false" : "null"
            let n = min(literal.utf8CodeUnitCount, b.count - i)
            for k in 0..<n where b[i + k] != literal.utf8Start[k] { return false }
            return n < literal.utf8CodeUnitCount
        default: return false
        }
    }

    @inline(__always)
    private static func isNumberByte(_ c: UInt8) -> Bool {
        (c >= 0x30 && c <= 0x39) || c == 0x2E || c == 0x65 || c == 0x45 || c == 0x2B || c == 0x2D
    }

    /// Whether the member's key is exactly `literal` (escaped keys never match). Does not allocate.
    @inline(__always)
    public static func key(_ m: JSONMember, in b: UnsafeRawBufferPointer, is literal: StaticString) -> Bool {
        m.key.count == literal.utf8CodeUnitCount && !m.keyHasEscapes && b.matches(literal, at: Int(m.key.start))
    }

    // MARK: - Decoding (allocates; for annotate and output only)

    /// Decodes the contents of a JSON string (between its quotes). Invalid escapes and lone
    /// surrogates become U+FFFD; invalid UTF-8 is repaired by `String(decoding:)`.
    public static func decodeString(_ raw: UnsafeRawBufferPointer) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        var i = 0
        func appendScalar(_ v: UInt32) {
            let scalar = Unicode.Scalar(v) ?? "\u{FFFD}"
            out.append(contentsOf: String(scalar).utf8)
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
            case 0x22, 0x5C, 0x2F: out.append(e)
            case 0x62: out.append(0x08)
            case 0x66: out.append(0x0C)
            case 0x6E: out.append(0x0A)
            case 0x72: out.append(0x0D)
            case 0x74: out.append(0x09)
            case 0x75:
                guard let high = hex4(raw, at: i) else {
                    appendScalar(0xFFFD)
                    continue
                }
                i += 4
                if high >= 0xD800 && high <= 0xDBFF, i + 1 < raw.count, raw[i] == 0x5C, raw[i + 1] == 0x75,
                    let low = hex4(raw, at: i + 2), low >= 0xDC00, low <= 0xDFFF
                {
                    i += 6
                    appendScalar(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))
                } else {
                    appendScalar(high)  // lone surrogates fail Unicode.Scalar and become U+FFFD
                }
            default:
                appendScalar(0xFFFD)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// A JSON value's text with the whitespace outside strings removed (strings stay escaped).
    public static func compactText(_ raw: UnsafeRawBufferPointer) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        var inString = false
        var i = 0
        while i < raw.count {
            let c = raw[i]
            if inString {
                out.append(c)
                if c == 0x5C, i + 1 < raw.count {
                    out.append(raw[i + 1])
                    i += 1
                } else if c == 0x22 {
                    inString = false
                }
            } else if c == 0x22 {
                inString = true
                out.append(c)
            } else if c != 0x20 && c != 0x09 && c != 0x0A && c != 0x0D {
                out.append(c)
            }
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func hex4(_ b: UnsafeRawBufferPointer, at: Int) -> UInt32? {
        guard at >= 0, at + 4 <= b.count else { return nil }
        var v: UInt32 = 0
        for k in 0..<4 {
            let c = b[at + k]
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
}
