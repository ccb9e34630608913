/// Answers "does the text contain a match?" with a DFA built lazily from the program.
///
/// A DFA state is the set of program positions waiting to read the next byte (its "kernel") plus
/// two facts about the byte before (word byte? line start?), which `\b` and `^` need. The closure
/// through zero-width tests is computed on the transition, when the next byte is known, so `$`,
/// `\b` and the UTF-8 lookahead see it. Transitions are memoised in a table; when the table would
/// pass its budget it is dropped and rebuilt from the current state, so each input byte costs at
/// most one closure: time is O(input length x program size) even on hostile patterns.
extension MatcherScratch {
    static let unknown: Int32 = -1
    static let matched: Int32 = -2
    static let noMatchAtEnd: Int32 = -3

    private static let flagPreviousIsWord: Int32 = 1
    private static let flagAtLineStart: Int32 = 2

    /// Whether `bytes[from...]` contains a match (zero-width tests still see `bytes[from - 1]`).
    func dfaContainsMatch(in bytes: UnsafeRawBufferPointer, from: Int) -> Bool {
        let n = bytes.count
        guard from <= n else { return false }
        if !skipPrepared { prepareSkip() }
        var state = startState(flags: flags(before: from, in: bytes))
        var i = from
        let stride = self.stride
        if let base = bytes.baseAddress {
            while i < n {
                // The hot loop: follow known transitions without touching anything else.
                let skip = skipState
                let stoppedAt: (Int, Int32) = table.withUnsafeBufferPointer { t in
                    byteClass.withUnsafeBufferPointer { classes in
                        skipBytes.withUnsafeBufferPointer { skippable in
                        var i = i, s = state
                        while i < n {
                            if s == skip {
                                // Bytes that keep the search where it is need no table lookup, and
                                // without the lookup's dependency chain this loop runs much faster.
                                while i < n && skippable[Int(base.load(fromByteOffset: i, as: UInt8.self))] { i &+= 1 }
                                if i == n { return (i, s) }
                            }
                            let next = t[Int(s) &+ Int(classes[Int(base.load(fromByteOffset: i, as: UInt8.self))])]
                            if next < 0 { return (i, s) }
                            s = next
                            i &+= 1
                        }
                        return (i, s)
                        }
                    }
                }
                i = stoppedAt.0
                state = stoppedAt.1
                if i == n { break }
                let column = Int(byteClass[Int(bytes[i])])
                var next = table[Int(state) + column]
                if next == Self.unknown { next = transition(from: state, column: column) }
                if next == Self.matched { return true }
                state = next
                i += 1
            }
        }
        var end = table[Int(state) + stride - 1]
        if end == Self.unknown { end = transition(from: state, column: stride - 1) }
        return end == Self.matched
    }

    /// Finds the bytes on which the usual search state (after an ordinary byte, nothing partly
    /// matched) loops back to itself, so the hot loop can skip them. Computed once per cache.
    private func prepareSkip() {
        skipPrepared = true
        skipState = -1
        let columns = stride - 1
        // Every transition below may add a state; never let that drop the cache half-way.
        guard stateKeys.count + columns + 8 < maximumStates else { return }
        let s = startState(flags: normalised(0))
        var any = false
        var skippable = [Bool](repeating: false, count: 256)
        for column in 0..<columns {
            var next = table[Int(s) + column]
            if next == Self.unknown { next = transition(from: s, column: column) }
            if next == s {
                any = true
                for b in 0..<256 where Int(byteClass[b]) == column { skippable[b] = true }
            }
        }
        skipBytes = skippable
        if any { skipState = s }
    }

    private func flags(before position: Int, in bytes: UnsafeRawBufferPointer) -> Int32 {
        guard position > 0 else { return normalised(Self.flagAtLineStart) }
        let b = bytes[position - 1]
        var f: Int32 = 0
        if ByteSet.word.contains(b) { f |= Self.flagPreviousIsWord }
        if b == 0x0A { f |= Self.flagAtLineStart }
        return normalised(f)
    }

    /// Drops facts the program never asks about, so they do not multiply the states.
    @inline(__always)
    private func normalised(_ flags: Int32) -> Int32 {
        var f = flags
        if !program.usesWordAssertions { f &= ~Self.flagPreviousIsWord }
        if !program.usesLineStart { f &= ~Self.flagAtLineStart }
        return f
    }

