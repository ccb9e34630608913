#if canImport(Glibc)
import Glibc
#endif
import LogviewCore

/// `--request-id` in print mode: before anything is parsed, the files' bytes are scanned for the
/// ids (memmem, at the speed of reading them), and only the part of time around the lines that
/// hold one is indexed (`LoadSettings.timeWindow`). Correlation then links the request's entries
/// (those carrying a linked id or none) inside that part, as it would over the whole files.
extension SourceLoader {
    /// How far before and after the lines holding an id the request's other entries may be.
    static let requestSlack: Int64 = 30_000_000_000

    /// The window (UTC ns) around every line of `jobs` that contains one of `ids`; nil when the
    /// whole files must be read: no file holds an id (an id the parser spells differently), a
    /// file is compressed, its format does not resynchronise, or a hit's time cannot be read.
    static func requestWindow(_ jobs: [Job], ids: [String], settings: LoadSettings) -> ClosedRange<Int64>? {
        let needles = ids.map { Array($0.utf8) }.filter { !$0.isEmpty }.map(LiteralSearcher.init)
        guard !needles.isEmpty else { return nil }
        var earliest = Int64.max, latest = Int64.min
        for job in jobs {
            let files = job.set.paths.compactMap { path in (try? FileReader.open(path)).map { (path, $0.0, $0.1) } }
            guard !files.contains(where: { $0.1.prefix(3).withUnsafeBytes { Gzip.isGzip($0) } }) else { return nil }
            guard let sample = files.last(where: { $0.1.count > 0 }) else { continue }
            let hitFiles = files.compactMap { file in firstAndLastHit(file.1, needles).map { (file.1, $0) } }
            if hitFiles.isEmpty { continue }
            guard case .success(let chosen) = chooseFormat(job, sample: Segment(path: sample.0, data: sample.1, modified: sample.2), settings: settings),
                let parser = try? chosen.format.makeParser(chosen.options), parser.resynchronizesAtEntryStart
            else { return nil }
            for (data, hits) in hitFiles {
                let search = SegmentTimeSearch(data: data, clockOffset: job.spec.clockOffset.nanoseconds) {
                    try chosen.format.makeParser(chosen.options)
                }
                // An entry start a probe before the first hit is no later than the hit's entry; the
                // start after the last hit's line is no earlier than its entry (files in time order).
                guard let before = search.entryStart(atOrAfter: max(0, hits.first - search.probeBytes)) else { return nil }
                earliest = min(earliest, before.time)
                latest = max(latest, search.entryStart(atOrAfter: hits.last + 1)?.time ?? .max)
            }
        }
        guard earliest <= latest else { return nil }
        return (earliest &- (earliest == .min ? 0 : requestSlack))...(latest == .max ? .max : latest &+ requestSlack)
    }

    /// The offsets of the first and last occurrence of any needle in `data` (read in 4 MiB blocks
    /// that overlap by a needle's length, so a needle across two blocks is found).
    static func firstAndLastHit(_ data: SegmentBytes, _ needles: [LiteralSearcher]) -> (first: Int, last: Int)? {
        let overlap = (needles.map(\.needle.count).max() ?? 1) - 1
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: (4 << 20) + overlap, alignment: 16)
        defer { buffer.deallocate() }
        var first: Int? = nil, last: Int? = nil
        var at = 0
        while at < data.count {
            let got = data.read(into: buffer, at: at)
            if got == 0 { break }
            let block = UnsafeRawBufferPointer(rebasing: buffer[0..<got])
            for needle in needles {
                var from = 0
                while let offset = needle.firstIndex(in: block, from: from) {
                    if first == nil || at + offset < first! { first = at + offset }
                    if last == nil || at + offset > last! { last = at + offset }
                    from = offset + 1
                }
            }
            if at + got >= data.count { break }
            at += max(1, got - overlap)
        }
        guard let first, let last else { return nil }
        return (first, last)
    }
}
