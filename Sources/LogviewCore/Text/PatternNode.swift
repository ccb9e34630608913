/// A zero-width test between two bytes.
enum PatternAssertion: Equatable, Sendable {
    /// `^`: at the start of the text or just after a newline.
    case lineStart
    /// `$`: at the end of the text or just before a newline.
    case lineEnd
    /// `\b`: between a word byte (ASCII letter, digit, `_`) and a non-word byte or an edge.
    case wordBoundary
    /// `\B`
    case notWordBoundary
}

/// The parsed form of a pattern, before it is compiled to a program.
indirect enum PatternNode: Equatable, Sendable {
    case empty
    /// Bytes that must appear as they are; ASCII letters in either case when `caseInsensitive`.
    case literal([UInt8], caseInsensitive: Bool)
    /// One character from a set of scalars. A `negated` set (and `.`) also matches one unit of
    /// invalid UTF-8 (a stray byte or a truncated sequence), so nothing in a line is unmatchable.
    case characterSet(ScalarSet, negated: Bool)
    case assertion(PatternAssertion)
    case concatenation([PatternNode])
    case alternation([PatternNode])
    /// `max == nil`: unbounded. `greedy == false`: a lazy quantifier (prefers fewer repetitions).
    case repetition(PatternNode, min: Int, max: Int?, greedy: Bool)
}
