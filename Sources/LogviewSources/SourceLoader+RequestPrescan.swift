#if canImport(Glibc)
import Glibc
#endif
import LogviewCore

/// `--request-id` in print mode: before anything is parsed, the files' bytes are scanned for the
/// ids (`idHits`: all ids in one pass, on every core), and only the spans of time around the lines
/// that hold one are indexed (`LoadSettings.timeWindow`, `timeSpans`). Correlation then links the
/// request's entries (those carrying a linked id or none) inside them, as it would over the whole
/// files.
extension SourceLoader {
    /// How far before and after the lines holding an id the request's other entries may be.
    static let requestSlack: Int64 = 30_000_000_000
    /// How many times the files are scanned for a request's ids before they are read whole.
    static let requestScans = 4

    /// Loads the files for `--request-id` (`LoadSettings.requestIDPrescan`) and merges them.
    /// Correlation joins ids seen together, so a request reaches beyond the time around its own
    /// ids' lines (the app logs the request id with a trace id that a worker logs alone minutes
    /// later): after each read the request's ids are collected, new ones are scanned for and the
    /// spans widened to their lines, until no new id appears. After `requestScans` scans, once a
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
        let prescan = settings.timeWindow == nil ? requestSpans(jobs, ids: asked, settings: settings, firstScan: true) : nil
        var spans = prescan?.spans
        plain.knownNewlines = prescan?.newlines ?? [:]
        var scanned = Set(asked), scans = 1
        var allBytes: Int?  // of every file, once a second scan needs it
        while true {
            var targeted = plain
            if let spans, let first = spans.first, let last = spans.last {
                targeted.timeWindow = first.lowerBound...last.upperBound
                targeted.timeSpans = spans
            }
            let loaded = load(specs, settings: targeted, progress: progress)
            let timeline = Timeline(sources: loaded.sources)
            guard let current = spans else { return (loaded, timeline) }
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
                spans = nil
            } else {
                spans = requestSpans(jobs, ids: new.sorted(), settings: settings, everyID: true, known: prescan)
                    .map { merged(current + $0.spans) }
                // The new ids only occur inside what was read: reading it again would load the
                // same entries and find no id beyond them.
                if spans == current { return (loaded, timeline) }
            }
        }
    }

    /// `spans` sorted, those that overlap or touch joined into one.
    static func merged(_ spans: [ClosedRange<Int64>]) -> [ClosedRange<Int64>] {
        var joined: [ClosedRange<Int64>] = []
        for span in spans.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if let last = joined.last, last.upperBound == .max || span.lowerBound <= last.upperBound + 1 {
                joined[joined.count - 1] = last.lowerBound...max(last.upperBound, span.upperBound)
            } else {
                joined.append(span)
            }
        }
        return joined
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

    /// The spans of time (UTC ns, `merged`) around the lines of each file of `jobs` that contain
    /// one of `ids`, from `requestSlack` before the entry of its first such line to `requestSlack`
    /// after that of its last; nil when the whole files must be read: no file holds an id (with
    /// `everyID`, some id: an id the parser spells differently), a file is compressed, its format
    /// does not resynchronise, or a hit's time cannot be read. Every file is scanned for all the
    /// ids at once (`idHits`); the `firstScan` also counts newlines and picks up the ids of the
    /// lines that hold the request's, so that a later call for those ids finds them in the
    /// `known` scan instead of scanning again.
    static func requestSpans(_ jobs: [Job], ids: [String], settings: LoadSettings, everyID: Bool = false,
        firstScan: Bool = false, known: RequestScan? = nil) -> RequestScan?
    {
        let needles = ids.map { Array($0.utf8) }.filter { !$0.isEmpty }
        guard !needles.isEmpty else { return nil }
        var opened: [[(path: String, data: SegmentBytes, modified: Timestamp)]] = []
        for job in jobs {
            let files = job.set.paths.compactMap { path in
                (try? FileReader.open(path)).map { (path: path, data: $0.0, modified: $0.1) }
            }
            guard !files.contains(where: { $0.data.prefix(3).withUnsafeBytes { Gzip.isGzip($0) } }) else { return nil }
            opened.append(files)
        }
        let files = opened.flatMap { $0 }
        let scan: IDScan, wanted: Set<Int>
        let indexes = needles.compactMap { known?.scan.needles.firstIndex(of: $0) }
        if let known, indexes.count == needles.count, known.paths == files.map(\.path) {
            (scan, wanted) = (known.scan, Set(indexes))
        } else {
            scan = idHits(in: files.map(\.data), needles, threads: settings.indexing.threads, countingNewlines: firstScan,
                linked: firstScan ? linkedIDs(jobs, opened.map { $0.map { ($0.path, $0.data, $0.modified) } }, settings: settings) : nil)
            wanted = Set(needles.indices)
        }
        var hits = scan.hits(of: wanted)[...]
        var spans: [ClosedRange<Int64>] = []
        var found = Set<Int>()
        for (job, files) in zip(jobs, opened) {
            let hitFiles = zip(files, hits.prefix(files.count)).compactMap { file, hit in hit.map { (file.data, $0) } }
            hits = hits.dropFirst(files.count)
            guard let sample = files.last(where: { $0.data.count > 0 }), !hitFiles.isEmpty else { continue }
            for (_, hit) in hitFiles { found.formUnion(hit.needles) }
            guard case .success(let chosen) = chooseFormat(job, sample: Segment(path: sample.path, data: sample.data, modified: sample.modified), settings: settings),
                let parser = try? chosen.format.makeParser(chosen.options), parser.resynchronizesAtEntryStart
            else { return nil }
            for (data, hit) in hitFiles {
                let search = SegmentTimeSearch(data: data, clockOffset: job.spec.clockOffset.nanoseconds) {
                    try chosen.format.makeParser(chosen.options)
                }
                // An entry start a probe before the first hit is no later than the hit's entry; the
                // start after the last hit's line is no earlier than its entry (files in time order).
                guard let before = search.entryStart(atOrAfter: max(0, hit.first - search.probeBytes)),
                    before.time > .min + requestSlack
                else { return nil }
                let after = search.entryStart(atOrAfter: hit.last + 1)?.time ?? .max
                guard before.time <= after else { return nil }
                spans.append((before.time - requestSlack)...(after >= .max - requestSlack ? .max : after + requestSlack))
            }
        }
        guard !spans.isEmpty, !everyID || found.count == wanted.count else { return nil }
        let newlines = firstScan ? Dictionary(zip(files.map(\.path), scan.newlines)) { a, _ in a } : [:]
        return RequestScan(spans: merged(spans), newlines: newlines, paths: files.map(\.path), scan: scan)
    }

    /// For `idHits`: the ids of a line of file `f` (numbered across `jobs`' files), read by its
    /// job's format (none when the format cannot be had).
    static func linkedIDs(_ jobs: [Job], _ opened: [[(String, SegmentBytes, Timestamp)]], settings: LoadSettings)
        -> @Sendable (_ file: Int, _ line: UnsafeRawBufferPointer) -> [[UInt8]]
    {
        var formats: [(format: any LogFormat, options: FormatOptions)?] = []
        for (job, files) in zip(jobs, opened) {
            var chosen: (format: any LogFormat, options: FormatOptions)? = nil
            if let sample = files.last(where: { $0.1.count > 0 }),
                case .success(let c) = chooseFormat(job, sample: Segment(path: sample.0, data: sample.1, modified: sample.2), settings: settings)
            {
                chosen = (c.format, c.options)
            }
            formats += Array(repeating: chosen, count: files.count)
        }
        let frozen = formats
        return { f, line in
            guard let chosen = frozen[f], let parser = try? chosen.format.makeParser(chosen.options) else { return [] }
            var facts = LineFacts()
            _ = parser.scan(line, into: &facts)  // a start or a continuation line: its ids either way
            return (0..<facts.ids.count).map { i in
                let r = facts.ids[i].range
                return Array(line[Int(r.start)..<Int(r.end)])
            }
        }
    }
}

/// What a scan of the files for a request's ids found (`requestSpans`).
struct RequestScan: Sendable {
    var spans: [ClosedRange<Int64>]
    /// By path, when the scan counted them.
    var newlines: [String: NewlineIndex]
    /// The files scanned, in the order of `scan`'s.
    var paths: [String]
    var scan: IDScan
}
