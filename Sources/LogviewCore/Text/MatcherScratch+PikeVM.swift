/// Finds the leftmost-first match (the one a backtracking engine such as PCRE reports) by running
/// all threads of the program in lockstep, in priority order.
///
/// O(input length x program size); uses the scratch's thread lists, so it does not allocate.
extension MatcherScratch {
    func pikeFirstMatch(in bytes: UnsafeRawBufferPointer, from: Int) -> Range<Int>? {
        let n = bytes.count
        guard from <= n else { return nil }
        var current = 0
        setThreadCount(0, of: 0)
        var matchStart = -1
        var matchEnd = -1
        var i = from
        var nextBoundary = from
        while true {
            // A new match may start on each character boundary, with the lowest priority.
            if matchStart < 0 && i == nextBoundary {
                addThread(list: current, pc: program.start, start: i, at: i, in: bytes)
                if i < n { nextBoundary = i + UTF8Sequences.unitLength(in: bytes, at: i) }
            }
            let live = threadCount(of: current)
            if live == 0 {
                if matchStart >= 0 || i >= n { break }
                i = nextBoundary  // nothing in flight: go straight to where the next match may start
                continue
            }
            let byte = i < n ? Int(bytes[i]) : -1
            let next = 1 - current
            setThreadCount(0, of: next)
            let base = current * instructionCount
            var t = 0
            while t < live {
                let pc = threadPC[base + t]
                let instruction = program.instructions[Int(pc)]
                if instruction.operation == .match {
                    matchStart = threadStart[base + t]
                    matchEnd = i
                    break  // lower-priority threads lose to this match
                }
                if instruction.operation == .consume, byte >= 0,
                    program.byteSets[Int(instruction.argument)].contains(UInt8(byte))
                {
                    addThread(list: next, pc: instruction.next, start: threadStart[base + t], at: i + 1, in: bytes)
                }
                t += 1
            }
            current = next
            if byte < 0 { break }
            i += 1
        }
        return matchStart >= 0 ? matchStart..<matchEnd : nil
    }

    @inline(__always)
    private func threadCount(of list: Int) -> Int { list == 0 ? threadCount.0 : threadCount.1 }

    @inline(__always)
    private func setThreadCount(_ count: Int, of list: Int) {
        if list == 0 { threadCount.0 = count } else { threadCount.1 = count }
    }

    /// Adds `pc` and everything reachable from it without reading a byte, in priority order.
    private func addThread(list: Int, pc: Int32, start: Int, at position: Int, in bytes: UnsafeRawBufferPointer) {
        let previous = position > 0 ? bytes[position - 1] : nil
        let previousIsWord = previous.map { ByteSet.word.contains($0) } ?? false
        let atLineStart = previous == nil || previous == 0x0A
        let nextByte = position < bytes.count ? Int(bytes[position]) : -1
        let base = list * instructionCount
        var count = threadCount(of: list)
        threadStack.removeAll(keepingCapacity: true)
        threadStack.append(pc)
        while let pc = threadStack.popLast() {
            let slot = Int(threadSparse[base + Int(pc)])
            if slot < count && threadPC[base + slot] == pc { continue }
            threadSparse[base + Int(pc)] = Int32(count)
            threadPC[base + count] = pc
            threadStart[base + count] = start
            count += 1
            let instruction = program.instructions[Int(pc)]
            switch instruction.operation {
            case .match, .consume: break
            case .split:
                threadStack.append(instruction.alternative)
                threadStack.append(instruction.next)
            case .jump: threadStack.append(instruction.next)
            case .assert:
                if PatternProgram.assertionHolds(
                    instruction.argument, previousIsWord: previousIsWord, atLineStart: atLineStart, next: nextByte)
                {
                    threadStack.append(instruction.next)
                }
            case .lookaheadNotIn:
                if nextByte < 0 || !program.byteSets[Int(instruction.argument)].contains(UInt8(nextByte)) {
                    threadStack.append(instruction.next)
                }
            }
        }
        setThreadCount(count, of: list)
    }
}
