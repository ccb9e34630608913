/// Finds correlation ids in free text, without allocating.
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
    /// Keys are found backwards from their separator: only `=`, `:` and `-` (for traceparent)
    /// trigger a closer look, and eight bytes at a time are checked for them, so text without ids
    /// costs little more than a read. Does not allocate.
    public static func scan(
        _ line: UnsafeRawBufferPointer, from: Int = 0, to: Int? = nil, into ids: inout IDSlots
    ) {
        let end = min(to ?? line.count, line.count)
        let start = max(from, 0)
        var i = start
        outer: while i < end {
            if i + 8 <= end && !mayContainTrigger(line.loadUnaligned(fromByteOffset: i, as: UInt64.self)) {
                i += 8
                continue
            }
            let stop = min(i + 8, end)
            while i < stop {
                let c = line[i]
                if c == 0x3D || c == 0x3A {  // = or :
                    if let key = keyEnding(before: i, line, start: start),
                        let value = value(afterSeparator: i, line, end: end)
                    {
                        appendUnique(value.range, kind: key, in: line, to: &ids)
                        i = max(value.resume, i + 1)
                        continue outer
                    }
                } else if c == 0x2D, i >= start + 2, line[i - 1] == 0x30, line[i - 2] == 0x30,
                    i - 2 == start || !isAlphanumeric(line[i - 3]),
                    let trace = traceparentTraceID(line, at: i - 2, end: end)
                {
                    appendUnique(trace, kind: .trace, in: line, to: &ids)
                    i = Int(trace.end) + 20
                    continue outer
                }
                i += 1
            }
        }
    }

    /// Whether any of the eight bytes may be `=`, `:` or `-` (exact when false).
    @inline(__always)
    private static func mayContainTrigger(_ w: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        @inline(__always) func zeroByte(_ x: UInt64) -> UInt64 { (x &- ones) & ~x & highs }
        return zeroByte(w ^ (ones &* 0x3D)) | zeroByte(w ^ (ones &* 0x3A)) | zeroByte(w ^ (ones &* 0x2D)) != 0
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

    /// The kind of the key that ends just before the separator at `separator` (blanks and a
    /// closing quote may sit between), or nil. The key must begin at a word boundary.
    @inline(__always)
    private static func keyEnding(before separator: Int, _ line: UnsafeRawBufferPointer, start: Int) -> IDKind? {
        var k = separator - 1
        while k >= start && (line[k] == 0x20 || line[k] == 0x09) { k -= 1 }
        if k >= start && (line[k] == 0x22 || line[k] == 0x27) { k -= 1 }
        // Every key ends in "id".
        guard k - 1 >= start, line[k] | 0x20 == 0x64, line[k - 1] | 0x20 == 0x69 else { return nil }
        var last = k - 2  // the byte before "id"
        var joined = false
        if last >= start && (line[last] == 0x5F || line[last] == 0x2D) {  // _ or -
            last -= 1
            joined = true
        }
        func begins(_ literal: StaticString, kind: IDKind) -> IDKind? {
            let first = last - literal.utf8CodeUnitCount + 1
            guard first >= start, matchesFolded(line, literal, at: first, end: last + 1),
                first == start || !isAlphanumeric(line[first - 1])
            else { return nil }
            return kind
        }
        if let kind = begins("request", kind: .request) ?? begins("req", kind: .request)
            ?? begins("trace", kind: .trace)
        {
            return kind
        }
        return joined ? nil : begins("r", kind: .request)  // rid
    }

    /// After a separator: blanks, an optional opening quote, then the value. Returns the value
    /// (empty when there is none, or when it is too long to be an id) and where scanning resumes.
    @inline(__always)
    private static func value(afterSeparator separator: Int, _ line: UnsafeRawBufferPointer, end: Int)
        -> (range: ByteRange, resume: Int)?
    {
        var i = separator + 1
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
