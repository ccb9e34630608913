/// DEFLATE (RFC 1951) decoding: stored, fixed-Huffman and dynamic-Huffman blocks.
///
/// The engine behind `Gzip`. It reads one raw DEFLATE stream from a byte offset of the input and
/// appends what it decodes to an `InflateOutput`; the whole output stays in memory and is the
/// window for back-references, so there is no 32 KiB ring buffer to manage.
///
/// Speed comes from three things: bits are fed from a 64-bit buffer refilled with one unaligned
/// 8-byte load (enough for a whole length/distance pair), Huffman codes are decoded with a lookup
/// table (`rootBits` bits at once, a second-level table for the rare longer codes), and matches are
/// copied 8 bytes at a time into an output that keeps slack past its end.
///
/// Safety on corrupt input: every table lookup is masked to its table, every back-reference is
/// checked against the data decoded so far, and reading past the end of the input feeds zero bits
/// that are detected before anything decoded from them is written, so a damaged or truncated
/// stream ends in a `Gzip.Error`, never a crash or a loop.
struct Inflater {
    let input: UnsafeRawBufferPointer
    /// Next input byte to load into `bitBuffer`. May run past `input.count` by a few bytes when
    /// zero padding was loaded at the end of the input; `consumedBits` tells what was really used.
    var position: Int
    /// Pending bits, least significant first. Bits at and above `bitCount` are either zero or
    /// the true following bits of the stream, so a refill may OR the same bits in again.
    var bitBuffer: UInt64 = 0
    var bitCount: Int = 0

    /// Tables of the current dynamic block, kept to reuse their storage.
    private var literalTable: [UInt32] = []
    private var distanceTable: [UInt32] = []
    private var codeLengthTable: [UInt32] = []

    /// CRC-32 of everything this stream decoded, updated after each block while its output is
    /// still in cache (cheaper than a second pass over the whole output).
    private(set) var checksum: UInt32 = 0

    init(input: UnsafeRawBufferPointer, at offset: Int) {
        self.input = input
        self.position = offset
    }

    /// The offset of the first input byte not yet consumed, once the stream is byte-aligned.
    var bytePosition: Int { (position &* 8 &- bitCount &+ 7) >> 3 }

    /// Decodes one DEFLATE stream (up to and including its final block) into `out`.
    /// `memberStart` is where this stream's output begins: back-references may not reach before it.
    mutating func inflate(into out: InflateOutput, memberStart: Int) throws(Gzip.Error) {
        while true {
            let blockStart = out.count
            defer {
                checksum = CRC32.checksum(
                    UnsafeRawBufferPointer(start: out.base + blockStart, count: out.count - blockStart),
                    continuing: checksum)
            }
            let header = try bits(3)
            let isFinal = header & 1 == 1
            switch header >> 1 {
            case 0:
                try copyStoredBlock(into: out)
            case 1:
                try Self.fixedLiteralTable.withUnsafeBufferPointer { lit throws(Gzip.Error) in
                    try Self.fixedDistanceTable.withUnsafeBufferPointer { dist throws(Gzip.Error) in
                        try decodeHuffmanBlock(
                            literals: lit.baseAddress!, distances: dist.baseAddress!, into: out,
                            memberStart: memberStart)
                    }
                }
            case 2:
                try readDynamicTables()
                let lit = literalTable, dist = distanceTable
                try lit.withUnsafeBufferPointer { lit throws(Gzip.Error) in
                    try dist.withUnsafeBufferPointer { dist throws(Gzip.Error) in
                        try decodeHuffmanBlock(
                            literals: lit.baseAddress!, distances: dist.baseAddress!, into: out,
                            memberStart: memberStart)
                    }
                }
            default:
                throw .badBlockType(offset: errorOffset)
            }
            try out.checkLimit()
            if isFinal { break }
        }
        alignToByte()
    }

    // MARK: - Bits for headers (not the hot path)

    /// Bits consumed so far, counted from the start of the input.
    @inline(__always)
    private var consumedBits: Int { position &* 8 &- bitCount }

    /// The byte where the next unread bit lies, for error messages.
    private var errorOffset: Int { min(consumedBits >> 3, input.count) }

