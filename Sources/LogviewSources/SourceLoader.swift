#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import LogviewCore
import Synchronization

/// A source the operator named: `[name=]path` where path is a file, directory or glob.
public struct SourceSpec: Equatable, Sendable {
    public var name: String?
    public var path: String
    /// Per-source settings (from the config file or discovery); nil: the global ones.
    public var format: String? = nil
    public var nginxLogFormat: String? = nil
    public var postgresLinePrefix: String? = nil
    /// Added to every timestamp of the source: corrects a server whose clock was wrong.
    public var clockOffset: TimeSpan = .zero
    /// Regular expressions whose first group is a request id in this source's lines (config `request_id`).
    public var requestIDPatterns: [String] = []

    public init(name: String? = nil, path: String) {
        self.name = name
        self.path = path
    }

    /// Parses `nginx=/var/log/nginx/access.log` or a bare path. A `=` inside the path part is kept
    /// when the text before it looks like a path (contains `/`).
    public init(parsing text: String) {
        if let eq = text.firstIndex(of: "="), !text[..<eq].contains("/"), eq != text.startIndex {
            name = String(text[..<eq])
            path = String(text[text.index(after: eq)...])
        } else {
            name = nil
            path = text
        }
    }
}

/// How sources are read: formats, zones.
public struct LoadSettings: Sendable {
    /// Zone of naive timestamps for every source without its own.
    public var defaultZone: ZoneRules
    /// Zone per source name.
    public var zones: [String: ZoneRules] = [:]
    /// Format forced per source name (`--format nginx=nginx-access`), else detected.
    public var formats: [String: String] = [:]
    public var nginxLogFormat: String?
    public var postgresLinePrefix: String?
    /// Read each live file up to its last whole line and keep it open for following (`followPoints`);
    /// a set with no content yet is left out (the follower adds it when lines arrive).
    public var follow = false
    /// Threads and chunk size for indexing (the executable reads them from the environment).
    public var indexing = IndexingOptions()
    /// Print mode with a time window: of each plain file written in time order, only the part that
    /// can hold entries in this range (UTC ns, slack included) is read (`SegmentTimeSearch`).
    public var timeWindow: ClosedRange<Int64>? = nil
    /// Spans inside `timeWindow` that hold all that is wanted (a request's lines in sources hours
    /// apart): each file reads from the first span it reaches to the last. Empty: the whole window.
    public var timeSpans: [ClosedRange<Int64>] = []
    /// Newline counts of files (by path) already read whole, so a part of one is numbered without
    /// reading the file up to it again (the request prescan counts them).
    public var knownNewlines: [String: NewlineIndex] = [:]
    /// Print mode with `--request-id` and only file sources: the files are scanned for these ids
    /// first and only the time around the lines of the request's ids is read (`loadRequest`).
    public var requestIDPrescan: [String] = []

    public init(defaultZone: ZoneRules) { self.defaultZone = defaultZone }
}

/// A problem with one source, as one line for the operator; the other sources go on.
public struct SourceProblem: Error, Sendable, Equatable, CustomStringConvertible {
    public var source: String
    public var message: String
    public var description: String { "\(source): \(message)" }

    public init(source: String, message: String) {
        self.source = source
        self.message = message
    }
}

/// Resolves specs to files, reads them, detects formats and indexes every source in parallel.
public enum SourceLoader {
    public struct Result: Sendable {
        public var sources: [SourceIndex]
        public var problems: [SourceProblem]
        /// With `LoadSettings.follow`: where following each source's live file starts, parallel to `sources`.
        public var followPoints: [FollowPoint?] = []
    }

    struct Job: Sendable {
        var spec: SourceSpec
        var set: RotatedFileSet
        var name: String? { spec.name }
    }

    /// `progress`, when given, is called with (sets read, sets in all) before reading and after
    /// each set, from the loading threads (a viewer shows it while it waits).
    public static func load(_ specs: [SourceSpec], settings: LoadSettings,
        progress: (@Sendable (_ done: Int, _ total: Int) -> Void)? = nil) -> Result
    {
        let found = Self.jobs(for: specs)
        let jobs = found.0
        var problems = found.1
        let outcomes = UnsafeMutableBufferPointer<(SourceIndex?, [SourceProblem], FollowPoint?)>.allocate(capacity: jobs.count)
        outcomes.initialize(repeating: (nil, [], nil))
        defer {
            outcomes.deinitialize()
            outcomes.deallocate()
        }
        let slots = SendableBuffer(outcomes)
        let frozen = jobs
        let done = Mutex(0)
        progress?(0, frozen.count)
        let loadOne: @Sendable (Int) -> Void = { i in
            slots.buffer[i] = loadSet(frozen[i], settings: settings)
            if let progress { progress(done.withLock { $0 += 1; return $0 }, frozen.count) }
        }
        if settings.indexing.threads == 1 {
            for i in frozen.indices { loadOne(i) }
        } else {
            DispatchQueue.concurrentPerform(iterations: frozen.count, execute: loadOne)
        }
        var sources: [SourceIndex] = []
        var points: [FollowPoint?] = []
        for (source, p, point) in outcomes {
            problems += p
            if let source {
                sources.append(source)
                points.append(point)
            }
        }
        return Result(sources: sources, problems: problems, followPoints: points)
    }

