/// Compiles a `PatternNode` into a `PatternProgram`.
///
/// The program is built back to front: every node is compiled knowing the instruction that
/// follows it, so no jump needs patching except the loop of an unbounded repetition.
struct PatternCompiler {
    private var program = PatternProgram()
    private var byteSetIndex: [ByteSet: Int32] = [:]

    static func compile(_ node: PatternNode) throws(PatternError) -> PatternProgram {
        var compiler = PatternCompiler()
        let matchPC = try compiler.add(.init(operation: .match))
        let start = try compiler.emit(node, next: matchPC)
        compiler.program.start = start
        let loop = try compiler.split(start, -1)
        let skip = try compiler.emitCharacter(ScalarSet().inverted(), invalidUnits: true, next: loop)
        compiler.program.instructions[Int(loop)].alternative = skip
        compiler.program.searchStart = loop
        compiler.program.computeByteClasses()
        return compiler.program
    }

    private mutating func add(_ instruction: PatternProgram.Instruction) throws(PatternError) -> Int32 {
        guard program.instructions.count < PatternLimits.maximumInstructions else {
            throw PatternError(.patternTooLarge, column: 1)
        }
        program.instructions.append(instruction)
        return Int32(program.instructions.count - 1)
    }

    private mutating func setIndex(_ set: ByteSet) -> Int32 {
        if let i = byteSetIndex[set] { return i }
        program.byteSets.append(set)
        let i = Int32(program.byteSets.count - 1)
        byteSetIndex[set] = i
        return i
    }

    private mutating func consume(_ set: ByteSet, next: Int32) throws(PatternError) -> Int32 {
        try add(.init(operation: .consume, next: next, argument: setIndex(set)))
    }

    private mutating func split(_ first: Int32, _ second: Int32) throws(PatternError) -> Int32 {
        try add(.init(operation: .split, next: first, alternative: second))
    }

    /// Alternatives in priority order, all ending at `next`; `entries` are their first instructions.
    private mutating func alternatives(_ entries: [Int32]) throws(PatternError) -> Int32 {
        var acc = entries[entries.count - 1]
        for e in entries.dropLast().reversed() { acc = try split(e, acc) }
        return acc
    }

    private mutating func emit(_ node: PatternNode, next: Int32) throws(PatternError) -> Int32 {
        switch node {
        case .empty:
            return next
        case .literal(let bytes, let caseInsensitive):
            var pc = next
            for b in bytes.reversed() {
                var set = ByteSet(b...b)
                if caseInsensitive && (b | 0x20) >= 0x61 && (b | 0x20) <= 0x7A { set.insert(b ^ 0x20) }
                pc = try consume(set, next: pc)
            }
            return pc
        case .characterSet(let set, let negated):
            return try emitCharacter(negated ? set.inverted() : set, invalidUnits: negated, next: next)
        case .assertion(let a):
            let code: PatternProgram.AssertionCode
            switch a {
            case .lineStart: code = .lineStart; program.usesLineStart = true
            case .lineEnd: code = .lineEnd
            case .wordBoundary: code = .wordBoundary; program.usesWordAssertions = true
            case .notWordBoundary: code = .notWordBoundary; program.usesWordAssertions = true
            }
            return try add(.init(operation: .assert, next: next, argument: code.rawValue))
        case .concatenation(let items):
            var pc = next
            for item in items.reversed() { pc = try emit(item, next: pc) }
            return pc
        case .alternation(let branches):
            var entries: [Int32] = []
            for b in branches { entries.append(try emit(b, next: next)) }
            return try alternatives(entries)
        case .repetition(let body, let minimum, let maximum, let greedy):
            return try emitRepetition(body, minimum: minimum, maximum: maximum, greedy: greedy, next: next)
        }
    }

    private mutating func emitRepetition(
        _ body: PatternNode, minimum: Int, maximum: Int?, greedy: Bool, next: Int32
    ) throws(PatternError) -> Int32 {
        func choice(_ take: Int32, _ skip: Int32) -> (Int32, Int32) { greedy ? (take, skip) : (skip, take) }
        var acc = next
        var mandatory = minimum
        if let maximum {
            // (x(x(x)?)?)? for the optional copies, innermost first.
            for _ in 0..<(maximum - minimum) {
                let entry = try emit(body, next: acc)
                let (a, b) = choice(entry, next)
                acc = try split(a, b)
            }
        } else {
            // A loop: `x+` as body then a split back; `x*` as a split in front of the body.
            let loop = try add(.init(operation: .split))
            let entry = try emit(body, next: loop)
            let (a, b) = choice(entry, next)
            program.instructions[Int(loop)].next = a
            program.instructions[Int(loop)].alternative = b
            if minimum > 0 {
                acc = entry
                mandatory -= 1
            } else {
                acc = loop
            }
        }
        for _ in 0..<mandatory { acc = try emit(body, next: acc) }
        return acc
    }

    /// One character of `set`; with `invalidUnits`, also one unit of invalid UTF-8.
    private mutating func emitCharacter(_ set: ScalarSet, invalidUnits: Bool, next: Int32) throws(PatternError) -> Int32 {
        var singleBytes = ByteSet()
        var entries: [Int32] = []
        for sequence in UTF8Sequences.sequences(for: set) {
            if sequence.count == 1 {
                singleBytes.insert(sequence[0])
                continue
            }
            entries.append(try emitSequence(sequence, next: next))
        }
        if invalidUnits {
            singleBytes.formUnion(UTF8Sequences.strayBytes)
            for (prefix, continuation) in UTF8Sequences.truncatedPrefixes {
                let check = try add(
                    .init(operation: .lookaheadNotIn, next: next, argument: setIndex(ByteSet(continuation))))
                entries.append(try emitSequence(prefix, next: check))
            }
        }
        if !singleBytes.isEmpty { entries.insert(try consume(singleBytes, next: next), at: 0) }
        if entries.isEmpty {
            // An empty set (such as [^\x00-\x{10FFFF}] without invalid units) never matches.
            return try consume(ByteSet(), next: next)
        }
        return try alternatives(entries)
    }

    private mutating func emitSequence(_ sequence: UTF8Sequences.Sequence, next: Int32) throws(PatternError) -> Int32 {
        var pc = next
        for r in sequence.reversed() { pc = try consume(ByteSet(r), next: pc) }
        return pc
    }
}