    /// Reads `n` (at most 32) bits; throws `truncated` when the input ends first.
    @inline(__always)
    private mutating func bits(_ n: Int) throws(Gzip.Error) -> UInt32 {
        while bitCount < n { loadByteOrZero() }
        let v = UInt32(truncatingIfNeeded: bitBuffer) & ((1 &<< UInt32(n)) &- 1)
        bitBuffer &>>= UInt64(n)
        bitCount -= n
        if consumedBits > input.count &* 8 { throw .truncated(offset: input.count) }
        return v
    }

    /// Makes at least 57 bits available, past the end of the input with zero bits.
    @inline(__always)
    private mutating func refillSlowly() {
        while bitCount <= 56 { loadByteOrZero() }
    }

    @inline(__always)
    private mutating func loadByteOrZero() {
        let byte: UInt8 = position < input.count ? input[position] : 0
        bitBuffer |= UInt64(byte) &<< UInt64(bitCount)
        position += 1
        bitCount += 8
    }

    /// Drops the bits up to the next byte boundary and empties the bit buffer, so `position` is
    /// the next unread byte.
    private mutating func alignToByte() {
        position = bytePosition
        bitBuffer = 0
        bitCount = 0
    }

    // MARK: - Stored blocks

    private mutating func copyStoredBlock(into out: InflateOutput) throws(Gzip.Error) {
        alignToByte()
        guard position <= input.count - 4 else { throw .truncated(offset: input.count) }
        let len = Int(input[position]) | Int(input[position + 1]) << 8
        let nlen = Int(input[position + 2]) | Int(input[position + 3]) << 8
        guard len == nlen ^ 0xFFFF else { throw .badStoredBlock(offset: position) }
        position += 4
        let available = min(len, input.count - position)
        var done = 0
        while done < available {
            // In slices, so an output limit is noticed without first allocating the whole block.
            let n = min(available - done, 1 << 16)
            try out.reserve(n)
            (out.base + out.count).update(
                from: input.baseAddress!.assumingMemoryBound(to: UInt8.self) + position + done,
                count: n)
            out.count += n
            done += n
            try out.checkLimit()
        }
        position += available
        if available < len { throw .truncated(offset: input.count) }
    }

    // MARK: - Dynamic block header

    /// The order in which code length code lengths are sent (RFC 1951, 3.2.7).
    private static let codeLengthOrder: [Int] = [
        16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15,
    ]

    private mutating func readDynamicTables() throws(Gzip.Error) {
        let start = errorOffset
        let literalCount = Int(try bits(5)) + 257
        let distanceCount = Int(try bits(5)) + 1
        let codeLengthCount = Int(try bits(4)) + 4
        // 286 literal/length and 30 distance codes are the most that have a meaning.
        guard literalCount <= 286, distanceCount <= 30 else {
            throw .badHuffmanCode(offset: start)
        }
        var lengths = [UInt8](repeating: 0, count: 320)
        for i in 0..<codeLengthCount {
            lengths[Self.codeLengthOrder[i]] = UInt8(try bits(3))
        }
        let ok = lengths.withUnsafeBufferPointer { l in
            HuffmanTable.build(
                lengths: UnsafeBufferPointer(rebasing: l[0..<19]), rootBits: 7,
                alphabet: .codeLengths, into: &codeLengthTable)
        }
        guard ok else { throw .badHuffmanCode(offset: start) }

        // Literal/length and distance code lengths form one run-length coded sequence.
        let total = literalCount + distanceCount
        var i = 0
        while i < total {
            refillSlowly()
            let e = codeLengthTable[Int(truncatingIfNeeded: bitBuffer) & 0x7F]
            let n = Int(e & 0xFF)
            guard e & HuffmanTable.kindMask == HuffmanTable.kindLiteral, n > 0 else {
                throw consumedBits + 7 > input.count &* 8
                    ? .truncated(offset: input.count) : .badHuffmanCode(offset: errorOffset)
            }
            bitBuffer &>>= UInt64(n)
            bitCount -= n
            if consumedBits > input.count &* 8 { throw .truncated(offset: input.count) }
            let symbol = Int(e >> 16)
            if symbol < 16 {
                lengths[i] = UInt8(symbol)
                i += 1
                continue
            }
            let value: UInt8, repeatCount: Int
            switch symbol {
            case 16:
                guard i > 0 else { throw .badHuffmanCode(offset: errorOffset) }
                value = lengths[i - 1]
                repeatCount = 3 + Int(try bits(2))
            case 17:
                value = 0
                repeatCount = 3 + Int(try bits(3))
            default:
                value = 0
                repeatCount = 11 + Int(try bits(7))
            }
            guard i + repeatCount <= total else { throw .badHuffmanCode(offset: errorOffset) }
            for k in i..<(i + repeatCount) { lengths[k] = value }
            i += repeatCount
        }
        if consumedBits > input.count &* 8 { throw .truncated(offset: input.count) }
        // A block without an end-of-block code could never end.
        guard lengths[256] != 0 else { throw .badHuffmanCode(offset: start) }

        let built = lengths.withUnsafeBufferPointer { l in
            HuffmanTable.build(
                lengths: UnsafeBufferPointer(rebasing: l[0..<literalCount]),
                rootBits: HuffmanTable.literalRootBits, alphabet: .literals, into: &literalTable)
                && HuffmanTable.build(
                    lengths: UnsafeBufferPointer(rebasing: l[literalCount..<total]),
                    rootBits: HuffmanTable.distanceRootBits, alphabet: .distances, into: &distanceTable)
        }
        guard built else { throw .badHuffmanCode(offset: start) }
    }

