/// The entries of one source as a struct of arrays (DESIGN.md: columns, not objects).
///
/// Entry `i` is the i-th entry in file order. Text is not stored: an entry is a byte range in one
/// of the source's segments.
public struct EntryColumns: Sendable {
    public internal(set) var timestamps: [Int64] = []
    public internal(set) var segments: [UInt32] = []
    public internal(set) var offsets: [Int64] = []
    public internal(set) var lengths: [UInt32] = []
    /// First physical line of the entry in its file, 1-based.
    public internal(set) var lines: [UInt32] = []
    /// Physical lines folded into the entry.
    public internal(set) var lineCounts: [UInt32] = []
    /// Level in the low nibble, time precision in the high nibble.
    var meta: [UInt8] = []
    /// Offset of the message within the entry's first line.
    public internal(set) var messageStarts: [UInt32] = []
    /// Session (PostgreSQL backend pid, nginx connection); 0 = none.
    public internal(set) var sessions: [UInt64] = []
    /// Correlation keys of entry i are keys[keyStarts[i] ..< keyStarts[i + 1]].
    public internal(set) var keyStarts: [UInt32] = [0]
    public internal(set) var keys: [UInt32] = []
    /// Request facts of the entries that report an HTTP request (nginx access and error lines).
    public internal(set) var requests = RequestColumn()

    public init() {}

    public var count: Int { timestamps.count }
    /// Entries the columns have room for without growing.
    var capacity: Int { timestamps.capacity }

    public func level(_ i: Int) -> Level { Level(rawValue: meta[i] & 0x0F) ?? .unknown }
    public func precision(_ i: Int) -> TimePrecision { TimePrecision(rawValue: meta[i] >> 4) ?? .seconds }
    public func timestamp(_ i: Int) -> Timestamp { Timestamp(nanoseconds: timestamps[i]) }

    public func keys(of i: Int) -> ArraySlice<UInt32> { keys[Int(keyStarts[i])..<Int(keyStarts[i + 1])] }
    public func hasKeys(_ i: Int) -> Bool { keyStarts[i + 1] > keyStarts[i] }

    mutating func append(facts: LineFacts, segment: Int, offset: Int64, length: Int, line: Int, messageStart: Int) {
        timestamps.append(facts.timestamp.nanoseconds)
        segments.append(UInt32(truncatingIfNeeded: segment))
        offsets.append(offset)
        lengths.append(UInt32(truncatingIfNeeded: length))
        lines.append(UInt32(truncatingIfNeeded: line))
        lineCounts.append(1)
        meta.append(facts.level.rawValue | facts.precision.rawValue << 4)
        messageStarts.append(UInt32(truncatingIfNeeded: messageStart))
        sessions.append(facts.session)
        keyStarts.append(UInt32(keys.count))
    }

    /// Adds a key to the last entry (keys of the last entry are at the tail of `keys`).
    mutating func appendKeyToLast(_ key: UInt32) {
        let n = timestamps.count
        if keys[Int(keyStarts[n - 1])..<keys.count].contains(key) { return }
        keys.append(key)
        keyStarts[n] = UInt32(keys.count)
    }

    mutating func extendLast(toLength length: Int) {
        let n = timestamps.count - 1
        lengths[n] = UInt32(truncatingIfNeeded: length)
        lineCounts[n] += 1
    }

    /// Re-points the last entry at a copy of its bytes at `offset` of segment `segment`.
    mutating func moveLast(toSegment segment: Int, offset: Int64) {
        let n = timestamps.count - 1
        segments[n] = UInt32(truncatingIfNeeded: segment)
        offsets[n] = offset
    }

    mutating func setTimestamp(_ i: Int, _ t: Int64) { timestamps[i] = t }

    mutating func remapKeys(_ map: [UInt32]) {
        for i in keys.indices { keys[i] = map[Int(keys[i])] }
    }
}

/// What an entry says about an HTTP request, for linking error-log lines to access-log lines.
public struct RequestFacts: Sendable, Equatable {
    /// Hash of (client address, request line); equal for the access and error line of one request;
    /// 0 when the entry names neither.
    public var matchHash: UInt64
    /// The request's duration when the entry marks its end (nginx access), else nil.
    public var duration: TimeSpan?
}
