/// Finds the value of every variable of a compiled `NginxLogFormat` in one line.
///
/// A variable's value extends to the next literal of the format (to the next space when two
/// variables touch, to the end of the line when it is last). Matching is lazy with bounded
/// backtracking: a value ends at the first place where the following literal occurs *and* the
/// rest of the line still matches. Values nginx prints in a fixed shape (status, times, byte
/// counts) are checked as they are matched, so a stray quote or space inside a client-controlled
/// value (user agent, request line) cannot shift the fields after it.
///
/// Backslash-escaped quotes (`\"`, from `escape=json` and from older or non-nginx writers) are
/// first refused as the end of a value; only if the line has no parse that way does a second pass
/// accept them, because a hostile value can also end in a raw backslash.
///
/// Not thread-safe; one per parser. `match` does not allocate.
final class NginxLineMatcher {
    private enum ValueEnd {
        /// The value ends where the next literal (at `start` in `literals`, `count` bytes) begins.
        case literal(start: Int, count: Int)
        /// Two variables touch: the value ends at a space, which is skipped.
        case space
        case lineEnd
    }

    private enum Step {
        case literal(start: Int, count: Int)
        case variable(index: Int, check: NginxValueCheck, end: ValueEnd)
    }

    /// Attempts allowed per pass, so a hostile line full of delimiters costs a bounded amount.
    private static let attemptsPerPass = 256

    let variableCount: Int
    private let steps: [Step]
    private let literals: UnsafeMutableBufferPointer<UInt8>
    /// Start and end of each variable's value after a successful `match`.
    private let captures: UnsafeMutableBufferPointer<Int>
    private var attemptsLeft = 0
    private var refusesEscapedQuotes = true
    private var refusedEscapedQuote = false
    /// Whether a line may carry more fields after the format's end (separated by a space): the
    /// default `combined` format is often extended at its end (`rid=$request_id`,
    /// `"$http_x_forwarded_for"`) without the operator telling logview.
    private let allowsTrailingFields: Bool
    /// Where the format's last piece ended in the line after a successful `match`.
    private(set) var matchedEnd = 0

    init(_ format: NginxLogFormat, allowsTrailingFields: Bool = false) {
        self.allowsTrailingFields = allowsTrailingFields
        var literalBytes: [UInt8] = []
        var steps: [Step] = []
        var variables = 0
        let pieces = format.pieces
        for (position, piece) in pieces.enumerated() {
            switch piece {
            case .literal(let bytes):
                steps.append(.literal(start: literalBytes.count, count: bytes.count))
                literalBytes.append(contentsOf: bytes)
            case .variable(let name):
                let end: ValueEnd
                if position + 1 == pieces.count {
                    end = .lineEnd
                } else if case .literal(let next) = pieces[position + 1] {
                    // The literal is appended next, so its bytes start at the current end.
                    end = .literal(start: literalBytes.count, count: next.count)
                } else {
                    end = .space
                }
                steps.append(.variable(index: variables, check: NginxVariableRole(name: name).check, end: end))
                variables += 1
            }
        }
        self.steps = steps
        variableCount = variables
        literals = .allocate(capacity: max(1, literalBytes.count))
        _ = literals.initialize(from: literalBytes)
        captures = .allocate(capacity: max(1, 2 * variables))
        captures.initialize(repeating: 0)
    }

    deinit {
        literals.deallocate()
        captures.deallocate()
    }

    /// Whether `line` has this format; on success `value(of:)` gives each variable's bytes.
    /// A trailing CR is ignored. Does not allocate.
    func match(_ line: UnsafeRawBufferPointer) -> Bool {
        var end = line.count
        if end > 0, line[end - 1] == 0x0D { end -= 1 }
        attemptsLeft = NginxLineMatcher.attemptsPerPass
        refusesEscapedQuotes = true
        refusedEscapedQuote = false
        if match(step: 0, at: 0, line, end) { return true }
        guard refusedEscapedQuote else { return false }
        attemptsLeft = NginxLineMatcher.attemptsPerPass
        refusesEscapedQuotes = false
        return match(step: 0, at: 0, line, end)
    }

