/// Parses POSIX ERE plus the common Perl shorthands into a `PatternNode`.
///
/// Columns in errors count characters (Unicode scalars) of the pattern, from 1.
struct PatternParser {
    private let scalars: [Unicode.Scalar]
    private var position = 0
    /// The current `(?i)` state; scoped to the enclosing group.
    private var caseInsensitive: Bool
    /// The current `(?s)` state: `.` also matches a newline.
    private var dotMatchesNewline = false
    private var depth = 0

    static func parse(_ source: String, caseInsensitive: Bool) throws(PatternError) -> PatternNode {
        var parser = PatternParser(scalars: Array(source.unicodeScalars), caseInsensitive: caseInsensitive)
        let node = try parser.parseAlternation()
        if parser.position < parser.scalars.count {
            // Only a `)` stops the top level early.
            throw PatternError(.unmatchedParenthesis, column: parser.position + 1)
        }
        return node
    }

    private init(scalars: [Unicode.Scalar], caseInsensitive: Bool) {
        self.scalars = scalars
        self.caseInsensitive = caseInsensitive
    }

    // MARK: structure

    /// The pattern text from `first` through `last` (clamped to the end), for error messages.
    private func text(_ first: Int, _ last: Int) -> String {
        String(String.UnicodeScalarView(scalars[first...min(last, scalars.count - 1)]))
    }

    private var peek: Unicode.Scalar? { position < scalars.count ? scalars[position] : nil }

    private func peek(at offset: Int) -> Unicode.Scalar? {
        position + offset < scalars.count ? scalars[position + offset] : nil
    }

    private mutating func parseAlternation() throws(PatternError) -> PatternNode {
        var branches = [try parseConcatenation()]
        while peek == "|" {
            position += 1
            branches.append(try parseConcatenation())
        }
        return branches.count == 1 ? branches[0] : .alternation(branches)
    }

    private mutating func parseConcatenation() throws(PatternError) -> PatternNode {
        var items: [PatternNode] = []
        while let c = peek, c != "|", c != ")" {
            guard let atom = try parseAtom() else { continue }  // an inline flag such as (?i)
            if case .assertion = atom, startsQuantifier() {
                throw PatternError(.nothingToRepeat, column: position + 1)
            }
            let quantified = try parseQuantifier(atom)
            if case .literal(let bytes, let ci) = quantified, case .literal(let previous, let pci)? = items.last,
                ci == pci
            {
                items[items.count - 1] = .literal(previous + bytes, caseInsensitive: ci)
            } else {
                items.append(quantified)
            }
        }
        switch items.count {
        case 0: return .empty
        case 1: return items[0]
        default: return .concatenation(items)
        }
    }

    /// One atom, or nil for a construct that only changes flags.
    private mutating func parseAtom() throws(PatternError) -> PatternNode? {
        let c = scalars[position]
        let column = position + 1
        switch c {
        case "(":
            return try parseGroup()
        case ".":
            position += 1
            return .characterSet(dotMatchesNewline ? ScalarSet() : .newline, negated: true)
        case "^":
            position += 1
            return .assertion(.lineStart)
        case "$":
            position += 1
            return .assertion(.lineEnd)
        case "[":
            return try parseBracket()
        case "\\":
            return try parseEscape()
        case "*", "+", "?":
            throw PatternError(.nothingToRepeat, column: column)
        case "{":
            if braceQuantifierLength() != nil { throw PatternError(.nothingToRepeat, column: column) }
            position += 1
            return literal(c.value)
        default:
            position += 1
            return literal(c.value)
        }
    }

    private func literal(_ scalar: UInt32) -> PatternNode {
        let bytes = Self.utf8(scalar)
        let hasLetter = bytes.contains { ($0 | 0x20) >= 0x61 && ($0 | 0x20) <= 0x7A }
        return .literal(bytes, caseInsensitive: caseInsensitive && hasLetter)
    }

    static func utf8(_ scalar: UInt32) -> [UInt8] {
        guard let s = Unicode.Scalar(scalar) else { return [] }
        return Array(String(Character(s)).utf8)
    }

