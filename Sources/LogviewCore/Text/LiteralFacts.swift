/// What a pattern says about literal text, for the fast path before the automaton runs.
struct LiteralFacts: Equatable {
    /// The node always matches exactly these bytes (case-sensitive, no assertions); nil otherwise.
    var exact: [UInt8]?
    /// The longest byte string that every match contains (empty when there is none).
    var required: [UInt8]

    static func of(_ node: PatternNode) -> LiteralFacts {
        switch node {
        case .empty:
            return LiteralFacts(exact: [], required: [])
        case .literal(let bytes, let caseInsensitive):
            return caseInsensitive ? LiteralFacts(exact: nil, required: []) : LiteralFacts(exact: bytes, required: bytes)
        case .characterSet(let set, let negated):
            if !negated, let s = set.singleScalar {
                let bytes = PatternParser.utf8(s)
                return LiteralFacts(exact: bytes, required: bytes)
            }
            return LiteralFacts(exact: nil, required: [])
        case .assertion:
            return LiteralFacts(exact: nil, required: [])
        case .concatenation(let items):
            var run: [UInt8] = []
            var best: [UInt8] = []
            var allExact = true
            for item in items {
                let facts = of(item)
                if let e = facts.exact {
                    run += e
                } else {
                    allExact = false
                    if run.count > best.count { best = run }
                    run = []
                    if facts.required.count > best.count { best = facts.required }
                }
            }
            if run.count > best.count { best = run }
            return LiteralFacts(exact: allExact ? run : nil, required: best)
        case .alternation(let branches):
            let facts = branches.map(of)
            let first = facts[0]
            let sameExact = first.exact != nil && facts.allSatisfy { $0.exact == first.exact }
            let sameRequired = facts.allSatisfy { $0.required == first.required }
            return LiteralFacts(exact: sameExact ? first.exact : nil, required: sameRequired ? first.required : [])
        case .repetition(let body, let minimum, let maximum, _):
            let facts = of(body)
            guard minimum > 0 else { return LiteralFacts(exact: nil, required: []) }
            if let e = facts.exact, maximum == minimum {
                let repeated = Array([[UInt8]](repeating: e, count: minimum).joined())
                return LiteralFacts(exact: repeated, required: repeated)
            }
            return LiteralFacts(exact: nil, required: facts.required)
        }
    }
}
