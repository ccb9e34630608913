/// Finds correlation ids in free text, byte by byte.
///
/// Recognised keys (case-insensitive, followed by `=` or `:`, the value optionally quoted):
/// `request_id`, `request-id`, `requestId`, `req_id`, `req-id`, `reqid`, `rid` and, through the same
/// rule, `X-Request-ID` / `x_request_id` (request ids); `trace_id`, `trace-id`, `traceId` (trace ids).
/// A W3C `traceparent` value `00-<32 hex>-<16 hex>-<2 hex>` anywhere in the text yields its trace part.
/// A value runs over `[A-Za-z0-9._:-]`; trailing `.` and `:` are dropped (sentence punctuation).
public enum IDScanner {
    /// Longest value taken as an id; longer runs are data, not ids.
    public static let maximumValueLength = 128

    /// Appends the ids found in `line[from..<to]` to `ids`, skipping values already present.
    ///
    /// One pass; only `r`, `t` and `0` at a word boundary trigger a closer look, so lines without
    /// ids cost a few comparisons per byte. Does not allocate.
    public static func scan(
        _ line: UnsafeRawBufferPointer, from: Int = 0, to: Int? = nil, into ids: inout IDSlots
    ) {
        let end = min(to ?? line.count, line.count)
        var i = max(from, 0)
        while i < end {
            let c = line[i]
            let folded = c | 0x20
            guard folded == 0x72 || folded == 0x74 || c == 0x30 else {  // r, t, 0
                i += 1
                continue
            }
            if i > from && isAlphanumeric(line[i - 1]) {
                i += 1
                continue
            }
            if c == 0x30 {
                if let trace = traceparentTraceID(line, at: i, end: end) {
                    appendUnique(trace, kind: .trace, in: line, to: &ids)
                    i = Int(trace.end) + 20
                } else {
                    i += 1
                }
                continue
            }
            guard let key = keyMatch(line, at: i, end: end) else {
                i += 1
                continue
            }
            guard let value = valueAfterKey(line, keyEnd: key.end, end: end) else {
                i = key.end
                continue
            }
            appendUnique(value.range, kind: key.kind, in: line, to: &ids)
            i = max(value.resume, key.end)
        }
    }

    /// Appends `range` unless an id with the same bytes is already in `ids`. Does not allocate.
    public static func appendUnique(
        _ range: ByteRange, kind: IDKind, in line: UnsafeRawBufferPointer, to ids: inout IDSlots
    ) {
        guard range.start >= 0, Int(range.end) <= line.count, !range.isEmpty else { return }
        for k in 0..<ids.count {
            let existing = ids[k].range
            if existing.count == range.count
                && equalBytes(line, Int(existing.start), Int(range.start), range.count)
            {
                return
            }
        }
        ids.append(range, kind: kind, in: line)
    }

    /// Whether every byte of `line[start..<end]` is a hex digit (and the range is not empty).
    public static func isHex(_ line: UnsafeRawBufferPointer, _ start: Int, _ end: Int) -> Bool {
        guard start >= 0, start < end, end <= line.count else { return false }
        for k in start..<end where !isHexDigit(line[k]) { return false }
        return true
    }

    /// Whether `line[start..<end]` looks like a generated request id: 32 hex digits or an
    /// 8-4-4-4-12 UUID.
    public static func isRequestIDShaped(_ line: UnsafeRawBufferPointer, _ start: Int, _ end: Int) -> Bool {
        let n = end - start
        if n == 32 { return isHex(line, start, end) }
        guard n == 36, start >= 0, end <= line.count else { return false }
        for k in 0..<36 {
            let b = line[start + k]
            if k == 8 || k == 13 || k == 18 || k == 23 {
                if b != 0x2D { return false }
            } else if !isHexDigit(b) {
                return false
            }
        }
        return true
    }

    /// The 32-hex trace part of a W3C traceparent `00-<32>-<16>-<2>` starting at `at`, or nil.
    public static func traceparentTraceID(_ line: UnsafeRawBufferPointer, at: Int, end: Int) -> ByteRange? {
        let total = 55
        guard at >= 0, at + total <= end, end <= line.count,
            line[at] == 0x30, line[at + 1] == 0x30, line[at + 2] == 0x2D,
            line[at + 35] == 0x2D, line[at + 52] == 0x2D,
            isHex(line, at + 3, at + 35), isHex(line, at + 36, at + 52), isHex(line, at + 53, at + 55)
        else { return nil }
        if at + total < end && isAlphanumeric(line[at + total]) { return nil }
        return ByteRange(at + 3, at + 35)
    }

