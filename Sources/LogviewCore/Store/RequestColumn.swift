/// The request facts of the entries that report an HTTP request, by entry index.
///
/// Sorted parallel arrays, 20 bytes an entry that has facts, where a hashed dictionary took about
/// 50 (buckets kept a quarter empty, then doubled while it grew). Entries are indexed in file
/// order, so facts are set in ascending order and a set is an append; a lookup is a binary search.
public struct RequestColumn: Sendable, Sequence {
    private var entries: [UInt32] = []
    private var hashes: [UInt64] = []
    /// Nanoseconds, or `Int64.min` for no duration.
    private var durations: [Int64] = []

    public init() {}

    public var isEmpty: Bool { entries.isEmpty }
    public var count: Int { entries.count }

    public subscript(entry: Int) -> RequestFacts? {
        get {
            let k = position(of: entry)
            guard k < entries.count, entries[k] == UInt32(truncatingIfNeeded: entry) else { return nil }
            return RequestFacts(
                matchHash: hashes[k], duration: durations[k] == .min ? nil : TimeSpan(nanoseconds: durations[k]))
        }
        set {
            let key = UInt32(truncatingIfNeeded: entry)
            let k = entries.last.map { $0 < key } ?? true ? entries.count : position(of: entry)
            let present = k < entries.count && entries[k] == key
            guard let facts = newValue else {
                if present {
                    entries.remove(at: k)
                    hashes.remove(at: k)
                    durations.remove(at: k)
                }
                return
            }
            let duration = facts.duration?.nanoseconds ?? .min
            if present {
                hashes[k] = facts.matchHash
                durations[k] = duration
            } else {
                entries.insert(key, at: k)
                hashes.insert(facts.matchHash, at: k)
                durations.insert(duration, at: k)
            }
        }
    }

    /// The first position whose entry is at or after `entry`.
    private func position(of entry: Int) -> Int {
        let key = UInt32(truncatingIfNeeded: entry)
        var lo = 0, hi = entries.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if entries[mid] < key { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// Room for `n` more facts, growing geometrically (one reserve per chunk must not copy the
    /// column once per chunk).
    public mutating func reserveCapacity(adding n: Int) {
        let wanted = entries.count + n
        guard n > 0, wanted > entries.capacity else { return }
        let size = Swift.max(wanted, entries.capacity * 2)
        entries.reserveCapacity(size)
        hashes.reserveCapacity(size)
        durations.reserveCapacity(size)
    }

    /// (entry, facts) in entry order.
    public func makeIterator() -> AnyIterator<(Int, RequestFacts)> {
        var k = 0
        return AnyIterator {
            guard k < entries.count else { return nil }
            defer { k += 1 }
            return (Int(entries[k]), RequestFacts(
                matchHash: hashes[k], duration: durations[k] == .min ? nil : TimeSpan(nanoseconds: durations[k])))
        }
    }
}
