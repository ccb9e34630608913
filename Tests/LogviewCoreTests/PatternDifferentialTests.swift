@testable import LogviewCore
import Testing

/// Random patterns and texts: the engine (DFA and Pike VM) must agree with a plain backtracking
/// matcher written here from the documented semantics (leftmost-first, UTF-8 units, ASCII case
/// folding). The backtracker is exponential in general, so patterns and texts are kept small.
@Suite struct PatternDifferentialTests {
    struct SplitMix {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
        mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }
    }

    static let atoms = ["a", "b", "é", ".", "[ab]", "[^a]", "\\w", "\\W", "\\s", "\\S", "[é-ü]", "\\d", "[^\\n1]", "A", "ab", "(?i:a)", "(?s:.)"]
    static let assertions = ["^", "$", "\\b", "\\B"]
    static let quantifiers = ["", "", "", "*", "+", "?", "{1,2}", "{2}", "{0,2}", "*?", "+?", "??", "{1,3}?"]
    static let textPieces: [[UInt8]] = [
        [0x61], [0x62], [0x41], [0xC3, 0xA9], [0x0A], [0x20], [0x31], [0xFF], [0xC3], [0x5F], [0xE2, 0x82], [0xC3, 0xBC], [0x0A],
    ]

    /// A concatenation whose first item consumes at least one character, so loops over it never
    /// repeat an empty match (where engines legitimately differ).
    static func branch(_ rng: inout SplitMix, depth: Int) -> String {
        var s = rng.pick(atoms)
        for _ in 0..<rng.below(4) {
            if rng.below(6) == 0 {
                s += rng.pick(assertions)
            } else if depth < 2 && rng.below(4) == 0 {
                s += group(&rng, depth: depth + 1) + rng.pick(quantifiers)
            } else {
                s += rng.pick(atoms) + rng.pick(quantifiers)
            }
        }
        return s
    }

    static func group(_ rng: inout SplitMix, depth: Int) -> String {
        let branches = (0...rng.below(3)).map { _ in branch(&rng, depth: depth) }
        return "(" + (rng.below(2) == 0 ? "?:" : "") + branches.joined(separator: "|") + ")"
    }

    static func pattern(_ rng: inout SplitMix) -> String {
        var s = rng.below(5) == 0 ? rng.pick(assertions) : ""
        s += (0...rng.below(2)).map { _ in branch(&rng, depth: 0) }.joined(separator: "|")
        if rng.below(5) == 0 { s = "(" + s + ")" + rng.pick(["+", "*", "{2}"]) }
        if rng.below(5) == 0 { s += rng.pick(assertions) }
        return s
    }

    @Test(arguments: 1...8)
    func engineAgreesWithBacktracking(seed: UInt64) throws {
        var rng = SplitMix(state: seed)
        var disagreements: [String] = []
        var matched = 0, unmatched = 0
        for _ in 0..<400 {
            let source = Self.pattern(&rng)
            let caseInsensitive = rng.below(4) == 0
            let node = try PatternParser.parse(source, caseInsensitive: caseInsensitive)
            let pattern = try Pattern(source, caseInsensitive: caseInsensitive)
            for _ in 0..<6 {
                let text = (0..<rng.below(10)).flatMap { _ in rng.pick(Self.textPieces) }
                let from = rng.below(3) == 0 ? rng.below(text.count + 1) : 0
                let want = ReferenceMatcher(text: text).firstMatch(node, from: from)
                if want == nil { unmatched += 1 } else { matched += 1 }
                text.withUnsafeBytes { bytes in
                    let got = pattern.firstMatch(in: bytes, from: from)
                    let any = from == 0 ? pattern.matches(bytes) : (got != nil)
                    if got != want || any != (want != nil) {
                        disagreements.append("/\(source)/\(caseInsensitive ? "i" : "") on \(text) from \(from): engine \(String(describing: got)) matches=\(any), reference \(String(describing: want))")
                    }
                }
            }
        }
        // Both outcomes are well represented, so agreement means something.
        #expect(matched > 300 && unmatched > 300, "matched \(matched), unmatched \(unmatched)")
        #expect(disagreements.isEmpty, "\(disagreements.prefix(10).joined(separator: "\n"))")
    }
}