    // MARK: - Huffman blocks (the hot path)

    private static let fixedLiteralTable: [UInt32] = {
        var lengths = [UInt8](repeating: 8, count: 288)
        for i in 144..<256 { lengths[i] = 9 }
        for i in 256..<280 { lengths[i] = 7 }
        var table: [UInt32] = []
        _ = lengths.withUnsafeBufferPointer {
            HuffmanTable.build(
                lengths: $0, rootBits: HuffmanTable.literalRootBits, alphabet: .literals, into: &table)
        }
        return table
    }()

    private static let fixedDistanceTable: [UInt32] = {
        let lengths = [UInt8](repeating: 5, count: 32)
        var table: [UInt32] = []
        _ = lengths.withUnsafeBufferPointer {
            HuffmanTable.build(
                lengths: $0, rootBits: HuffmanTable.distanceRootBits, alphabet: .distances,
                into: &table)
        }
        return table
    }()

    /// Decodes symbols until the end-of-block code. State lives in locals for speed and is
    /// written back on every exit, so after an error `out.count` covers exactly the symbols that
    /// were decoded from real input.
    private mutating func decodeHuffmanBlock(
        literals lit: UnsafePointer<UInt32>, distances dist: UnsafePointer<UInt32>,
        into out: InflateOutput, memberStart: Int
    ) throws(Gzip.Error) {
        let inCount = input.count
        let inBits = inCount &* 8
        let inBase = input.baseAddress!
        let litMask = (1 << HuffmanTable.literalRootBits) - 1
        let distMask = (1 << HuffmanTable.distanceRootBits) - 1
        let kindMask = HuffmanTable.kindMask
        let kindSubtable = HuffmanTable.kindSubtable

        var buf = bitBuffer
        var count = bitCount
        var pos = position
        var outBase = out.base
        var outCount = out.count
        var outCapacity = out.capacity
        defer {
            bitBuffer = buf
            bitCount = count
            position = pos
            out.count = outCount
        }

        while true {
            // Refill to at least 56 bits: one code (15) + extra (5) + distance (15) + extra (13).
            if pos <= inCount &- 8 {
                let word = UInt64(littleEndian: inBase.loadUnaligned(fromByteOffset: pos, as: UInt64.self))
                buf |= word &<< UInt64(count)
                pos &+= (63 &- count) &>> 3
                count |= 56
            } else {
                while count <= 56 {
                    let byte: UInt8 = pos < inCount ? inBase.load(fromByteOffset: pos, as: UInt8.self) : 0
                    buf |= UInt64(byte) &<< UInt64(count)
                    pos &+= 1
                    count &+= 8
                }
            }
            if outCount &+ 258 > outCapacity {
                out.count = outCount
                try out.reserve(258)
                outBase = out.base
                outCapacity = out.capacity
            }

            var e = lit[Int(truncatingIfNeeded: buf) & litMask]
            if e & kindMask == kindSubtable {
                buf &>>= UInt64(HuffmanTable.literalRootBits)
                count &-= HuffmanTable.literalRootBits
                e = lit[Int(e >> 16) &+ (Int(truncatingIfNeeded: buf) & ((1 &<< Int((e >> 8) & 0xF)) &- 1))]
            }
            let n = Int(e & 0xFF)
            buf &>>= UInt64(n)
            count &-= n
            let kind = e & kindMask

            if kind == HuffmanTable.kindLiteral {
                if pos > inCount && pos &* 8 &- count > inBits { throw .truncated(offset: inCount) }
                outBase[outCount] = UInt8(truncatingIfNeeded: e >> 16)
                outCount &+= 1
                continue
            }

            if kind == HuffmanTable.kindBase {
                let lengthExtra = Int((e >> 8) & 0xF)
                let length = Int(e >> 16) &+ (Int(truncatingIfNeeded: buf) & ((1 &<< lengthExtra) &- 1))
                buf &>>= UInt64(lengthExtra)
                count &-= lengthExtra

                var d = dist[Int(truncatingIfNeeded: buf) & distMask]
                if d & kindMask == kindSubtable {
                    buf &>>= UInt64(HuffmanTable.distanceRootBits)
                    count &-= HuffmanTable.distanceRootBits
                    d = dist[Int(d >> 16) &+ (Int(truncatingIfNeeded: buf) & ((1 &<< Int((d >> 8) & 0xF)) &- 1))]
                }
                guard d & kindMask == HuffmanTable.kindBase else {
                    throw pos &* 8 &- count &+ 15 > inBits
                        ? .truncated(offset: inCount)
                        : .badHuffmanCode(offset: min((pos &* 8 &- count) >> 3, inCount))
                }
                let dn = Int(d & 0xFF)
                buf &>>= UInt64(dn)
                count &-= dn
                let distanceExtra = Int((d >> 8) & 0xF)
                let distance = Int(d >> 16) &+ (Int(truncatingIfNeeded: buf) & ((1 &<< distanceExtra) &- 1))
                buf &>>= UInt64(distanceExtra)
                count &-= distanceExtra

                if pos > inCount && pos &* 8 &- count > inBits { throw .truncated(offset: inCount) }
                guard distance <= outCount &- memberStart else {
                    throw .badDistance(offset: min((pos &* 8 &- count) >> 3, inCount))
                }

                let dst = outBase + outCount
                let src = dst - distance
                if distance >= 8 {
                    // Overlap is harmless: each 8-byte read lies wholly before its write. The last
                    // store may run up to 7 bytes past the match, into the output's slack.
                    var i = 0
                    repeat {
                        UnsafeMutableRawPointer(dst + i).storeBytes(
                            of: UnsafeRawPointer(src + i).loadUnaligned(as: UInt64.self), as: UInt64.self)
                        i &+= 8
                    } while i < length
                } else if distance == 1 {
                    dst.update(repeating: src.pointee, count: length)
                } else {
                    for i in 0..<length { dst[i] = src[i] }
                }
                outCount &+= length
                continue
            }

            if kind == HuffmanTable.kindEnd {
                if pos > inCount && pos &* 8 &- count > inBits { throw .truncated(offset: inCount) }
                return
            }

            // An unused code (or literal/length symbols 286 and 287).
            throw pos &* 8 &- count &+ 15 > inBits
                ? .truncated(offset: inCount)
                : .badHuffmanCode(offset: min((pos &* 8 &- count) >> 3, inCount))
        }
    }
}

