/// Loki's HTTP API on the wire: the request paths logview sends and the JSON it reads back.
///
/// Everything that knows Loki's URLs or JSON shapes lives here, so a change of the API is one
/// file. Decoding walks the body once with `JSONCursor`; entry text goes into one byte arena per
/// page, so a page of 5000 lines costs a handful of allocations, not one per line.
public enum LokiWire {
    /// `direction` of a range query.
    public enum Direction: String, Sendable { case forward, backward }

    // MARK: Requests

    /// `GET /loki/api/v1/query_range` for log lines in [start, end) (start inclusive, end exclusive).
    public static func queryRangePath(
        query: String, start: Int64, end: Int64, limit: Int, direction: Direction = .forward
    ) -> String {
        "/loki/api/v1/query_range?" + form([
            ("query", query), ("start", String(start)), ("end", String(end)), ("limit", String(limit)),
            ("direction", direction.rawValue),
        ])
    }

    /// The tail websocket; the first frame holds the entries since `start` (ns).
    public static func tailPath(query: String, start: Int64, limit: Int) -> String {
        "/loki/api/v1/tail?" + form([("query", query), ("start", String(start)), ("limit", String(limit))])
    }

    public static func labelsPath(start: Int64, end: Int64) -> String {
        "/loki/api/v1/labels?" + form([("start", String(start)), ("end", String(end))])
    }

    public static func labelValuesPath(name: String, start: Int64, end: Int64) -> String {
        "/loki/api/v1/label/\(percentEncoded(name))/values?" + form([("start", String(start)), ("end", String(end))])
    }

    public static func seriesPath(match: String, start: Int64, end: Int64) -> String {
        "/loki/api/v1/series?" + form([("match[]", match), ("start", String(start)), ("end", String(end))])
    }

    /// The largest `limit` a default Loki accepts (`max_entries_limit_per_query`).
    public static let maximumLimit = 5000

    static func form(_ pairs: [(String, String)]) -> String {
        pairs.map { percentEncoded($0.0) + "=" + percentEncoded($0.1) }.joined(separator: "&")
    }

    /// RFC 3986 percent-encoding of everything but unreserved bytes (a space becomes `%20`).
    static func percentEncoded(_ s: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                out.append(b)
            default:
                out += [UInt8(ascii: "%"), hex[Int(b >> 4)], hex[Int(b & 15)]]
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    // MARK: Answers

    /// Why an answer could not be read.
    public enum DecodeError: Error, Equatable, CustomStringConvertible {
        case malformed(String)
        /// `status` was not `success`.
        case status(String)
        /// A metric query (`matrix`/`vector`): logview shows log lines only.
        case notLogLines(resultType: String)

        public var description: String {
            switch self {
            case .malformed(let why): "unreadable answer: \(why)"
            case .status(let s): "the answer's status is '\(s)', not success"
            case .notLogLines(let t):
                "the query returns \(t) samples, not log lines: give a log query (a stream selector with optional line filters), not a metric query"
            }
        }
    }

    /// Decodes a `query_range` answer of `resultType` `streams`.
    public static func decodeQueryRange(_ body: UnsafeRawBufferPointer) throws(DecodeError) -> LokiBatch {
        var batch = LokiBatch()
        do {
            var c = JSONCursor(body)
            var status = ""
            var resultType = "streams"
            try c.forEachMember { c, key in
                switch key {
                case Array("status".utf8): status = String(decoding: try c.string(), as: UTF8.self)
                case Array("data".utf8):
                    try c.forEachMember { c, key in
                        switch key {
                        case Array("resultType".utf8): resultType = String(decoding: try c.string(), as: UTF8.self)
                        case Array("result".utf8):
                            if resultType != "streams" {
                                try c.skipValue()
                            } else {
                                try readStreams(&c, into: &batch)
                            }
                        default: try c.skipValue()
                        }
                    }
                default: try c.skipValue()
                }
            }
            guard status == "success" else { throw DecodeError.status(status) }
            guard resultType == "streams" else { throw DecodeError.notLogLines(resultType: resultType) }
        } catch let e as DecodeError {
            throw e
        } catch {
            throw .malformed("\(error)")
        }
        return batch
    }

    /// Decodes one text frame of the tail websocket: `{"streams":[...],"dropped_entries":[...]}`.
    public static func decodeTailFrame(_ body: UnsafeRawBufferPointer) throws(DecodeError) -> (LokiBatch, dropped: Int) {
        var batch = LokiBatch()
        var dropped = 0
        do {
            var c = JSONCursor(body)
            try c.forEachMember { c, key in
                switch key {
                case Array("streams".utf8):
                    if try c.consumeNull() { return }
                    try readStreams(&c, into: &batch)
                case Array("dropped_entries".utf8):
                    if try c.consumeNull() { return }
                    try c.forEachElement { c in
                        dropped += 1
                        try c.skipValue()
                    }
                default: try c.skipValue()
                }
            }
        } catch {
            throw .malformed("\(error)")
        }
        return (batch, dropped)
    }

    /// Decodes `labels` and `label/NAME/values`: a list of strings; a missing `data` is empty.
    public static func decodeStringList(_ body: UnsafeRawBufferPointer) throws(DecodeError) -> [String] {
        try decodeDataList(body) { c in String(decoding: try c.string(), as: UTF8.self) }
    }

    /// Decodes `series`: one label set per stream.
    public static func decodeSeries(_ body: UnsafeRawBufferPointer) throws(DecodeError) -> [LokiLabels] {
        try decodeDataList(body) { c in try readLabels(&c) }
    }

    /// `{"status":"success","data":[...]}` with each element read by `element`; a null `data` is empty.
    private static func decodeDataList<T>(
        _ body: UnsafeRawBufferPointer, element: (inout JSONCursor) throws -> T
    ) throws(DecodeError) -> [T] {
        var out: [T] = []
        var status = ""
        do {
            var c = JSONCursor(body)
            try c.forEachMember { c, key in
                switch key {
                case Array("status".utf8): status = String(decoding: try c.string(), as: UTF8.self)
                case Array("data".utf8):
                    if try c.consumeNull() { return }
                    try c.forEachElement { c in out.append(try element(&c)) }
                default: try c.skipValue()
                }
            }
        } catch {
            throw .malformed("\(error)")
        }
        guard status == "success" else { throw .status(status) }
        return out
    }

    /// `[{"stream":{...},"values":[["<ns>","<line>"(, {...})], ...]}, ...]`
    private static func readStreams(_ c: inout JSONCursor, into batch: inout LokiBatch) throws {
        try c.forEachElement { c in
            var labels = LokiLabels()
            var pending: [(Int64, Int, Int)] = []  // values may come before "stream"
            try c.forEachMember { c, key in
                switch key {
                case Array("stream".utf8): labels = try readLabels(&c)
                case Array("values".utf8):
                    try c.forEachElement { c in
                        try c.expect(UInt8(ascii: "["), "a [timestamp, line] pair")
                        let ts = try c.integerInString()
                        try c.expect(UInt8(ascii: ","), "','")
                        let start = batch.text.count
                        try c.readString(into: &batch.text)
                        pending.append((ts, start, batch.text.count - start))
                        // Structured metadata (categorize-labels) and anything else: skipped.
                        while try c.peek() == UInt8(ascii: ",") {
                            try c.expect(UInt8(ascii: ","), "','")
                            try c.skipValue()
                        }
                        try c.expect(UInt8(ascii: "]"), "']'")
                    }
                default: try c.skipValue()
                }
            }
            let stream = batch.intern(labels)
            for (ts, start, length) in pending {
                batch.entries.append(LokiBatch.Entry(stream: stream, timestamp: ts, start: start, length: length))
            }
        }
    }

    private static func readLabels(_ c: inout JSONCursor) throws -> LokiLabels {
        var pairs: [(String, String)] = []
        try c.forEachMember { c, key in
            let value = try c.string()
            pairs.append((String(decoding: key, as: UTF8.self), String(decoding: value, as: UTF8.self)))
        }
        return LokiLabels(pairs)
    }
}

/// A stream's label set, sorted by name (Loki's own `{a="1", b="2"}` order).
public struct LokiLabels: Hashable, Sendable, CustomStringConvertible {
    public private(set) var pairs: [Pair]