/// A direct backtracking reading of `PatternNode`, in priority order.
struct ReferenceMatcher {
    let text: [UInt8]

    /// The length of the UTF-8 unit at `i` and its scalar (nil: invalid, a maximal ill-formed subpart).
    func unit(at i: Int) -> (length: Int, scalar: UInt32?) {
        var iterator = text[i...].makeIterator()
        var parser = Unicode.UTF8.ForwardParser()
        switch parser.parseScalar(from: &iterator) {
        case .valid(let encoded):
            return (encoded.count, Unicode.UTF8.decode(encoded).value)
        case .error(let length):
            return (length, nil)
        case .emptyInput:
            return (0, nil)
        }
    }

    func isWord(_ i: Int) -> Bool {
        guard i >= 0, i < text.count else { return false }
        let b = text[i]
        return (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x5F
    }

    func firstMatch(_ node: PatternNode, from: Int) -> Range<Int>? {
        var start = from
        while start <= text.count {
            var end = -1
            if match(node, start, { end = $0; return true }) { return start..<end }
            if start == text.count { break }
            start += unit(at: start).length
        }
        return nil
    }

    func match(_ node: PatternNode, _ at: Int, _ k: (Int) -> Bool) -> Bool {
        switch node {
        case .empty:
            return k(at)
        case .literal(let bytes, let caseInsensitive):
            guard at + bytes.count <= text.count else { return false }
            for (j, b) in bytes.enumerated() {
                let t = text[at + j]
                let fold = { (x: UInt8) -> UInt8 in x >= 0x41 && x <= 0x5A ? x + 32 : x }
                if caseInsensitive ? fold(t) != fold(b) : t != b { return false }
            }
            return k(at + bytes.count)
        case .characterSet(let set, let negated):
            guard at < text.count else { return false }
            let (length, scalar) = unit(at: at)
            let inside = scalar.map { s in set.ranges.contains { $0.contains(s) } } ?? false
            if scalar == nil { return negated && k(at + length) }
            return inside != negated && k(at + length)
        case .assertion(let a):
            let holds: Bool
            switch a {
            case .lineStart: holds = at == 0 || text[at - 1] == 0x0A
            case .lineEnd: holds = at == text.count || text[at] == 0x0A
            case .wordBoundary: holds = isWord(at - 1) != isWord(at)
            case .notWordBoundary: holds = isWord(at - 1) == isWord(at)
            }
            return holds && k(at)
        case .concatenation(let items):
            return sequence(items[...], at, k)
        case .alternation(let branches):
            return branches.contains { match($0, at, k) }
        case .repetition(let body, let minimum, let maximum, let greedy):
            return repeatMatch(body, minimum, maximum, greedy, count: 0, at, k)
        }
    }

    private func sequence(_ items: ArraySlice<PatternNode>, _ at: Int, _ k: (Int) -> Bool) -> Bool {
        guard let first = items.first else { return k(at) }
        return match(first, at) { sequence(items.dropFirst(), $0, k) }
    }

    private func repeatMatch(
        _ body: PatternNode, _ minimum: Int, _ maximum: Int?, _ greedy: Bool, count: Int, _ at: Int, _ k: (Int) -> Bool
    ) -> Bool {
        if count < minimum {
            return match(body, at) { repeatMatch(body, minimum, maximum, greedy, count: count + 1, $0, k) }
        }
        if let maximum, count == maximum { return k(at) }
        func more() -> Bool {
            match(body, at) { $0 != at && repeatMatch(body, minimum, maximum, greedy, count: count + 1, $0, k) }
        }
        return greedy ? (more() || k(at)) : (k(at) || more())
    }
}