    private mutating func parseGroup() throws(PatternError) -> PatternNode? {
        let open = position
        position += 1
        depth += 1
        defer { depth -= 1 }
        if depth > PatternLimits.maximumNesting { throw PatternError(.nestedTooDeeply, column: open + 1) }
        let savedCaseInsensitive = caseInsensitive, savedDotMatchesNewline = dotMatchesNewline
        if peek == "?" {
            position += 1
            switch peek {
            case ":":
                position += 1
            case "=", "!":
                throw PatternError(.lookaround, column: open + 1)
            case "<" where peek(at: 1) == "=" || peek(at: 1) == "!":
                throw PatternError(.lookaround, column: open + 1)
            case "<", "'", "P":
                // A named group; names are accepted and ignored (only the whole match is reported).
                if peek == "P" { position += 1 }
                let close: Unicode.Scalar = peek == "'" ? "'" : ">"
                guard peek == "<" || peek == "'" else {
                    throw PatternError(.unknownGroupSyntax(text(open, position)), column: open + 1)
                }
                position += 1
                while let n = peek, n != close { position += 1 }
                guard peek == close else { throw PatternError(.unterminatedGroup, column: open + 1) }
                position += 1
            default:
                // Inline flags: (?i) (?-i) (?i:...) (?is-m) ...; m is accepted and changes nothing
                // because ^ and $ always work per line.
                var enable = true
                var sawFlag = false
                while let f = peek, f != ")", f != ":" {
                    if f == "-" {
                        enable = false
                    } else if f == "i" || f == "s" || f == "m" {
                        if f == "i" { caseInsensitive = enable }
                        if f == "s" { dotMatchesNewline = enable }
                        sawFlag = true
                    } else if f.properties.isAlphabetic {
                        throw PatternError(.unknownFlag(Character(f)), column: position + 1)
                    } else {
                        throw PatternError(.unknownGroupSyntax(text(open, position)), column: open + 1)
                    }
                    position += 1
                }
                guard let end = peek else { throw PatternError(.unterminatedGroup, column: open + 1) }
                if !sawFlag && enable {
                    throw PatternError(.unknownGroupSyntax(text(open, position)), column: open + 1)
                }
                position += 1
                if end == ")" { return nil }  // applies to the rest of the enclosing group
            }
        }
        let inner = try parseAlternation()
        guard peek == ")" else { throw PatternError(.unterminatedGroup, column: open + 1) }
        position += 1
        caseInsensitive = savedCaseInsensitive
        dotMatchesNewline = savedDotMatchesNewline
        return inner
    }

    // MARK: quantifiers

    private func startsQuantifier() -> Bool {
        switch peek {
        case "*", "+", "?": true
        case "{": braceQuantifierLength() != nil
        default: false
        }
    }

    /// The length of a `{m}`, `{m,}` or `{m,n}` at the current position; nil when the brace is a literal.
    private func braceQuantifierLength() -> Int? {
        var i = position + 1
        var digits = 0
        while i < scalars.count, ("0"..."9").contains(scalars[i]) { i += 1; digits += 1 }
        guard digits > 0, i < scalars.count else { return nil }
        if scalars[i] == "," {
            i += 1
            while i < scalars.count, ("0"..."9").contains(scalars[i]) { i += 1 }
        }
        guard i < scalars.count, scalars[i] == "}" else { return nil }
        return i + 1 - position
    }

    private mutating func parseQuantifier(_ atom: PatternNode) throws(PatternError) -> PatternNode {
        guard let c = peek else { return atom }
        let column = position + 1
        var minimum = 0
        var maximum: Int?
        switch c {
        case "*": position += 1
        case "+": position += 1; minimum = 1
        case "?": position += 1; maximum = 1
        case "{":
            guard let length = braceQuantifierLength() else { return atom }
            let text = String(String.UnicodeScalarView(scalars[position..<(position + length)]))
            let body = text.dropFirst().dropLast()
            let parts = body.split(separator: ",", omittingEmptySubsequences: false)
            func count(_ s: Substring) throws(PatternError) -> Int {
                guard s.count <= 9, let n = Int(s), n <= PatternLimits.maximumRepetition else {
                    throw PatternError(.repetitionTooLarge(String(s)), column: column)
                }
                return n
            }
            minimum = try count(parts[0])
            if parts.count == 1 {
                maximum = minimum
            } else if !parts[1].isEmpty {
                maximum = try count(parts[1])
            }
            if let maximum, maximum < minimum { throw PatternError(.badRepetition(text), column: column) }
            position += length
        default:
            return atom
        }
        var greedy = true
        if peek == "?" {
            greedy = false
            position += 1
        } else if peek == "+" {
            throw PatternError(.possessiveQuantifier, column: position + 1)
        }
        if startsQuantifier() { throw PatternError(.nothingToRepeat, column: position + 1) }
        return .repetition(atom, min: minimum, max: maximum, greedy: greedy)
    }

    // MARK: escapes

    /// What an escape stands for: one scalar, a set, or an assertion.
    private enum Escape {
        case scalar(UInt32)
        case set(ScalarSet, negated: Bool)
        case assertion(PatternAssertion)
    }

    private mutating func parseEscape() throws(PatternError) -> PatternNode {
        switch try readEscape(inBracket: false) {
        case .scalar(let s): return literal(s)
        case .set(let set, let negated): return .characterSet(set, negated: negated)
        case .assertion(let a): return .assertion(a)
        }
    }

