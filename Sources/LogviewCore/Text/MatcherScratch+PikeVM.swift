/// Finds the leftmost-first match (the one a backtracking engine such as PCRE reports) by running
/// all threads of the program in lockstep, in priority order.
///
/// O(input length x program size); uses the scratch's thread lists, so it does not allocate.
extension MatcherScratch {
    func pikeFirstMatch(in bytes: UnsafeRawBufferPointer, from: Int) -> Range<Int>? {
        let n = bytes.count
        guard from <= n else { return nil }
        var current = 0
        threadCount[0] = 0
        var matchStart = -1
        var matchEnd = -1
        var i = from
        addThread(list: current, pc: program.searchStart, start: from, at: from, in: bytes)
        while true {
            if threadCount[current] == 0 { break }
            let byte = i < n ? Int(bytes[i]) : -1
            let next = 1 - current
            threadCount[next] = 0
            var t = 0
            while t < threadCount[current] {
                let pc = threadPC[current][t]
                let instruction = program.instructions[Int(pc)]
                if instruction.operation == .match {
                    matchStart = threadStart[current][t]
                    matchEnd = i
                    break  // lower-priority threads lose to this match
                }
                if instruction.operation == .consume, byte >= 0,
                    program.byteSets[Int(instruction.argument)].contains(UInt8(byte))
                {
                    addThread(list: next, pc: instruction.next, start: threadStart[current][t], at: i + 1, in: bytes)
                }
                t += 1
            }
            current = next
            if byte < 0 { break }
            i += 1
        }
        return matchStart >= 0 ? matchStart..<matchEnd : nil
    }

    /// Adds `pc` and everything reachable from it without reading a byte, in priority order.
    private func addThread(list: Int, pc: Int32, start: Int, at position: Int, in bytes: UnsafeRawBufferPointer) {
        let previous = position > 0 ? bytes[position - 1] : nil
        let previousIsWord = previous.map { ByteSet.word.contains($0) } ?? false
        let atLineStart = previous == nil || previous == 0x0A
        let nextByte = position < bytes.count ? Int(bytes[position]) : -1
        threadStack.removeAll(keepingCapacity: true)
        threadStack.append((pc, start))
        while let (pc, inheritedStart) = threadStack.popLast() {
            // Threads that enter the pattern here start their match here.
            let start = pc == program.matchEntry ? position : inheritedStart
            let slot = Int(threadSparse[list][Int(pc)])
            if slot < threadCount[list] && threadPC[list][slot] == pc { continue }
            let count = threadCount[list]
            threadSparse[list][Int(pc)] = Int32(count)
            threadPC[list][count] = pc
            threadStart[list][count] = start
            threadCount[list] = count + 1
            let instruction = program.instructions[Int(pc)]
            switch instruction.operation {
            case .match, .consume: break
            case .split:
                threadStack.append((instruction.alternative, start))
                threadStack.append((instruction.next, start))
            case .jump: threadStack.append((instruction.next, start))
            case .assert:
                if PatternProgram.assertionHolds(
                    instruction.argument, previousIsWord: previousIsWord, atLineStart: atLineStart, next: nextByte)
                {
                    threadStack.append((instruction.next, start))
                }
            case .lookaheadNotIn:
                if nextByte < 0 || !program.byteSets[Int(instruction.argument)].contains(UInt8(nextByte)) {
                    threadStack.append((instruction.next, start))
                }
            }
        }
    }
}