    private func startState(flags: Int32) -> Int32 {
        let cached = startStates[Int(flags)]
        if cached >= 0 { return cached }
        keyBuffer.removeAll(keepingCapacity: true)
        keyBuffer.append(flags)
        keyBuffer.append(program.searchStart)
        let (id, _) = stateForKeyBuffer()
        startStates[Int(flags)] = id
        return id
    }

    /// The state for `keyBuffer`, creating it (after dropping a full cache) when new, and whether
    /// the cache was dropped. A state is named by its row offset in `table`, which saves a
    /// multiplication per byte in the hot loop.
    private func stateForKeyBuffer() -> (offset: Int32, dropped: Bool) {
        if let id = stateIDs[keyBuffer] { return (id, false) }
        var dropped = false
        if stateKeys.count >= maximumStates {
            table.removeAll(keepingCapacity: true)
            stateKeys.removeAll(keepingCapacity: true)
            stateIDs.removeAll(keepingCapacity: true)
            for i in startStates.indices { startStates[i] = -1 }
            skipState = -1
            skipPrepared = false
            cacheResets += 1
            dropped = true
        }
        let id = Int32(stateKeys.count * stride)
        stateKeys.append(keyBuffer)
        stateIDs[keyBuffer] = id
        table.append(contentsOf: repeatElement(Self.unknown, count: stride))
        return (id, dropped)
    }

    /// Computes (and memoises) the move from `state` on byte class `column` (the last column: end of text).
    private func transition(from state: Int32, column: Int) -> Int32 {
        let key = stateKeys[Int(state) / stride]
        let flags = key[0]
        let atEnd = column == stride - 1
        let nextByte = atEnd ? -1 : Int(program.classRepresentative[column])
        let previousIsWord = flags & Self.flagPreviousIsWord != 0
        let atLineStart = flags & Self.flagAtLineStart != 0

        denseCount = 0
        stack.removeAll(keepingCapacity: true)
        for pc in key.dropFirst().reversed() { stack.append(pc) }
        var found = false
        program.instructions.withUnsafeBufferPointer { code in
            while let pc = stack.popLast() {
                if setContains(pc) { continue }
                setInsert(pc)
                let instruction = code[Int(pc)]
                switch instruction.operation {
                case .match: found = true
                case .consume: break
                case .split:
                    stack.append(instruction.alternative)
                    stack.append(instruction.next)
                case .jump: stack.append(instruction.next)
                case .assert:
                    if PatternProgram.assertionHolds(
                        instruction.argument, previousIsWord: previousIsWord, atLineStart: atLineStart, next: nextByte)
                    {
                        stack.append(instruction.next)
                    }
                case .lookaheadNotIn:
                    if nextByte < 0 || !program.byteSets[Int(instruction.argument)].contains(UInt8(nextByte)) {
                        stack.append(instruction.next)
                    }
                }
            }
        }
        let result: Int32
        var dropped = false
        if found {
            result = Self.matched
        } else if atEnd {
            result = Self.noMatchAtEnd
        } else {
            let b = UInt8(nextByte)
            var nextFlags: Int32 = 0
            if ByteSet.word.contains(b) { nextFlags |= Self.flagPreviousIsWord }
            if b == 0x0A { nextFlags |= Self.flagAtLineStart }
            keyBuffer.removeAll(keepingCapacity: true)
            keyBuffer.append(normalised(nextFlags))
            for i in 0..<denseCount {
                let instruction = program.instructions[Int(dense[i])]
                if instruction.operation == .consume && program.byteSets[Int(instruction.argument)].contains(b) {
                    keyBuffer.append(instruction.next)
                }
            }
            if keyBuffer.count > 2 {
                keyBuffer[1...].sort()
                var w = 2
                for r in 2..<keyBuffer.count where keyBuffer[r] != keyBuffer[w - 1] {
                    keyBuffer[w] = keyBuffer[r]
                    w += 1
                }
                keyBuffer.removeLast(keyBuffer.count - w)
            }
            (result, dropped) = stateForKeyBuffer()
        }
        if !dropped { table[Int(state) + column] = result }
        return result
    }
}