/// Decoded output with slack past its capacity, so a match copy may store 8 bytes at a time.
///
/// It starts in memory the caller lends (the result array being built, sized from the gzip
/// trailer) and moves to memory of its own only if that turns out too small, so the usual
/// single-member file is decoded in place with no final copy.
final class InflateOutput {
    private(set) var base: UnsafeMutablePointer<UInt8>
    /// Bytes decoded so far.
    var count = 0
    /// Bytes that may be written before `reserve` must be called; `slack` more are allocated.
    private(set) var capacity: Int
    /// The most bytes the caller wants; decoding stops with an error past it.
    let limit: Int
    /// Whether `base` was allocated here (else it is the caller's until the output outgrows it).
    private(set) var ownsStorage = false

    /// Bytes past `capacity` that a match copy may overwrite.
    static let slack = 16

    /// Output in the caller's `storage`, whose last `slack` bytes are the slack.
    init(storage: UnsafeMutableBufferPointer<UInt8>, limit: Int) {
        precondition(storage.count > Self.slack)
        self.limit = limit
        base = storage.baseAddress!
        capacity = storage.count - Self.slack
    }

    deinit { if ownsStorage { base.deallocate() } }

    /// Makes room for `n` more bytes (at most 64 KiB), or throws when the limit is passed.
    func reserve(_ n: Int) throws(Gzip.Error) {
        try checkLimit()
        guard count + n > capacity else { return }
        let maxCapacity = limit > Int.max - (1 << 17) ? Int.max - (1 << 17) : limit + (1 << 17)
        let newCapacity = min(max(capacity * 2, count + n, 1 << 16), maxCapacity)
        let newBase = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity + Self.slack)
        newBase.update(from: base, count: count)
        if ownsStorage { base.deallocate() }
        base = newBase
        capacity = newCapacity
        ownsStorage = true
    }

    /// Throws once more than `limit` bytes were decoded.
    @inline(__always)
    func checkLimit() throws(Gzip.Error) {
        if count > limit { throw .outputLimitExceeded(limit: limit) }
    }

    /// How many decoded bytes the caller gets: at most `limit`.
    var resultCount: Int { min(count, limit) }
}

