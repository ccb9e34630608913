/// Reads one JSON document from a byte buffer, front to back, without building a tree.
///
/// Remote answers (Loki pages, tail frames, journal-gatewayd entries) are walked with it: the
/// caller asks for the shape it expects and skips the rest. Nesting is skipped iteratively, so a
/// hostile body cannot exhaust the stack; every read checks bounds and reports malformed input as
/// `JSONCursor.Error` instead of trapping. Strings are unescaped into a reused byte array.
struct JSONCursor {
    enum Error: Swift.Error, Equatable, CustomStringConvertible {
        /// The body ended before the document did (a truncated answer).
        case truncated
        /// A byte that the expected shape cannot have, at this offset.
        case unexpected(offset: Int, expected: String)

        var description: String {
            switch self {
            case .truncated: "the JSON body ends early (truncated answer)"
            case .unexpected(let offset, let expected): "malformed JSON at byte \(offset): expected \(expected)"
            }
        }
    }

    let bytes: UnsafeRawBufferPointer
    private(set) var position: Int

    init(_ bytes: UnsafeRawBufferPointer, at position: Int = 0) {
        self.bytes = bytes
        self.position = position
    }

    var isAtEnd: Bool {
        mutating get {
            skipSpace()
            return position >= bytes.count
        }
    }

    mutating func skipSpace() {
        while position < bytes.count {
            let b = bytes[position]
            guard b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 else { return }
            position += 1
        }
    }

    /// The next non-space byte, not consumed.
    mutating func peek() throws -> UInt8 {
        skipSpace()
        guard position < bytes.count else { throw Error.truncated }
        return bytes[position]
    }

    mutating func expect(_ byte: UInt8, _ what: String) throws {
        guard try peek() == byte else { throw Error.unexpected(offset: position, expected: what) }
        position += 1
    }

    /// Consumes `null` if it is next.
    mutating func consumeNull() throws -> Bool {
        guard try peek() == UInt8(ascii: "n") else { return false }
        try skipValue()
        return true
    }

    // MARK: Objects and arrays

    /// Calls `body` with each key of the object that starts here; `body` must consume the value.
    mutating func forEachMember(_ body: (inout JSONCursor, _ key: [UInt8]) throws -> Void) throws {
        try expect(UInt8(ascii: "{"), "an object")
        var key: [UInt8] = []
        if try peek() == UInt8(ascii: "}") {
            position += 1
            return
        }
        while true {
            key.removeAll(keepingCapacity: true)
            try readString(into: &key)
            try expect(UInt8(ascii: ":"), "':'")
            try body(&self, key)
            let b = try peek()
            position += 1
            if b == UInt8(ascii: "}") { return }
            guard b == UInt8(ascii: ",") else { throw Error.unexpected(offset: position - 1, expected: "',' or '}'") }
        }
    }

    /// Calls `body` once per element of the array that starts here; `body` must consume it.
    mutating func forEachElement(_ body: (inout JSONCursor) throws -> Void) throws {
        try expect(UInt8(ascii: "["), "an array")
        if try peek() == UInt8(ascii: "]") {
            position += 1
            return
        }
        while true {
            try body(&self)
            let b = try peek()
            position += 1
            if b == UInt8(ascii: "]") { return }
            guard b == UInt8(ascii: ",") else { throw Error.unexpected(offset: position - 1, expected: "',' or ']'") }
        }
    }

    // MARK: Scalars

