/// Finds the part of a file that holds a time window, by binary search on the times of the lines
/// that start entries, so print mode reads a window of a huge file without indexing the rest.
///
/// It trusts the file to be written in time order up to `slack` (an nginx access line carries
/// the time its request started, and is written when it ends): the part runs from an entry that
/// starts more than `slack` before the window to an entry that starts more than `slack` after it.
/// Each probe reads one small block and asks a fresh parser for the first entry start in it.
public struct SegmentTimeSearch {
    let data: SegmentBytes
    let makeParser: () throws -> any LineParser
    /// Added to every time read (the source's clock correction).
    let clockOffset: Int64
    /// Bytes read per probe; a probe that finds no entry start in them finds nothing.
    public let probeBytes: Int
    /// How far back in time an entry may be from one earlier in the file (ns) for the file to
    /// count as in time order.
    public let tolerance: Int64
    /// Evenly spaced probes that check the order before a search trusts it.
    public let orderSamples: Int

    public init(data: SegmentBytes, clockOffset: Int64 = 0, probeBytes: Int = 64 << 10,
        tolerance: Int64 = 30_000_000_000, orderSamples: Int = 64, makeParser: @escaping () throws -> any LineParser)
    {
        self.data = data
        self.clockOffset = clockOffset
        self.probeBytes = probeBytes
        self.tolerance = tolerance
        self.orderSamples = orderSamples
        self.makeParser = makeParser
    }

    /// The byte range holding every entry with a time in `earliest...latest` (ns, slack already
    /// applied), from and to entry starts; nil when the file is not in time order (by evenly spaced
    /// probes: a clock set back mid-file would make a binary search miss entries) or no entry
    /// start can be found.
    public func range(earliest: Int64, latest: Int64) -> Range<Int>? {
        guard let first = entryStart(atOrAfter: 0), let last = lastEntryStart(), first.time <= last.time,
            looksInTimeOrder(from: first.time, to: last.time)
        else { return nil }
        // Lower end: the last probe whose entry is still before the window.
        var lo = 0, hi = data.count
        if first.time >= earliest {
            hi = 0
        }
        while hi - lo > probeBytes {
            // A probe that finds no time moves the start earlier: reading more is always right.
            let mid = lo + (hi - lo) / 2
            if let e = entryStart(atOrAfter: mid), e.time < earliest { lo = mid } else { hi = mid }
        }
        let start = lo == 0 ? 0 : entryStart(atOrAfter: lo)?.offset ?? lo
        // Upper end: the first probe whose entry is after the window.
        var lo2 = start, hi2 = data.count
        if last.time <= latest { lo2 = data.count }
        while hi2 - lo2 > probeBytes {
            // A probe that finds no time moves the end later.
            let mid = lo2 + (hi2 - lo2) / 2
            if let e = entryStart(atOrAfter: mid), e.time > latest { hi2 = mid } else { lo2 = mid }
        }
        let end = hi2 >= data.count ? data.count : entryStart(atOrAfter: hi2)?.offset ?? data.count
        return start..<max(start, end)
    }

    /// Whether the entry starts found by `orderSamples` evenly spaced probes, then the last
    /// entry's time, never go back by more than `tolerance` from the latest time seen before them.
    /// Probes see a sample, not every entry: a step back between two probes that is undone before
    /// the next can still pass.
    func looksInTimeOrder(from firstTime: Int64, to lastTime: Int64) -> Bool {
        var latest = firstTime
        let step = max(probeBytes, data.count / max(orderSamples, 1))
        var at = step
        while at < data.count {
            if let e = entryStart(atOrAfter: at) {
                if e.time < latest &- tolerance { return false }
                latest = max(latest, e.time)
            }
            at += step
        }
        return lastTime >= latest &- tolerance
    }

    /// The first line at or after `offset` (the line start after it, unless `offset` is one) that
    /// a fresh parser reads as an entry start, with its time.
    public func entryStart(atOrAfter offset: Int) -> (offset: Int, time: Int64)? {
        guard offset < data.count, let parser = try? makeParser() else { return nil }
        let from = max(0, offset - 1)  // the byte before says whether `offset` starts a line
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: probeBytes, alignment: 16)
        defer { buffer.deallocate() }
        let got = data.read(into: buffer, at: from)
        let bytes = UnsafeRawBufferPointer(rebasing: buffer[0..<got])
        var pos = 0
        if offset > 0 {
            guard let nl = bytes.firstIndex(of: 0x0A, from: 0) else { return nil }
            pos = nl + 1
        }
        while pos < bytes.count {
            guard let nl = bytes.firstIndex(of: 0x0A, from: pos) else {
                if from + got < data.count { return nil }  // a cut line: not trusted
                return start(bytes, pos, bytes.count, parser).map { (from + pos, $0) }
            }
            if let t = start(bytes, pos, nl, parser) { return (from + pos, t) }
            pos = nl + 1
        }
        return nil
    }

    /// The last entry start of the file, searched backwards a probe at a time.
    func lastEntryStart() -> (offset: Int, time: Int64)? {
        var at = data.count
        while at > 0 {
            let from = max(0, at - probeBytes)
            if let found = lastEntryStart(from: from, before: at) { return found }
            at = from
        }
        return nil
    }

    /// The last line starting in `from..<at` that the parser reads as an entry start, from one
    /// read (a line that starts before `at` may end up to a probe after it; a line cut by the
    /// read is not trusted). One parser serves every line: targeted reads only use formats that
    /// resynchronise at entry starts.
    private func lastEntryStart(from: Int, before at: Int) -> (offset: Int, time: Int64)? {
        guard let parser = try? makeParser() else { return nil }
        let readFrom = max(0, from - 1)  // the byte before says whether `from` starts a line
        let length = min(data.count - readFrom, at - readFrom + probeBytes)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(length, 1), alignment: 16)
        defer { buffer.deallocate() }
        let got = data.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[0..<length]), at: readFrom)
        let bytes = UnsafeRawBufferPointer(rebasing: buffer[0..<got])
        var pos = 0
        if from > 0 {
            guard let nl = bytes.firstIndex(of: 0x0A, from: 0) else { return nil }
            pos = nl + 1
        }
        var found: (offset: Int, time: Int64)? = nil
        while pos < got, readFrom + pos < at {
            guard let nl = bytes.firstIndex(of: 0x0A, from: pos) else {
                if readFrom + got >= data.count, let t = start(bytes, pos, got, parser) { found = (readFrom + pos, t) }
                break
            }
            if let t = start(bytes, pos, nl, parser) { found = (readFrom + pos, t) }
            pos = nl + 1
        }
        return found
    }

    /// The time of the line `bytes[pos..<end]` if the parser starts an entry on it (a trailing CR
    /// and leading NULs left out, as the indexer does).
    private func start(_ bytes: UnsafeRawBufferPointer, _ pos: Int, _ nl: Int, _ parser: any LineParser) -> Int64? {
        var end = nl
        if end > pos, bytes[end - 1] == 0x0D { end -= 1 }
        var skip = pos
        while skip < end, bytes[skip] == 0 { skip += 1 }
        var facts = LineFacts()
        guard parser.scan(bytes.slice(skip, end), into: &facts) == .start else { return nil }
        return facts.timestamp.nanoseconds &+ clockOffset
    }
}
