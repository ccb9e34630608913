/// Walks [start, end) of a Loki log query forward, page by page, without losing or repeating
/// entries.
///
/// Loki's `start` is inclusive, so the next page starts at the last timestamp of the previous one
/// and returns again the entries that carry it; those are dropped by (stream, timestamp, line).
/// Starting at last+1 ns instead would skip the entries of that timestamp the page had no room
/// for. If a whole page shares one timestamp the walk cannot get past it and steps over it, and
/// `crowdedTimestamps` says so. A range longer than Loki's `max_query_length` (30d1h by default)
/// is walked in windows of at most `maximumSpan`. Pure logic: the HTTP side is `LokiClient`.
public struct LokiPager: Sendable {
    public let query: String
    public let end: Int64
    public let limit: Int
    /// The longest [start, end) one request asks for.
    public let maximumSpan: Int64
    /// 30 days: inside Loki's default query length limit of 30d1h.
    public static let defaultMaximumSpan: Int64 = 30 * 86_400 * 1_000_000_000
    /// Where the next page starts (ns, inclusive).
    public private(set) var cursor: Int64
    public private(set) var isFinished: Bool
    /// Timestamps shared by more than `limit` entries: some of their entries could not be fetched.
    public private(set) var crowdedTimestamps: [Int64] = []
    private var boundary = LokiBoundary()

    public init(query: String, start: Int64, end: Int64, limit: Int, maximumSpan: Int64 = LokiPager.defaultMaximumSpan) {
        self.query = query
        self.end = end
        self.limit = max(1, limit)
        self.maximumSpan = max(1, maximumSpan)
        cursor = start
        isFinished = start >= end
    }

    /// The end (exclusive) of the window the next page is asked for.
    var windowEnd: Int64 { cursor > end &- maximumSpan ? end : cursor + maximumSpan }

    /// The request for the next page.
    public var nextPath: String { LokiWire.queryRangePath(query: query, start: cursor, end: windowEnd, limit: limit) }

    /// Takes the answer to `nextPath`; returns the indices of its new entries in time order.
    public mutating func accept(_ page: LokiBatch) -> [Int] {
        let order = page.timeOrder()
        let windowEnd = self.windowEnd
        var fresh: [Int] = []
        fresh.reserveCapacity(order.count)
        for i in order {
            let e = page.entries[i]
            guard e.timestamp >= cursor, e.timestamp < windowEnd else { continue }
            if e.timestamp == boundary.timestamp, boundary.consume(page, e) { continue }
            fresh.append(i)
        }
        guard page.count >= limit, let lastIndex = order.last else {
            // This window is done; the next starts where it ended (end is exclusive: no overlap).
            if windowEnd >= end {
                isFinished = true
            } else {
                cursor = windowEnd
                boundary = LokiBoundary()
            }
            return fresh
        }
        let last = page.entries[lastIndex].timestamp
        if last <= cursor {
            crowdedTimestamps.append(cursor)
            cursor += 1
            boundary = LokiBoundary()
        } else {
            cursor = last
            boundary = LokiBoundary(last: last, of: page, order: order)
        }
        if cursor >= end { isFinished = true }
        return fresh
    }
}

/// The entries seen at one timestamp, to recognise them when an answer repeats them (a page
/// boundary, a tail that reconnects from the last timestamp).
public struct LokiBoundary: Sendable {
    public private(set) var timestamp: Int64 = .min
    private var seen: [Key: Int] = [:]

    struct Key: Hashable, Sendable {
        var labels: LokiLabels
        var line: [UInt8]
    }

    public init() {}

    /// The entries of `page` at timestamp `last` (which must be the page's latest).
    init(last: Int64, of page: LokiBatch, order: [Int]) {
        timestamp = last
        for i in order.reversed() {
            let e = page.entries[i]
            guard e.timestamp == last else { break }
            seen[Key(labels: page.streams[e.stream], line: page.withLine(e) { Array($0) }), default: 0] += 1
        }
    }

    /// Records one delivered entry; entries of an earlier timestamp are forgotten.
    public mutating func remember(_ page: LokiBatch, _ e: LokiBatch.Entry) {
        if e.timestamp > timestamp {
            timestamp = e.timestamp
            seen.removeAll(keepingCapacity: true)
        }
        guard e.timestamp == timestamp else { return }
        seen[Key(labels: page.streams[e.stream], line: page.withLine(e) { Array($0) }), default: 0] += 1
    }

    /// Whether `e` repeats a remembered entry (each remembered entry matches once).
    public mutating func consume(_ page: LokiBatch, _ e: LokiBatch.Entry) -> Bool {
        guard e.timestamp == timestamp, !seen.isEmpty else { return false }
        let key = Key(labels: page.streams[e.stream], line: page.withLine(e) { Array($0) })
        guard let n = seen[key], n > 0 else { return false }
        seen[key] = n == 1 ? nil : n - 1
        return true
    }
}

/// Pieces of a LogQL log query that logview needs apart.
public enum LokiSelector {
    /// The stream selector `{...}` of a query (`{job="nginx"} |= "x"` gives `{job="nginx"}`),
    /// found by matching braces outside quoted strings; the whole text when it has none.
    public static func streamSelector(_ query: String) -> String {
        let b = Array(query.utf8)
        guard let open = b.firstIndex(of: UInt8(ascii: "{")) else { return query }
        var i = open + 1
        var quote: UInt8? = nil
        while i < b.count {
            let c = b[i]
            if let q = quote {
                if c == UInt8(ascii: "\\") { i += 1 } else if c == q { quote = nil }
            } else if c == UInt8(ascii: "\"") || c == UInt8(ascii: "`") {
                quote = c
            } else if c == UInt8(ascii: "}") {
                return String(decoding: b[open...i], as: UTF8.self)
            }
            i += 1
        }
        return query
    }
}