/// Canonical Huffman decoding tables (RFC 1951, 3.2.2) as flat arrays of packed entries.
///
/// An entry is a `UInt32`: bits 0-7 the number of bits to consume, bits 8-11 the number of extra
/// bits (or, for a subtable link, the subtable's index bits), bits 12-15 the kind, bits 16-31 the
/// value (a literal byte, a length or distance base, a subtable offset, or a code-length symbol).
/// The first `1 << rootBits` entries are indexed by the next `rootBits` input bits (least
/// significant bit first, as DEFLATE packs codes); longer codes go through a subtable link.
enum HuffmanTable {
    static let literalRootBits = 10
    static let distanceRootBits = 8

    static let kindMask: UInt32 = 0xF000
    static let kindLiteral: UInt32 = 0x0000
    static let kindBase: UInt32 = 0x1000
    static let kindEnd: UInt32 = 0x2000
    static let kindSubtable: UInt32 = 0x3000
    static let kindInvalid: UInt32 = 0x4000

    enum Alphabet { case codeLengths, literals, distances }

    private static let lengthBase: [UInt32] = [
        3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31,
        35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258,
    ]
    private static let lengthExtra: [UInt32] = [
        0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
    ]
    private static let distanceBase: [UInt32] = [
        1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193,
        257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577,
    ]
    private static let distanceExtra: [UInt32] = [
        0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13,
    ]

    /// The entry (without its bit count) that a symbol decodes to.
    private static func entry(_ symbol: Int, _ alphabet: Alphabet) -> UInt32 {
        switch alphabet {
        case .codeLengths:
            return kindLiteral | UInt32(symbol) << 16
        case .literals:
            if symbol < 256 { return kindLiteral | UInt32(symbol) << 16 }
            if symbol == 256 { return kindEnd }
            let i = symbol - 257
            guard i < 29 else { return kindInvalid }
            return kindBase | lengthBase[i] << 16 | lengthExtra[i] << 8
        case .distances:
            guard symbol < 30 else { return kindInvalid }
            return kindBase | distanceBase[symbol] << 16 | distanceExtra[symbol] << 8
        }
    }