    private mutating func readEscape(inBracket: Bool) throws(PatternError) -> Escape {
        let column = position + 1
        position += 1
        guard let c = peek else { throw PatternError(.trailingBackslash, column: column) }
        position += 1
        switch c {
        case "d": return .set(.digits, negated: false)
        case "D": return .set(.digits, negated: true)
        case "w": return .set(.wordCharacters, negated: false)
        case "W": return .set(.wordCharacters, negated: true)
        case "s": return .set(.whitespace, negated: false)
        case "S": return .set(.whitespace, negated: true)
        case "b": return inBracket ? .scalar(0x08) : .assertion(.wordBoundary)
        case "B" where !inBracket: return .assertion(.notWordBoundary)
        case "t": return .scalar(0x09)
        case "n": return .scalar(0x0A)
        case "v": return .scalar(0x0B)
        case "f": return .scalar(0x0C)
        case "r": return .scalar(0x0D)
        case "e": return .scalar(0x1B)
        case "a": return .scalar(0x07)
        case "0": return .scalar(0x00)
        case "x": return .scalar(try readHex(column: column))
        case "1"..."9": throw PatternError(.backreference, column: column)
        default:
            if c.isASCII && c.properties.isAlphabetic { throw PatternError(.unknownEscape(Character(c)), column: column) }
            return .scalar(c.value)
        }
    }

    private mutating func readHex(column: Int) throws(PatternError) -> UInt32 {
        func hexValue(_ s: Unicode.Scalar?) -> UInt32? {
            guard let s, s.isASCII, let v = UInt32(String(Character(s)), radix: 16) else { return nil }
            return v
        }
        if peek == "{" {
            position += 1
            var value: UInt32 = 0
            var digits = 0
            while let v = hexValue(peek) {
                value = value &* 16 &+ v
                digits += 1
                position += 1
                if digits > 6 { throw PatternError(.badHexEscape, column: column) }
            }
            guard digits > 0, peek == "}", value <= ScalarSet.maximumScalar, !(0xD800...0xDFFF).contains(value) else {
                throw PatternError(.badHexEscape, column: column)
            }
            position += 1
            return value
        }
        guard let high = hexValue(peek), let low = hexValue(peek(at: 1)) else {
            throw PatternError(.badHexEscape, column: column)
        }
        position += 2
        return high * 16 + low
    }

    // MARK: bracket expressions

    private mutating func parseBracket() throws(PatternError) -> PatternNode {
        let open = position
        position += 1
        var negated = false
        if peek == "^" {
            negated = true
            position += 1
        }
        var set = ScalarSet()
        var first = true
        while true {
            guard let c = peek else { throw PatternError(.unterminatedBracket, column: open + 1) }
            if c == "]" && !first {
                position += 1
                break
            }
            first = false
            if c == "[" && peek(at: 1) == ":" {
                let nameStart = position + 2
                var i = nameStart
                while i + 1 < scalars.count && !(scalars[i] == ":" && scalars[i + 1] == "]") { i += 1 }
                guard i + 1 < scalars.count else { throw PatternError(.unterminatedBracket, column: open + 1) }
                let name = String(String.UnicodeScalarView(scalars[nameStart..<i]))
                guard let named = ScalarSet.posixClass(named: name) else {
                    throw PatternError(.unknownClassName(name), column: position + 1)
                }
                set.formUnion(named)
                position = i + 2
                continue
            }
            let startColumn = position + 1
            let low: UInt32
            if c == "\\" {
                switch try readEscape(inBracket: true) {
                case .scalar(let s): low = s
                case .set(let s, let n):
                    set.formUnion(n ? s.inverted() : s)
                    continue
                case .assertion: continue  // not produced inside brackets
                }
            } else {
                low = c.value
                position += 1
            }
            // A `-` is a range only between two characters; first or last it is literal.
            guard peek == "-", let after = peek(at: 1), after != "]" else {
                set.insert(low)
                continue
            }
            position += 1
            let high: UInt32
            if after == "\\" {
                guard case .scalar(let s) = try readEscape(inBracket: true) else {
                    throw PatternError(.badRange(Self.show(low), text(position - 2, position - 1)), column: startColumn)
                }
                high = s
            } else if after == "[" && peek(at: 1) == ":" {
                throw PatternError(.badRange(Self.show(low), "[:"), column: startColumn)
            } else {
                high = after.value
                position += 1
            }
            guard low <= high else {
                throw PatternError(.badRange(Self.show(low), Self.show(high)), column: startColumn)
            }
            set.insert(low...high)
        }
        if caseInsensitive { set = set.addingASCIICaseVariants() }
        return .characterSet(set, negated: negated)
    }

    private static func show(_ scalar: UInt32) -> String {
        guard let s = Unicode.Scalar(scalar) else { return "?" }
        if s.value < 0x20 || s.value == 0x7F { return String(format16: s.value) }
        return String(Character(s))
    }
}

extension String {
    /// `\xHH` spelling of a control byte, for error messages.
    fileprivate init(format16 value: UInt32) {
        let digits = Array("0123456789abcdef")
        self = "\\x" + String(digits[Int(value >> 4) & 15]) + String(digits[Int(value) & 15])
    }
}
