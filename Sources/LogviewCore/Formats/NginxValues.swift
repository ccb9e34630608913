/// Reading the values logview uses out of nginx variables. None allocates.
enum NginxValues {
    /// The level an HTTP status stands for: 5xx error, 4xx warning, anything else info.
    static func level(status value: UnsafeRawBufferPointer) -> Level {
        guard value.count == 3, let code = value.digits(at: 0, count: 3) else { return .unknown }
        switch code {
        case 500...599: return .error
        case 400...499: return .warning
        default: return .info
        }
    }

    /// A decimal number of seconds (`0.123`, `30`, `1769749323.123`) in nanoseconds, and the number of
    /// fraction digits printed; nil unless the whole value is such a number.
    static func seconds(_ value: UnsafeRawBufferPointer) -> (nanoseconds: Int64, fractionDigits: Int)? {
        guard let whole = value.digitRun(at: 0), whole.value < Int(Int64.max / 1_000_000_000) else { return nil }
        let fraction = TimestampParsing.fraction(value, at: whole.end)
        guard fraction.end == value.count else { return nil }
        return (Int64(whole.value) * 1_000_000_000 + fraction.nanos, fraction.digits)
    }

    /// Adds an id unless the same bytes are already held (`$request_id` and `$http_x_request_id`
    /// often carry one value). Does not allocate.
    static func addID(_ range: ByteRange, kind: IDKind, to ids: inout IDSlots, in line: UnsafeRawBufferPointer) {
        guard range.start >= 0, Int(range.end) <= line.count, !range.isEmpty else { return }
        let value = line.slice(range)
        for i in 0..<ids.count {
            let held = ids[i].range
            if held.count == range.count, line.slice(held).elementsEqual(value) { return }
        }
        ids.append(range, kind: kind, in: line)
    }

    /// Whether a value means "nothing": empty or nginx's `-`.
    static func isAbsent(_ value: UnsafeRawBufferPointer) -> Bool {
        value.isEmpty || (value.count == 1 && value[0] == 0x2D)
    }

    /// The trace-id part of a W3C `traceparent` (`00-<32 hex>-<16 hex>-<2 hex>`) within `range`.
    static func traceIDRange(inTraceparent range: ByteRange, of line: UnsafeRawBufferPointer) -> ByteRange? {
        let start = Int(range.start)
        guard range.count >= 55, start >= 0, Int(range.end) <= line.count,
            line[start + 2] == 0x2D, line[start + 35] == 0x2D, line[start + 52] == 0x2D,
            isHex(line, from: start + 3, count: 32), isHex(line, from: start + 36, count: 16)
        else { return nil }
        return ByteRange(start + 3, start + 35)
    }

    /// `range` itself when it is a 32-hex trace id.
    static func traceIDRange(bare range: ByteRange, of line: UnsafeRawBufferPointer) -> ByteRange? {
        guard range.count == 32, range.start >= 0, Int(range.end) <= line.count,
            isHex(line, from: Int(range.start), count: 32)
        else { return nil }
        return range
    }

    private static func isHex(_ b: UnsafeRawBufferPointer, from: Int, count: Int) -> Bool {
        guard from >= 0, from + count <= b.count else { return false }
        for i in from..<(from + count) {
            let c = b[i]
            let lower = c | 0x20
            guard (c >= 0x30 && c <= 0x39) || (lower >= 0x61 && lower <= 0x66) else { return false }
        }
        return true
    }
}
