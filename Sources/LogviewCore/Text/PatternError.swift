/// Why a regular expression was rejected; `description` names the problem and its 1-based column.
public struct PatternError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Problem: Equatable, Sendable {
        case unterminatedGroup
        case unmatchedParenthesis
        case nothingToRepeat
        case possessiveQuantifier
        case unterminatedBracket
        case badRange(String, String)
        case unknownClassName(String)
        case trailingBackslash
        case badHexEscape
        case unknownEscape(Character)
        case backreference
        case lookaround
        case unknownGroupSyntax(String)
        case unknownFlag(Character)
        case badRepetition(String)
        case repetitionTooLarge(String)
        case patternTooLarge
        case nestedTooDeeply
    }

    public let problem: Problem
    /// 1-based position, in characters of the pattern, where the problem starts.
    public let column: Int

    public init(_ problem: Problem, column: Int) {
        self.problem = problem
        self.column = column
    }

    public var description: String {
        let what: String
        switch problem {
        case .unterminatedGroup: what = "unterminated group"
        case .unmatchedParenthesis: what = "unmatched )"
        case .nothingToRepeat: what = "nothing to repeat"
        case .possessiveQuantifier: what = "possessive quantifiers are not supported"
        case .unterminatedBracket: what = "unterminated bracket expression"
        case .badRange(let from, let to): what = "bad range \(from)-\(to)"
        case .unknownClassName(let name): what = "unknown character class [:\(name):]"
        case .trailingBackslash: what = "trailing backslash"
        case .badHexEscape: what = "bad \\x escape (want \\xHH or \\x{H...})"
        case .unknownEscape(let c): what = "unknown escape \\\(c)"
        case .backreference: what = "backreferences are not supported"
        case .lookaround: what = "lookaround is not supported"
        case .unknownGroupSyntax(let s): what = "unknown group syntax \(s)"
        case .unknownFlag(let c): what = "unsupported flag \(c) (use i, s or m)"
        case .badRepetition(let s): what = "bad repetition \(s)"
        case .repetitionTooLarge(let n): what = "repetition count \(n) is too large (at most \(PatternLimits.maximumRepetition))"
        case .patternTooLarge: what = "pattern too large once repetitions are expanded"
        case .nestedTooDeeply: what = "groups nested too deeply (at most \(PatternLimits.maximumNesting))"
        }
        return "\(what) at column \(column)"
    }
}

/// Bounds that keep a compiled program small enough to simulate quickly.
enum PatternLimits {
    static let maximumRepetition = 1000
    static let maximumInstructions = 200_000
    /// Parsing and compiling recurse per group level; this keeps the stack small.
    static let maximumNesting = 250
}