    /// Fills `table` for the code lengths `lengths` (index = symbol, 0 = unused). Returns false
    /// when the lengths do not describe a usable prefix code: oversubscribed, or incomplete other
    /// than the single one-bit code RFC 1951 allows for distances. All-zero lengths give a table
    /// where every lookup is invalid. Unused slots decode as invalid. Allocates only when `table`
    /// needs more capacity than before.
    static func build(
        lengths: UnsafeBufferPointer<UInt8>, rootBits: Int, alphabet kind: Alphabet,
        into table: inout [UInt32]
    ) -> Bool {
        let rootSize = 1 << rootBits
        // Scratch: counts and first codes per length, reversed code per symbol, and per root
        // prefix the subtable's index bits and offset. On the stack when small enough.
        return withUnsafeTemporaryAllocation(of: Int.self, capacity: 32 + lengths.count + 2 * rootSize) {
            scratch in
            scratch.initialize(repeating: 0)
            let countPerLength = scratch.baseAddress!
            let nextCode = countPerLength + 16
            let reversed = nextCode + 16
            let subtableBits = reversed + lengths.count
            let subtableOffset = subtableBits + rootSize

            for l in lengths { countPerLength[Int(l)] += 1 }
            countPerLength[0] = 0
            var left = 1
            var maxLength = 0
            var used = 0
            for len in 1...15 {
                left <<= 1
                left -= countPerLength[len]
                if left < 0 { return false }
                if countPerLength[len] > 0 { maxLength = len }
                used += countPerLength[len]
            }
            if left > 0 && used > 0 {
                // Incomplete: only a lone one-bit code is allowed (and not for code length codes).
                guard kind != .codeLengths, maxLength == 1 else { return false }
            }

            // First code of each length, then each symbol's code reversed (DEFLATE sends codes
            // MSB first into an LSB-first bit stream, so tables are indexed by reversed codes).
            var code = 0
            for len in 1...15 {
                code = (code + countPerLength[len - 1]) << 1
                nextCode[len] = code
            }
            for (symbol, l) in lengths.enumerated() where l > 0 {
                let len = Int(l)
                var c = nextCode[len]
                nextCode[len] += 1
                var r = 0
                for _ in 0..<len {
                    r = (r << 1) | (c & 1)
                    c >>= 1
                }
                reversed[symbol] = r
            }

            // Subtables: one per root prefix of long codes, wide enough for its longest code.
            let rootMask = rootSize - 1
            var size = rootSize
            if maxLength > rootBits {
                for (symbol, l) in lengths.enumerated() where Int(l) > rootBits {
                    let prefix = reversed[symbol] & rootMask
                    subtableBits[prefix] = max(subtableBits[prefix], Int(l) - rootBits)
                }
                for prefix in 0..<rootSize where subtableBits[prefix] > 0 {
                    subtableOffset[prefix] = size
                    size += 1 << subtableBits[prefix]
                }
            }

            table.removeAll(keepingCapacity: true)
            table.append(contentsOf: repeatElement(kindInvalid, count: size))
            return table.withUnsafeMutableBufferPointer { t in
                if maxLength > rootBits {
                    for prefix in 0..<rootSize where subtableBits[prefix] > 0 {
                        t[prefix] = kindSubtable | UInt32(subtableOffset[prefix]) << 16
                            | UInt32(subtableBits[prefix]) << 8 | UInt32(rootBits)
                    }
                }
                for (symbol, l) in lengths.enumerated() where l > 0 {
                    let len = Int(l)
                    let value = entry(symbol, kind)
                    // Invalid symbols consume nothing, so errors point at the start of their code.
                    if value == kindInvalid { continue }
                    if len <= rootBits {
                        let e = value | UInt32(len)
                        var i = reversed[symbol]
                        while i < rootSize {
                            t[i] = e
                            i += 1 << len
                        }
                    } else {
                        let prefix = reversed[symbol] & rootMask
                        let subLength = len - rootBits
                        let e = value | UInt32(subLength)
                        let base = subtableOffset[prefix]
                        let subSize = 1 << subtableBits[prefix]
                        var i = reversed[symbol] >> rootBits
                        while i < subSize {
                            t[base + i] = e
                            i += 1 << subLength
                        }
                    }
                }
                return true
            }
        }
    }
}