    /// One job per rotated file set the specs name (globs and directories expanded).
    static func jobs(for specs: [SourceSpec]) -> ([Job], [SourceProblem]) {
        var jobs: [Job] = []
        var problems: [SourceProblem] = []
        for spec in specs {
            let label = spec.name ?? spec.path
            if RotatedFileSet.isGlob(spec.path) {
                guard let paths = RotatedFileSet.expandGlob(spec.path) else {
                    problems.append(SourceProblem(source: label, message: "no file matches \(spec.path)"))
                    continue
                }
                jobs += RotatedFileSet.group(paths).map { Job(spec: spec, set: $0) }
            } else if let files = RotatedFileSet.listDirectory(spec.path) {
                if files.isEmpty {
                    problems.append(SourceProblem(source: label, message: "directory \(spec.path) has no files"))
                }
                jobs += RotatedFileSet.group(files).map { Job(spec: spec, set: $0) }
            } else {
                jobs.append(Job(spec: spec, set: RotatedFileSet(base: spec.path, paths: [spec.path])))
            }
        }
        return (jobs, problems)
    }

    /// Loads one rotated set as one source (a file that appeared while following).
    public static func load(set: RotatedFileSet, spec: SourceSpec, settings: LoadSettings)
        -> (SourceIndex?, [SourceProblem], FollowPoint?)
    {
        loadSet(Job(spec: spec, set: set), settings: settings)
    }

    static func loadSet(_ job: Job, settings: LoadSettings) -> (SourceIndex?, [SourceProblem], FollowPoint?) {
        var problems: [SourceProblem] = []
        var segments: [Segment] = []
        let label = job.name ?? job.set.base
        var point: FollowPoint?
        for path in job.set.paths {
            do {
                // Plain files stay on disk (read back when shown); a .gz is decompressed into memory.
                let data: SegmentBytes, modified: Timestamp
                if settings.follow, path == job.set.base, !path.hasSuffix(".gz") {
                    let followed = try FileReader.openForFollowing(path)
                    (data, modified, point) = (followed.0, followed.1, followed.2)
                } else {
                    (data, modified) = try FileReader.open(path)
                }
                if data.prefix(3).withUnsafeBytes({ Gzip.isGzip($0) }) {
                    if let p = point, p.path == path {  // a compressed file is not followed
                        close(p.descriptor)
                        point = nil
                    }
                    // A damaged or still-growing .gz keeps what decodes, with a warning.
                    // The open segment's bytes: the file is not opened and read a second time.
                    var compressed = [UInt8](repeating: 0, count: data.count)
                    compressed.removeLast(data.count - compressed.withUnsafeMutableBytes { data.read(into: $0, at: 0) })
                    let (plain, error) = compressed.withUnsafeBytes { Gzip.decompressPartial($0) }
                    if let error { problems.append(SourceProblem(source: label, message: "\(path): \(error)")) }
                    segments.append(Segment(path: path, data: SegmentBytes(copying: plain), modified: modified))
                } else {
                    segments.append(Segment(path: path, data: data, modified: modified))
                }
            } catch {
                problems.append(SourceProblem(source: label, message: error.description))
            }
        }
        if settings.follow, segments.allSatisfy({ $0.data.count == 0 }) {
            // Nothing to detect a format from yet: the follower adds the source when lines arrive.
            if let point { close(point.descriptor) }
            return (nil, problems, nil)
        }
        guard !segments.isEmpty else { return (nil, problems, nil) }
        // Sample the newest file with content: it shows the format the service writes now.
        let sample = segments.last { $0.data.count > 0 } ?? segments[segments.count - 1]
        let chosen: (format: any LogFormat, options: FormatOptions, name: String)
        switch chooseFormat(job, sample: sample, settings: settings) {
        case .success(let c): chosen = c
        case .failure(let problem):
            problems.append(problem)
            if let point { close(point.descriptor) }
            return (nil, problems, nil)
        }
        let (o, name) = (chosen.options, chosen.name)
        if let window = settings.timeWindow {
            let spans = settings.timeSpans.isEmpty ? [window] : settings.timeSpans
            segments = segments.map {
                part(of: $0, in: spans, format: chosen.format, options: o, clockOffset: job.spec.clockOffset,
                    newlines: settings.knownNewlines[$0.path])
            }
        }
        do {
            let index = try SourceIndexer.index(
                name: name, format: chosen.format, options: o, segments: segments, clockOffset: job.spec.clockOffset,
                indexing: settings.indexing)
            if let p = point, let s = segments.lastIndex(where: { $0.path == p.path }) {
                point?.nextLine = index.newlineCount(inSegment: s) + 1
            }
            return (index, problems, point)
        } catch {
            problems.append(SourceProblem(source: name, message: "\(error)"))
            if let point { close(point.descriptor) }
            return (nil, problems, nil)
        }
    }

