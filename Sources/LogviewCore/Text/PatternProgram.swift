/// A compiled pattern: a byte-level NFA in the style of a Thompson construction.
///
/// Instructions are numbered; `start` is the entry. Both matchers (the lazy DFA that answers
/// "is there a match" and the Pike VM that finds where) run this same program.
struct PatternProgram: Sendable {
    enum Operation: UInt8, Sendable {
        /// Reads one byte in `byteSets[argument]`, then continues at `next`.
        case consume
        /// Continues at `next` and, with lower priority, at `alternative`.
        case split
        case jump
        /// A zero-width test (`argument` is an `AssertionCode`), then `next`.
        case assert
        /// Zero-width: the next byte is absent or not in `byteSets[argument]`.
        case lookaheadNotIn
        case match
    }

    struct Instruction: Sendable {
        var operation: Operation
        var next: Int32 = -1
        var alternative: Int32 = -1
        var argument: Int32 = 0
    }

    enum AssertionCode: Int32 {
        case lineStart, lineEnd, wordBoundary, notWordBoundary
    }

    var instructions: [Instruction] = []
    var byteSets: [ByteSet] = []
    /// The pattern's first instruction.
    var start: Int32 = 0
    /// Where the DFA's search begins: a lazy loop over whole characters in front of `start`, so a
    /// match can begin at any character boundary but never inside a UTF-8 sequence. (The Pike VM
    /// does the same natively: it adds a thread at `start` on each boundary.)
    var searchStart: Int32 = 0
    /// Bytes that no instruction tells apart share a class; the DFA's table has one column per class.
    var byteClass: [UInt8] = []
    var classCount = 0
    var classRepresentative: [UInt8] = []
    var usesWordAssertions = false
    var usesLineStart = false

    /// Whether a zero-width test holds between the previous byte (described by two flags) and `next`
    /// (-1 at the end of the text).
    @inline(__always)
    static func assertionHolds(_ code: Int32, previousIsWord: Bool, atLineStart: Bool, next: Int) -> Bool {
        switch code {
        case AssertionCode.lineStart.rawValue: return atLineStart
        case AssertionCode.lineEnd.rawValue: return next < 0 || next == 0x0A
        default:
            let nextIsWord = next >= 0 && ByteSet.word.contains(UInt8(next))
            let boundary = previousIsWord != nextIsWord
            return code == AssertionCode.wordBoundary.rawValue ? boundary : !boundary
        }
    }

    /// Partitions the 256 byte values so that bytes in one class behave the same everywhere in
    /// the program (every byte set, word-ness, newline).
    mutating func computeByteClasses() {
        var boundaries = [Bool](repeating: false, count: 257)
        func mark(_ set: ByteSet) {
            for b in 1..<256 where set.contains(UInt8(b)) != set.contains(UInt8(b - 1)) { boundaries[b] = true }
        }
        for s in byteSets { mark(s) }
        mark(ByteSet.word)
        mark(ByteSet(0x0A...0x0A))
        byteClass = [UInt8](repeating: 0, count: 256)
        classRepresentative = [0]
        var current = 0
        for b in 1..<256 {
            if boundaries[b] {
                current += 1
                classRepresentative.append(UInt8(b))
            }
            byteClass[b] = UInt8(current)
        }
        classCount = current + 1
    }
}