    public struct Pair: Hashable, Sendable {
        public var name: String
        public var value: String
    }

    public init(_ pairs: [(String, String)] = []) {
        self.pairs = pairs.map { Pair(name: $0.0, value: $0.1) }.sorted { $0.name < $1.name }
    }

    public subscript(name: String) -> String? { pairs.first { $0.name == name }?.value }

    /// `{host="app1", job="nginx"}`, as Loki and logcli print a stream.
    public var description: String {
        "{" + pairs.map { "\($0.name)=\"\($0.value)\"" }.joined(separator: ", ") + "}"
    }
}

/// The entries of one answer (a page, a tail frame): label sets, and per entry its stream,
/// timestamp and the byte range of its line in `text`.
public struct LokiBatch: Sendable {
    public struct Entry: Sendable, Equatable {
        public var stream: Int
        public var timestamp: Int64
        public var start: Int
        public var length: Int
    }

    public var streams: [LokiLabels] = []
    public var entries: [Entry] = []
    /// Every line's bytes, back to back.
    public var text: [UInt8] = []
    private var streamNumbers: [LokiLabels: Int] = [:]

    public init() {}

    public var count: Int { entries.count }

    /// The stream number of `labels`, adding it when new.
    mutating func intern(_ labels: LokiLabels) -> Int {
        if let n = streamNumbers[labels] { return n }
        streams.append(labels)
        streamNumbers[labels] = streams.count - 1
        return streams.count - 1
    }

    public func withLine<R>(_ e: Entry, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        text.withUnsafeBytes { body(UnsafeRawBufferPointer(rebasing: $0[e.start..<(e.start + e.length)])) }
    }

    public func line(_ e: Entry) -> String { withLine(e) { String(decoding: $0, as: UTF8.self) } }

    /// Entry indices in time order; ties keep answer order (stable).
    public func timeOrder() -> [Int] {
        var order = Array(entries.indices)
        order.sort { a, b in
            let ta = entries[a].timestamp, tb = entries[b].timestamp
            return ta != tb ? ta < tb : a < b
        }
        return order
    }
}