    /// The format of a set (forced by the spec or `--format`, else detected on `sample`), its
    /// options (zone, log_format, line prefix) and the source's name.
    static func chooseFormat(_ job: Job, sample: Segment, settings: LoadSettings)
        -> Swift.Result<(format: any LogFormat, options: FormatOptions, name: String), SourceProblem>
    {
        let label = job.name ?? job.set.base
        var options = FormatOptions(
            zone: settings.defaultZone, nginxLogFormat: job.spec.nginxLogFormat ?? settings.nginxLogFormat,
            postgresLinePrefix: job.spec.postgresLinePrefix ?? settings.postgresLinePrefix,
            referenceTime: sample.modified)
        if let name = job.name, let z = settings.zones[name] { options.zone = z }
        let chosen: FormatDetector.Candidate
        if let forced = job.spec.format ?? job.name.flatMap({ settings.formats[$0] }) {
            guard let f = FormatRegistry.format(named: forced) else {
                return .failure(SourceProblem(
                    source: label,
                    message: "unknown format '\(forced)'; known: \(FormatRegistry.names.joined(separator: ", "))"))
            }
            chosen = .init(format: f, options: options)
        } else if let (best, _) = sample.data.prefix(FormatDetector.sampleBytes + (64 << 10)).withUnsafeBytes({
            FormatDetector.detect($0, among: FormatRegistry.candidates(for: options), isPrefix: $0.count < sample.data.count)
        }) {
            chosen = best
        } else {
            chosen = .init(format: FormatRegistry.fallback, options: options)
        }
        var o = chosen.options
        if job.name == nil, let z = settings.zones[defaultName(job.set.base, chosen.format)] { o.zone = z }
        var format = chosen.format
        if !job.spec.requestIDPatterns.isEmpty {
            var patterns: [RequestIDPattern] = []
            for text in job.spec.requestIDPatterns {
                do {
                    patterns.append(try RequestIDPattern(text))
                } catch {
                    return .failure(SourceProblem(source: label, message: "request_id '\(text)': \(error)"))
                }
            }
            format = RequestIDPatternFormat(format, patterns: patterns)
        }
        return .success((format, o, job.name ?? defaultName(job.set.base, chosen.format)))
    }

    /// The part of a file-backed segment that holds `spans` of time, numbered from its first line;
    /// the whole segment when the format does not resynchronise at entry starts, the file is not
    /// in time order, or the part cannot be had. `newlines`, when the file's are known, spares
    /// reading it up to the part to number it.
    static func part(of segment: Segment, in spans: [ClosedRange<Int64>], format: any LogFormat, options: FormatOptions,
        clockOffset: TimeSpan, newlines: NewlineIndex? = nil) -> Segment
    {
        guard segment.data.isFileBacked, let parser = try? format.makeParser(options), parser.resynchronizesAtEntryStart,
            let range = SegmentTimeSearch(data: segment.data, clockOffset: clockOffset.nanoseconds, makeParser: {
                try format.makeParser(options)
            }).range(covering: spans),
            range != 0..<segment.data.count, let data = segment.data.slice(range)
        else { return segment }
        var part = Segment(path: segment.path, data: data, modified: segment.modified)
        part.firstLine = (newlines?.newlines(before: range.lowerBound, in: segment.data)
            ?? segment.data.newlines(before: range.lowerBound)) + 1
        return part
    }

    /// `nginx` and `postgresql` for their formats (a person knows them by the server); otherwise the
    /// file's stem (`backend`, `ai`), which names the application better than its format does.
    static func defaultName(_ path: String, _ format: any LogFormat) -> String {
        if ["nginx", "postgresql"].contains(format.defaultSourceName) { return format.defaultSourceName }
        var stem = Substring(path.split(separator: "/").last ?? Substring(path))
        for ext in [".gz", ".log", ".json", ".jsonl", ".csv", ".txt", ".out"] where stem.hasSuffix(ext) {
            stem = stem.dropLast(ext.count)
        }
        return stem.isEmpty ? format.defaultSourceName : String(stem)
    }
}

/// Lets concurrentPerform iterations write disjoint slots of one buffer.
struct SendableBuffer<T>: @unchecked Sendable {
    let buffer: UnsafeMutableBufferPointer<T>
    init(_ b: UnsafeMutableBufferPointer<T>) { buffer = b }
}
