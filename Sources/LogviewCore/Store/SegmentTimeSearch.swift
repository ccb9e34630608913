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
        range(covering: [earliest...latest])
    }

    /// The byte range that holds every entry with a time in one of `spans` (ns, slack applied;
    /// spans far apart, as when a request's sources disagree about the zone by hours): the hull of
    /// the ranges of the spans that reach the file's time (from its first entry less `tolerance`
    /// to its last plus `tolerance`; a file in time order holds nothing outside). With no such
    /// span, or one span, as `range(earliest:latest:)` for the first. Nil as for that, or when
    /// `spans` is empty.
    public func range(covering spans: [ClosedRange<Int64>]) -> Range<Int>? {
        guard !spans.isEmpty, let first = entryStart(atOrAfter: 0), let last = lastEntryStart(),
            first.time <= last.time, looksInTimeOrder(from: first.time, to: last.time)
        else { return nil }
        let reaching = spans.filter { $0.upperBound >= first.time &- tolerance && $0.lowerBound <= last.time &+ tolerance }
        let ranges = (reaching.isEmpty ? [spans[0]] : reaching).map {
            ordered(first: first, last: last, earliest: $0.lowerBound, latest: $0.upperBound)
        }
        return ranges.map(\.lowerBound).min()!..<ranges.map(\.upperBound).max()!
    }

    /// `range(earliest:latest:)` in a file already found in time order, from `first` to `last`.
    private func ordered(first: (offset: Int, time: Int64), last: (offset: Int, time: Int64), earliest: Int64,
        latest: Int64) -> Range<Int>
    {
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
        var found: (offset: Int, time: Int64)? = nil
        walkLines(from: offset, bytes: probeBytes) { lineStart, time in
            guard let time else { return true }
            found = (lineStart, time)
            return false
        }
        return found
    }

    /// The last entry start of the file, searched backwards a probe at a time.
    func lastEntryStart() -> (offset: Int, time: Int64)? {
        var at = data.count
        while at > 0 {
            let from = max(0, at - probeBytes)
            // One read per probe: lines starting before `at` may end up to a probe after it.
            var found: (offset: Int, time: Int64)? = nil
            walkLines(from: from, bytes: at - from + 1 + probeBytes) { lineStart, time in
                guard lineStart < at else { return false }
                if let time { found = (lineStart, time) }
                return true
            }
            if let found { return found }
            at = from
        }
        return nil
    }

    /// Reads `bytes` bytes once and calls `body` with every whole line that starts at or after
    /// `offset` (its file offset, and its time when one parser, fed line after line, reads it as
    /// an entry start) until `body` returns false. A line the read cuts is not trusted, unless
    /// the file ends there. Targeted reads only use formats that resynchronise at entry starts,
    /// so one parser serves every line.
    private func walkLines(from offset: Int, bytes length: Int, _ body: (_ lineStart: Int, _ time: Int64?) -> Bool) {
        guard offset < data.count, let parser = try? makeParser() else { return }
        let from = max(0, offset - 1)  // the byte before says whether `offset` starts a line
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(length, 1), alignment: 16)
        defer { buffer.deallocate() }
        let got = data.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[0..<length]), at: from)
        let bytes = UnsafeRawBufferPointer(rebasing: buffer[0..<got])
        var pos = 0
        if offset > 0 {
            guard let nl = bytes.firstIndex(of: 0x0A, from: 0) else { return }
            pos = nl + 1
        }
        while pos < got {
            guard let nl = bytes.firstIndex(of: 0x0A, from: pos) else {
                if from + got >= data.count { _ = body(from + pos, start(bytes, pos, got, parser)) }
                return
            }
            if !body(from + pos, start(bytes, pos, nl, parser)) { return }
            pos = nl + 1
        }
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
