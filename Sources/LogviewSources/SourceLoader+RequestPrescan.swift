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
    /// How many times the files are scanned for a request's ids before they are read whole.
    static let requestScans = 4

    /// Loads the files for `--request-id` (`LoadSettings.requestIDPrescan`) and merges them.
    /// Correlation joins ids seen together, so a request reaches beyond the time around its own
    /// ids' lines (the app logs the request id with a trace id that a worker logs alone minutes
    /// later): after each read the request's ids are collected, new ones are scanned for and the
    /// window widened to their lines, until no new id appears. After `requestScans` scans, once a
    /// read holds more than half of the files' bytes, or when a new id is not found as it is
    /// spelled, the whole files are read. The timeline is returned because building one takes
    /// its sources' ids (the caller adds other sources to it).
    public static func loadRequest(_ specs: [SourceSpec], settings: LoadSettings,
        progress: (@Sendable (_ done: Int, _ total: Int) -> Void)? = nil) -> (Result, Timeline)
    {
        let jobs = Self.jobs(for: specs).0
        let asked = settings.requestIDPrescan
        var plain = settings
        plain.requestIDPrescan = []
        var window = settings.timeWindow == nil ? requestWindow(jobs, ids: asked, settings: settings) : nil
        var scanned = Set(asked), scans = 1
        var allBytes: Int?  // of every file, once a second scan needs it
        while true {
            var targeted = plain
            targeted.timeWindow = window ?? settings.timeWindow
            let loaded = load(specs, settings: targeted, progress: progress)
            let timeline = Timeline(sources: loaded.sources)
            guard let current = window else { return (loaded, timeline) }
            let correlation = timeline.correlation
            let linked = Set(asked.compactMap { correlation.group(of: $0) }.flatMap { correlation.ids(ofGroup: $0) })
            let new = linked.subtracting(scanned)
            if new.isEmpty { return (loaded, timeline) }
            scanned.formUnion(new)
            scans += 1
            let read = loaded.sources.reduce(0) { $0 + $1.segments.reduce(0) { $0 + $1.data.count } }
            let total = allBytes ?? fileBytes(jobs)
            allBytes = total
            if scans > requestScans || read > total / 2 {
                window = nil
            } else {
                window = requestWindow(jobs, ids: new.sorted(), settings: settings, everyID: true).map {
                    min(current.lowerBound, $0.lowerBound)...max(current.upperBound, $0.upperBound)
                }
            }
        }
    }

    /// The bytes of every file of `jobs` by `stat` (a file that cannot be read counts nothing).
    static func fileBytes(_ jobs: [Job]) -> Int {
        jobs.reduce(0) { sum, job in
            sum + job.set.paths.reduce(0) { total, path in
                var st = stat()
                return total + (stat(path, &st) == 0 ? Int(st.st_size) : 0)
            }
        }
    }

    /// The window (UTC ns) around every line of `jobs` that contains one of `ids`; nil when the
    /// whole files must be read: no file holds an id (with `everyID`, some id: an id the parser
    /// spells differently), a file is compressed, its format does not resynchronise, or a hit's
    /// time cannot be read.
    static func requestWindow(_ jobs: [Job], ids: [String], settings: LoadSettings, everyID: Bool = false)
        -> ClosedRange<Int64>?
    {
        let needles = ids.map { Array($0.utf8) }.filter { !$0.isEmpty }.map(LiteralSearcher.init)
        guard !needles.isEmpty else { return nil }
        var earliest = Int64.max, latest = Int64.min
        var found = Set<Int>()
        for job in jobs {
            let files = job.set.paths.compactMap { path in (try? FileReader.open(path)).map { (path, $0.0, $0.1) } }
            guard !files.contains(where: { $0.1.prefix(3).withUnsafeBytes { Gzip.isGzip($0) } }) else { return nil }
            guard let sample = files.last(where: { $0.1.count > 0 }) else { continue }
            let hitFiles = files.compactMap { file in firstAndLastHit(file.1, needles).map { (file.1, $0) } }
            if hitFiles.isEmpty { continue }
            for (_, hits) in hitFiles { found.formUnion(hits.needles) }
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
        guard earliest <= latest, !everyID || found.count == needles.count else { return nil }
        return (earliest &- (earliest == .min ? 0 : requestSlack))...(latest == .max ? .max : latest &+ requestSlack)
    }

    /// The offsets of the first and last occurrence of any needle in `data`, and which needles
    /// occur (read in 4 MiB blocks that overlap by a needle's length, so a needle across two
    /// blocks is found).
    static func firstAndLastHit(_ data: SegmentBytes, _ needles: [LiteralSearcher])
        -> (first: Int, last: Int, needles: Set<Int>)?
    {
        let overlap = (needles.map(\.needle.count).max() ?? 1) - 1
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: (4 << 20) + overlap, alignment: 16)
        defer { buffer.deallocate() }
        var first: Int? = nil, last: Int? = nil
        var found = Set<Int>()
        var at = 0
        while at < data.count {
            let got = data.read(into: buffer, at: at)
            if got == 0 { break }
            let block = UnsafeRawBufferPointer(rebasing: buffer[0..<got])
            for (n, needle) in needles.enumerated() {
                var from = 0
                while let offset = needle.firstIndex(in: block, from: from) {
                    found.insert(n)
                    if first == nil || at + offset < first! { first = at + offset }
                    if last == nil || at + offset > last! { last = at + offset }
                    from = offset + 1
                }
            }
            if at + got >= data.count { break }
            at += max(1, got - overlap)
        }
        guard let first, let last else { return nil }
        return (first, last, found)
    }
}
