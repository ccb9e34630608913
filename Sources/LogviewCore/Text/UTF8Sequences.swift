/// Turns sets of scalars into byte-range sequences of their UTF-8 encodings, so the automaton
/// reads bytes and still matches whole characters.
enum UTF8Sequences {
    typealias Sequence = [ClosedRange<UInt8>]

    /// Sequences whose union encodes exactly `set` (surrogates excluded). Each sequence is 1-4
    /// byte ranges; every encoding of a scalar in the set matches exactly one sequence.
    static func sequences(for set: ScalarSet) -> [Sequence] {
        var out: [Sequence] = []
        for r in set.ranges { split(r.lowerBound, r.upperBound, into: &out) }
        return out
    }

    private static func split(_ lo: UInt32, _ hi: UInt32, into out: inout [Sequence]) {
        if lo <= 0xDFFF && hi >= 0xD800 {
            if lo < 0xD800 { split(lo, 0xD7FF, into: &out) }
            if hi > 0xDFFF { split(0xE000, hi, into: &out) }
            return
        }
        for boundary: UInt32 in [0x7F, 0x7FF, 0xFFFF] where lo <= boundary && hi > boundary {
            split(lo, boundary, into: &out)
            split(boundary + 1, hi, into: &out)
            return
        }
        let length = encodedLength(lo)
        // Split until every byte position varies over a full range independently of the others.
        for i in 1..<max(length, 1) {
            let mask: UInt32 = (1 << (6 * UInt32(i))) - 1
            if lo & ~mask != hi & ~mask {
                if lo & mask != 0 {
                    split(lo, lo | mask, into: &out)
                    split((lo | mask) + 1, hi, into: &out)
                    return
                }
                if hi & mask != mask {
                    split(lo, (hi & ~mask) - 1, into: &out)
                    split(hi & ~mask, hi, into: &out)
                    return
                }
            }
        }
        let a = encode(lo), b = encode(hi)
        out.append((0..<a.count).map { a[$0]...b[$0] })
    }

    private static func encodedLength(_ scalar: UInt32) -> Int {
        scalar < 0x80 ? 1 : scalar < 0x800 ? 2 : scalar < 0x10000 ? 3 : 4
    }

    private static func encode(_ s: UInt32) -> [UInt8] {
        switch encodedLength(s) {
        case 1: return [UInt8(s)]
        case 2: return [UInt8(0xC0 | s >> 6), UInt8(0x80 | s & 0x3F)]
        case 3: return [UInt8(0xE0 | s >> 12), UInt8(0x80 | (s >> 6) & 0x3F), UInt8(0x80 | s & 0x3F)]
        default:
            return [UInt8(0xF0 | s >> 18), UInt8(0x80 | (s >> 12) & 0x3F), UInt8(0x80 | (s >> 6) & 0x3F), UInt8(0x80 | s & 0x3F)]
        }
    }

    /// Bytes that can never start a well-formed sequence: each is one invalid unit by itself.
    static let strayBytes: ByteSet = {
        var s = ByteSet(0x80...0xC1)
        s.insert(0xF5...0xFF)
        return s
    }()

    /// The well-formed multi-byte sequences (Unicode table 3-7).
    private static let wellFormed: [Sequence] = [
        [0xC2...0xDF, 0x80...0xBF],
        [0xE0...0xE0, 0xA0...0xBF, 0x80...0xBF],
        [0xE1...0xEC, 0x80...0xBF, 0x80...0xBF],
        [0xED...0xED, 0x80...0x9F, 0x80...0xBF],
        [0xEE...0xEF, 0x80...0xBF, 0x80...0xBF],
        [0xF0...0xF0, 0x90...0xBF, 0x80...0xBF, 0x80...0xBF],
        [0xF1...0xF3, 0x80...0xBF, 0x80...0xBF, 0x80...0xBF],
        [0xF4...0xF4, 0x80...0x8F, 0x80...0xBF, 0x80...0xBF],
    ]

    /// Truncated sequences: a well-formed prefix whose next byte is not the one that would continue
    /// it. Each is one invalid unit (a "maximal subpart", as in U+FFFD substitution).
    static let truncatedPrefixes: [(prefix: Sequence, continuation: ClosedRange<UInt8>)] = wellFormed.flatMap { row in
        (1..<row.count).map { k in (Array(row[0..<k]), row[k]) }
    }
}

extension UTF8Sequences {
    /// The length of the unit at `i`: a well-formed sequence, or one invalid unit (a stray byte or
    /// the maximal well-formed prefix of a truncated sequence) exactly as `.` reads it.
    static func unitLength(in bytes: UnsafeRawBufferPointer, at i: Int) -> Int {
        let lead = bytes[i]
        let length: Int
        let second: ClosedRange<UInt8>
        switch lead {
        case 0x00...0x7F: return 1
        case 0xC2...0xDF: length = 2; second = 0x80...0xBF
        case 0xE0: length = 3; second = 0xA0...0xBF
        case 0xED: length = 3; second = 0x80...0x9F
        case 0xE1...0xEF: length = 3; second = 0x80...0xBF
        case 0xF0: length = 4; second = 0x90...0xBF
        case 0xF1...0xF3: length = 4; second = 0x80...0xBF
        case 0xF4: length = 4; second = 0x80...0x8F
        default: return 1
        }
        var k = 1
        while k < length && i + k < bytes.count {
            let b = bytes[i + k]
            guard k == 1 ? second.contains(b) : (0x80...0xBF).contains(b) else { break }
            k += 1
        }
        return k
    }
}
