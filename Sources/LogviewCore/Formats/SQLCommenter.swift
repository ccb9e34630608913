/// Finds correlation ids in sqlcommenter comments that ORMs append to SQL
/// (`/*request_id='0a1b…',traceparent='00-<trace>-<span>-01'*/`).
///
/// The comment is a comma-separated list of `key='value'` pairs; values are URL-encoded and a
/// quote inside them is escaped as `\'`. Only `request_id`, `requestId` and `x_request_id`
/// (request ids) and the trace-id part of `traceparent` (trace id) are taken; other keys
/// (`action`, `controller`, `route`, `framework`...) are read past. Ids are byte ranges of the line,
/// so a value keeps its URL-encoding: request ids in practice are hex or UUIDs, which encoding
/// leaves untouched.
public enum SQLCommenter {
    /// Adds the ids of every sqlcommenter comment in `line` from `start` on to `ids`, skipping a
    /// value already present. Comments that are not key/value lists are ignored.
    /// Does not allocate; linear in the line's length.
    public static func scan(_ line: UnsafeRawBufferPointer, from start: Int = 0, into ids: inout IDSlots) {
        var i = max(0, start)
        while ids.count < IDSlots.capacity, let open = line.firstIndex(of: "/*", from: i) {
            // Ids count only from a well-formed comment, so the pairs are read twice: check, then take.
            var unused = IDSlots()
            if let end = readComment(line, at: open + 2, collecting: false, into: &unused) {
                _ = readComment(line, at: open + 2, collecting: true, into: &ids)
                i = end
            } else {
                i = open + 2
            }
        }
    }

    /// Reads the pairs of one comment whose body begins at `at`; returns the index after its `*/`,
    /// or nil if it is not a key/value list.
    private static func readComment(
        _ line: UnsafeRawBufferPointer, at: Int, collecting: Bool, into ids: inout IDSlots
    ) -> Int? {
        var i = line.skipBlanks(from: at)
        while i < line.count {
            let keyStart = i
            while i < line.count, isKeyByte(line[i]) { i += 1 }
            let keyEnd = i
            guard keyEnd > keyStart, i + 1 < line.count, line[i] == 0x3D, line[i + 1] == 0x27 else { return nil }
            i += 2
            let valueStart = i
            while i < line.count, line[i] != 0x27 {
                i += line[i] == 0x5C ? 2 : 1  // `\'` is a quote inside the value
            }
            guard i < line.count else { return nil }
            if collecting {
                take(key: line.slice(keyStart, keyEnd), value: ByteRange(valueStart, i), line: line, into: &ids)
            }
            i = line.skipBlanks(from: i + 1)
            if i < line.count, line[i] == 0x2C {
                i = line.skipBlanks(from: i + 1)
            } else if line.matches("*/", at: i) {
                return i + 2
            } else {
                return nil
            }
        }
        return nil
    }

    @inline(__always)
    private static func isKeyByte(_ b: UInt8) -> Bool {
        // Keys are URL-encoded, so letters, digits and `_-.~%` cover them.
        (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) || (b >= 0x30 && b <= 0x39)
            || b == 0x5F || b == 0x2D || b == 0x2E || b == 0x7E || b == 0x25
    }

    private static func take(
        key: UnsafeRawBufferPointer, value: ByteRange, line: UnsafeRawBufferPointer, into ids: inout IDSlots
    ) {
        if equals(key, "request_id") || equals(key, "requestId") || equals(key, "x_request_id") {
            append(value, kind: .request, line: line, into: &ids)
        } else if equals(key, "traceparent"), let trace = traceID(in: value, line: line) {
            append(trace, kind: .trace, line: line, into: &ids)
        }
    }

    /// The 32-hex-digit trace id of a W3C `traceparent` value (`00-<trace>-<span>-<flags>`).
    private static func traceID(in value: ByteRange, line: UnsafeRawBufferPointer) -> ByteRange? {
        let s = Int(value.start)
        let traceStart = s + 3
        guard value.count >= 3 + 32 + 1, line[s + 2] == 0x2D, line[traceStart + 32] == 0x2D else { return nil }
        for k in traceStart..<(traceStart + 32) where !isHex(line[k]) { return nil }
        return ByteRange(traceStart, traceStart + 32)
    }

    @inline(__always)
    private static func isHex(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b >= 0x61 && b <= 0x66) || (b >= 0x41 && b <= 0x46)
    }

    private static func append(
        _ range: ByteRange, kind: IDKind, line: UnsafeRawBufferPointer, into ids: inout IDSlots
    ) {
        // The same ids often appear twice in one record (csvlog message and query columns).
        let value = line.slice(range)
        for k in 0..<ids.count where ids[k].kind == kind && line.slice(ids[k].range).elementsEqual(value) { return }
        ids.append(range, kind: kind, in: line)
    }

    @inline(__always)
    private static func equals(_ bytes: UnsafeRawBufferPointer, _ literal: StaticString) -> Bool {
        bytes.count == literal.utf8CodeUnitCount && bytes.matches(literal, at: 0)
    }

    /// The ids of every line of `text` as detail-view fields (`request_id`, `trace_id`), each value
    /// once. Allocates; for `annotate`.
    public static func idFields(_ text: UnsafeRawBufferPointer) -> [Field] {
        var fields: [Field] = []
        var start = 0
        while start < text.count {
            let end = text.firstIndex(of: 0x0A, from: start) ?? text.count
            let line = text.slice(start, end)
            var ids = IDSlots()
            scan(line, into: &ids)
            for k in 0..<ids.count {
                let field = Field(
                    ids[k].kind == .request ? "request_id" : "trace_id",
                    String(decoding: line.slice(ids[k].range), as: UTF8.self))
                if !fields.contains(field) { fields.append(field) }
            }
            start = end + 1
        }
        return fields
    }
}