    /// Appends the unescaped bytes of the string that starts here to `out`. `\uXXXX` escapes
    /// (surrogate pairs included) become UTF-8; a lone surrogate becomes U+FFFD.
    mutating func readString(into out: inout [UInt8]) throws {
        try expect(UInt8(ascii: "\""), "a string")
        while true {
            // Copy the run up to the next quote or backslash in one go.
            let runStart = position
            while position < bytes.count, bytes[position] != 0x22, bytes[position] != 0x5C { position += 1 }
            if position > runStart { out.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[runStart..<position])) }
            guard position < bytes.count else { throw Error.truncated }
            if bytes[position] == 0x22 {
                position += 1
                return
            }
            position += 1
            guard position < bytes.count else { throw Error.truncated }
            let e = bytes[position]
            position += 1
            switch e {
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "u"):
                var scalar = try readHex4()
                if (0xD800..<0xDC00).contains(scalar) {
                    // A high surrogate needs its low half right behind it.
                    if position + 6 <= bytes.count, bytes[position] == 0x5C, bytes[position + 1] == UInt8(ascii: "u") {
                        let save = position
                        position += 2
                        let low = try readHex4()
                        if (0xDC00..<0xE000).contains(low) {
                            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        } else {
                            position = save
                            scalar = 0xFFFD
                        }
                    } else {
                        scalar = 0xFFFD
                    }
                } else if (0xDC00..<0xE000).contains(scalar) {
                    scalar = 0xFFFD
                }
                appendUTF8(scalar, to: &out)
            default: out.append(e)  // \" \\ \/ and anything lenient
            }
        }
    }

    /// The string that starts here as bytes (allocates; for keys and labels, not per line).
    mutating func string() throws -> [UInt8] {
        var out: [UInt8] = []
        try readString(into: &out)
        return out
    }

    /// A JSON string holding a decimal integer (Loki's ns timestamps, gatewayd's µs timestamps).
    mutating func integerInString() throws -> Int64 {
        try expect(UInt8(ascii: "\""), "a quoted integer")
        let start = position
        var value: Int64 = 0
        var negative = false
        if position < bytes.count, bytes[position] == UInt8(ascii: "-") {
            negative = true
            position += 1
        }
        while position < bytes.count, bytes[position] >= 0x30, bytes[position] <= 0x39 {
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(Int64(bytes[position] - 0x30))
            guard !o1, !o2 else { throw Error.unexpected(offset: start, expected: "an integer that fits 64 bits") }
            value = a
            position += 1
        }
        guard position < bytes.count else { throw Error.truncated }
        guard bytes[position] == 0x22, position > start + (negative ? 1 : 0) else {
            throw Error.unexpected(offset: position, expected: "a quoted integer")
        }
        position += 1
        return negative ? -value : value
    }

    /// A bare JSON integer (a byte of gatewayd's binary MESSAGE arrays).
    mutating func integer() throws -> Int64 {
        _ = try peek()
        let start = position
        var value: Int64 = 0
        while position < bytes.count, bytes[position] >= 0x30, bytes[position] <= 0x39 {
            value = value &* 10 &+ Int64(bytes[position] - 0x30)
            position += 1
        }
        guard position > start else { throw Error.unexpected(offset: start, expected: "a number") }
        return value
    }

    /// Skips the value that starts here, whatever it is.
    mutating func skipValue() throws {
        var depth = 0
        repeat {
            let b = try peek()
            switch b {
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
                position += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                guard depth > 0 else { throw Error.unexpected(offset: position, expected: "a value") }
                depth -= 1
                position += 1
            case UInt8(ascii: "\""):
                try skipString()
                if depth > 0, try peek() == UInt8(ascii: ":") { position += 1 }
            case UInt8(ascii: ","), UInt8(ascii: ":"):
                guard depth > 0 else { throw Error.unexpected(offset: position, expected: "a value") }
                position += 1
                continue
            default:
                // Number, true, false, null: a run of letters, digits and signs.
                let start = position
                while position < bytes.count {
                    let c = bytes[position]
                    let isWord = (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x7A) || c == 0x2B || c == 0x2D || c == 0x2E || c == 0x45
                    guard isWord else { break }
                    position += 1
                }
                guard position > start else { throw Error.unexpected(offset: start, expected: "a value") }
                if position >= bytes.count, depth > 0 { throw Error.truncated }
            }
        } while depth > 0
    }

    private mutating func skipString() throws {
        position += 1
        while position < bytes.count {
            let b = bytes[position]
            if b == 0x22 {
                position += 1
                return
            }
            position += b == 0x5C ? 2 : 1
        }
        throw Error.truncated
    }

    private mutating func readHex4() throws -> UInt32 {
        guard position + 4 <= bytes.count else { throw Error.truncated }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let c = bytes[position]
            let d: UInt32
            switch c {
            case 0x30...0x39: d = UInt32(c - 0x30)
            case 0x41...0x46: d = UInt32(c - 0x41 + 10)
            case 0x61...0x66: d = UInt32(c - 0x61 + 10)
            default: throw Error.unexpected(offset: position, expected: "a hex digit")
            }
            v = v << 4 | d
            position += 1
        }
        return v
    }

    private func appendUTF8(_ scalar: UInt32, to out: inout [UInt8]) {
        switch scalar {
        case 0..<0x80: out.append(UInt8(scalar))
        case 0x80..<0x800:
            out.append(UInt8(0xC0 | scalar >> 6))
            out.append(UInt8(0x80 | scalar & 0x3F))
        case 0x800..<0x10000:
            out.append(UInt8(0xE0 | scalar >> 12))
            out.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            out.append(UInt8(0x80 | scalar & 0x3F))
        default:
            out.append(UInt8(0xF0 | scalar >> 18))
            out.append(UInt8(0x80 | scalar >> 12 & 0x3F))
            out.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            out.append(UInt8(0x80 | scalar & 0x3F))
        }
    }
}