    // MARK: - Keys and values

    /// Matches a key starting at `at` (already known to be at a word boundary).
    @inline(__always)
    private static func keyMatch(_ line: UnsafeRawBufferPointer, at: Int, end: Int) -> (kind: IDKind, end: Int)? {
        let folded = line[at] | 0x20
        var j: Int
        let kind: IDKind
        if folded == 0x72 {  // r
            kind = .request
            if matchesFolded(line, "request", at: at, end: end) {
                j = at + 7
            } else if matchesFolded(line, "req", at: at, end: end) {
                j = at + 3
            } else if matchesFolded(line, "rid", at: at, end: end) {
                return keyEnds(line, at + 3, end) ? (kind, at + 3) : nil
            } else {
                return nil
            }
        } else {
            kind = .trace
            guard matchesFolded(line, "trace", at: at, end: end) else { return nil }
            j = at + 5
        }
        if j < end && (line[j] == 0x5F || line[j] == 0x2D) { j += 1 }  // _ or -
        guard matchesFolded(line, "id", at: j, end: end), keyEnds(line, j + 2, end) else { return nil }
        return (kind, j + 2)
    }

    /// A key must not run on into a longer word (`request_identity`, `ridge`).
    @inline(__always)
    private static func keyEnds(_ line: UnsafeRawBufferPointer, _ i: Int, _ end: Int) -> Bool {
        i >= end || !(isAlphanumeric(line[i]) || line[i] == 0x5F)
    }

    /// After a key: an optional closing quote (JSON-ish keys), blanks, `=` or `:`, blanks, an
    /// optional opening quote, then the value. Returns the value and where scanning resumes.
    @inline(__always)
    private static func valueAfterKey(_ line: UnsafeRawBufferPointer, keyEnd: Int, end: Int)
        -> (range: ByteRange, resume: Int)?
    {
        var i = keyEnd
        if i < end && (line[i] == 0x22 || line[i] == 0x27) { i += 1 }
        while i < end && (line[i] == 0x20 || line[i] == 0x09) { i += 1 }
        guard i < end, line[i] == 0x3D || line[i] == 0x3A else { return nil }  // = or :
        i += 1
        while i < end && (line[i] == 0x20 || line[i] == 0x09) { i += 1 }
        var quoted = false
        if i < end && (line[i] == 0x22 || line[i] == 0x27) {
            i += 1
            quoted = true
        }
        let start = i
        while i < end && isValueByte(line[i]) { i += 1 }
        var valueEnd = i
        while valueEnd > start && (line[valueEnd - 1] == 0x2E || line[valueEnd - 1] == 0x3A) { valueEnd -= 1 }
        let length = valueEnd - start
        guard length > 0, length <= maximumValueLength else { return (ByteRange(start, start), i) }
        // An unquoted JSON `null` is "no value", not an id called null.
        if !quoted && length == 4 && matchesFolded(line, "null", at: start, end: valueEnd) {
            return (ByteRange(start, start), i)
        }
        return (ByteRange(start, valueEnd), i)
    }

    // MARK: - Byte classes

    @inline(__always)
    static func isAlphanumeric(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b | 0x20 >= 0x61 && b | 0x20 <= 0x7A)
    }

    @inline(__always)
    static func isHexDigit(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b | 0x20 >= 0x61 && b | 0x20 <= 0x66)
    }

    @inline(__always)
    private static func isValueByte(_ b: UInt8) -> Bool {
        isAlphanumeric(b) || b == 0x2E || b == 0x5F || b == 0x3A || b == 0x2D
    }

    /// Compares with a lower-case ASCII literal, folding the line's letters to lower case.
    @inline(__always)
    static func matchesFolded(_ line: UnsafeRawBufferPointer, _ literal: StaticString, at: Int, end: Int) -> Bool {
        let n = literal.utf8CodeUnitCount
        guard at >= 0, at + n <= end, end <= line.count else { return false }
        let p = literal.utf8Start
        for k in 0..<n {
            let l = p[k]
            let c = line[at + k]
            if c != l && !(l >= 0x61 && l <= 0x7A && c | 0x20 == l) { return false }
        }
        return true
    }

    @inline(__always)
    private static func equalBytes(_ line: UnsafeRawBufferPointer, _ a: Int, _ b: Int, _ n: Int) -> Bool {
        for k in 0..<n where line[a + k] != line[b + k] { return false }
        return true
    }
}