    /// The value of the `index`th variable after a successful `match` of the same line.
    @inline(__always)
    func range(of index: Int) -> ByteRange {
        guard index >= 0, index < variableCount else { return ByteRange(0, 0) }
        return ByteRange(captures[2 * index], captures[2 * index + 1])
    }

    private func match(step: Int, at p: Int, _ line: UnsafeRawBufferPointer, _ end: Int) -> Bool {
        guard step < steps.count else {
            matchedEnd = p
            return p == end || (allowsTrailingFields && p < end && line[p] == 0x20)
        }
        switch steps[step] {
        case .literal(let start, let count):
            guard literalOccurs(start: start, count: count, in: line, at: p, end: end) else { return false }
            return match(step: step + 1, at: p + count, line, end)

        case .variable(let index, let check, .lineEnd):
            guard check.accepts(line.slice(p, end)) else { return false }
            capture(index, p, end)
            return match(step: step + 1, at: end, line, end)

        case .variable(let index, let check, .space):
            var from = p
            while let candidate = line.nginxFirstIndex(of: 0x20, from: from, end: end) {
                guard spendAttempt() else { return false }
                if check.accepts(line.slice(p, candidate)) {
                    capture(index, p, candidate)
                    if match(step: step + 1, at: candidate + 1, line, end) { return true }
                }
                from = candidate + 1
            }
            return false

        case .variable(let index, let check, .literal(let start, let count)):
            let opensWithQuote = count > 0 && literals[start] == 0x22
            var from = p
            while let candidate = firstOccurrence(start: start, count: count, in: line, from: from, end: end) {
                guard spendAttempt() else { return false }
                from = candidate + 1
                if opensWithQuote, refusesEscapedQuotes, isEscaped(line, at: candidate, valueStart: p) {
                    refusedEscapedQuote = true
                    continue
                }
                if check.accepts(line.slice(p, candidate)) {
                    capture(index, p, candidate)
                    if match(step: step + 1, at: candidate, line, end) { return true }
                }
            }
            return false
        }
    }

    @inline(__always)
    private func spendAttempt() -> Bool {
        attemptsLeft -= 1
        return attemptsLeft >= 0
    }

    @inline(__always)
    private func capture(_ index: Int, _ start: Int, _ end: Int) {
        captures[2 * index] = start
        captures[2 * index + 1] = end
    }

    /// Whether the byte at `at` follows an odd run of backslashes inside the value.
    @inline(__always)
    private func isEscaped(_ line: UnsafeRawBufferPointer, at: Int, valueStart: Int) -> Bool {
        var i = at - 1
        var run = 0
        while i >= valueStart, line[i] == 0x5C {
            run += 1
            i -= 1
        }
        return run & 1 == 1
    }

    @inline(__always)
    private func literalOccurs(start: Int, count: Int, in line: UnsafeRawBufferPointer, at p: Int, end: Int) -> Bool {
        guard p >= 0, p + count <= end else { return false }
        for k in 0..<count where line[p + k] != literals[start + k] { return false }
        return true
    }

    private func firstOccurrence(
        start: Int, count: Int, in line: UnsafeRawBufferPointer, from: Int, end: Int
    ) -> Int? {
        guard count > 0 else { return nil }
        let first = literals[start]
        var i = from
        while i + count <= end {
            guard let j = line.nginxFirstIndex(of: first, from: i, end: end - count + 1) else { return nil }
            if literalOccurs(start: start, count: count, in: line, at: j, end: end) { return j }
            i = j + 1
        }
        return nil
    }
}

extension UnsafeRawBufferPointer {
    /// Index of the first `byte` in [from, end), or nil.
    @inline(__always)
    fileprivate func nginxFirstIndex(of byte: UInt8, from: Int, end: Int) -> Int? {
        var i = Swift.max(0, from)
        let limit = Swift.min(end, count)
        while i < limit {
            if self[i] == byte { return i }
            i += 1
        }
        return nil
    }
}
