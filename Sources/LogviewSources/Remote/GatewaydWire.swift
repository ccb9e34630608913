import LogviewCore

/// systemd-journal-gatewayd's `/entries` on the wire: the request logview sends and the JSON
/// entries (one object per line) it reads back.
public enum GatewaydWire {
    /// `/entries?FIELD=VALUE&...[&follow]`; `matches` is the URL's query as given.
    public static func entriesPath(matches: String, follow: Bool) -> String {
        var items = matches.split(separator: "&").map(String.init).filter { !$0.isEmpty && $0 != "follow" }
        if follow { items.append("follow") }
        return "/entries" + (items.isEmpty ? "" : "?" + items.joined(separator: "&"))
    }

    /// The `Range` header: entries after `cursor` (skipping it), or from the start.
    public static func rangeHeader(after cursor: String?) -> (String, String)? {
        guard let cursor else { return nil }
        return ("Range", "entries=\(cursor):1:")
    }

    /// One journal entry as gatewayd sends it.
    public struct Record: Sendable, Equatable {
        public var timestamp: Int64
        public var priority: Int?
        public var unit: String?
        public var identifier: String?
        public var message: [UInt8]
        public var cursor: String
        /// Every other field, in the answer's order (byte arrays decoded as UTF-8).
        public var fields: [Field]

        /// The unit, else the syslog identifier, else `journal`.
        public var sourceName: String { unit ?? identifier ?? "journal" }

        public var level: Level {
            switch priority {
            case 0: .emergency
            case 1: .alert
            case 2: .critical
            case 3: .error
            case 4: .warning
            case 5: .notice
            case 6: .info
            case 7: .debug
            default: .unknown
            }
        }
    }

    /// Decodes the complete lines of `body`; returns the records and the bytes consumed (a
    /// trailing partial line is left for the next chunk of a followed answer).
    static func decodeEntries(_ body: UnsafeRawBufferPointer, final: Bool) throws(JSONCursor.Error) -> ([Record], Int) {
        var out: [Record] = []
        var start = 0
        while start < body.count {
            var end = start
            while end < body.count, body[end] != 0x0A { end += 1 }
            if end == body.count, !final { break }
            let line = UnsafeRawBufferPointer(rebasing: body[start..<end])
            var c = JSONCursor(line)
            if !c.isAtEnd {
                // A record separator (0x1E, json-seq) before an object is tolerated.
                if line.count > 0, line[0] == 0x1E { c = JSONCursor(line, at: 1) }
                do {
                    out.append(try record(&c))
                } catch let e as JSONCursor.Error {
                    throw e
                } catch {
                    throw .truncated
                }
            }
            start = min(end + 1, body.count)
        }
        return (out, start)
    }

    static func record(_ c: inout JSONCursor) throws -> Record {
        var r = Record(timestamp: 0, priority: nil, unit: nil, identifier: nil, message: [], cursor: "", fields: [])
        var value: [UInt8] = []
        try c.forEachMember { c, key in
            value.removeAll(keepingCapacity: true)
            switch try c.peek() {
            case UInt8(ascii: "\""): try c.readString(into: &value)
            case UInt8(ascii: "["):
                try c.forEachElement { c in value.append(UInt8(truncatingIfNeeded: try c.integer())) }
            default:
                try c.skipValue()
                return
            }
            switch key {
            case Array("MESSAGE".utf8): r.message = value
            case Array("__REALTIME_TIMESTAMP".utf8): r.timestamp = (parseInt(value) ?? 0) &* 1000
            case Array("__CURSOR".utf8): r.cursor = String(decoding: value, as: UTF8.self)
            default:
                let name = String(decoding: key, as: UTF8.self)
                let text = String(decoding: value, as: UTF8.self)
                if key == Array("PRIORITY".utf8) { r.priority = parseInt(value).map(Int.init) }
                if key == Array("_SYSTEMD_UNIT".utf8) { r.unit = text }
                if key == Array("SYSLOG_IDENTIFIER".utf8) { r.identifier = text }
                r.fields.append(Field(name, text))
            }
        }
        return r
    }

    static func parseInt(_ b: [UInt8]) -> Int64? {
        guard !b.isEmpty else { return nil }
        var v: Int64 = 0
        for d in b {
            guard d >= 0x30, d <= 0x39 else { return nil }
            v = v &* 10 &+ Int64(d - 0x30)
        }
        return v
    }
}
