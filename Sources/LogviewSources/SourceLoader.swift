import Dispatch
import LogviewCore

/// A source the operator named: `[name=]path` where path is a file, directory or glob.
public struct SourceSpec: Equatable, Sendable {
    public var name: String?
    public var path: String

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
    /// Threads and chunk size for indexing (the executable reads them from the environment).
    public var indexing = IndexingOptions()

    public init(defaultZone: ZoneRules) { self.defaultZone = defaultZone }
}

/// A problem with one source, as one line for the operator; the other sources go on.
public struct SourceProblem: Sendable, Equatable, CustomStringConvertible {
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
    }

    struct Job: Sendable {
        var name: String?
        var set: RotatedFileSet
    }

    public static func load(_ specs: [SourceSpec], settings: LoadSettings) -> Result {
        var jobs: [Job] = []
        var problems: [SourceProblem] = []
        for spec in specs {
            let label = spec.name ?? spec.path
            if RotatedFileSet.isGlob(spec.path) {
                guard let paths = RotatedFileSet.expandGlob(spec.path) else {
                    problems.append(SourceProblem(source: label, message: "no file matches \(spec.path)"))
                    continue
                }
                jobs += RotatedFileSet.group(paths).map { Job(name: spec.name, set: $0) }
            } else if let files = RotatedFileSet.listDirectory(spec.path) {
                if files.isEmpty {
                    problems.append(SourceProblem(source: label, message: "directory \(spec.path) has no files"))
                }
                jobs += RotatedFileSet.group(files).map { Job(name: spec.name, set: $0) }
            } else {
                jobs.append(Job(name: spec.name, set: RotatedFileSet(base: spec.path, paths: [spec.path])))
            }
        }
        let outcomes = UnsafeMutableBufferPointer<(SourceIndex?, [SourceProblem])>.allocate(capacity: jobs.count)
        outcomes.initialize(repeating: (nil, []))
        defer {
            outcomes.deinitialize()
            outcomes.deallocate()
        }
        let slots = SendableBuffer(outcomes)
        let frozen = jobs
        if settings.indexing.threads == 1 {
            for i in frozen.indices { slots.buffer[i] = loadSet(frozen[i], settings: settings) }
        } else {
            DispatchQueue.concurrentPerform(iterations: frozen.count) { i in
                slots.buffer[i] = loadSet(frozen[i], settings: settings)
            }
        }
        var sources: [SourceIndex] = []
        for (source, p) in outcomes {
            problems += p
            if let source { sources.append(source) }
        }
        return Result(sources: sources, problems: problems)
    }

    static func loadSet(_ job: Job, settings: LoadSettings) -> (SourceIndex?, [SourceProblem]) {
        var problems: [SourceProblem] = []
        var segments: [Segment] = []
        let label = job.name ?? job.set.base
        for path in job.set.paths {
            do {
                let (data, modified) = try FileReader.read(path)
                if Gzip.isGzip(data.bytes) {
                    // A damaged or still-growing .gz keeps what decodes, with a warning.
                    let (plain, error) = Gzip.decompressPartial(data.bytes)
                    if let error { problems.append(SourceProblem(source: label, message: "\(path): \(error)")) }
                    segments.append(Segment(path: path, data: SegmentBytes(copying: plain), modified: modified))
                } else {
                    segments.append(Segment(path: path, data: data, modified: modified))
                }
            } catch {
                problems.append(SourceProblem(source: label, message: error.description))
            }
        }
        guard !segments.isEmpty else { return (nil, problems) }
        // Sample the newest file with content: it shows the format the service writes now.
        let sample = segments.last { $0.data.count > 0 } ?? segments[segments.count - 1]
        var options = FormatOptions(
            zone: settings.defaultZone, nginxLogFormat: settings.nginxLogFormat,
            postgresLinePrefix: settings.postgresLinePrefix, referenceTime: sample.modified)
        if let name = job.name, let z = settings.zones[name] { options.zone = z }
        let chosen: FormatDetector.Candidate
        if let name = job.name, let forced = settings.formats[name] {
            guard let f = FormatRegistry.format(named: forced) else {
                problems.append(SourceProblem(
                    source: label,
                    message: "unknown format '\(forced)'; known: \(FormatRegistry.names.joined(separator: ", "))"))
                return (nil, problems)
            }
            chosen = .init(format: f, options: options)
        } else if let (best, _) = FormatDetector.detect(sample.data.bytes, among: FormatRegistry.candidates(for: options)) {
            chosen = best
        } else {
            chosen = .init(format: FormatRegistry.fallback, options: options)
        }
        var o = chosen.options
        if job.name == nil, let z = settings.zones[defaultName(job.set.base, chosen.format)] { o.zone = z }
        let name = job.name ?? defaultName(job.set.base, chosen.format)
        do {
            let index = try SourceIndexer.index(
                name: name, format: chosen.format, options: o, segments: segments, indexing: settings.indexing)
            return (index, problems)
        } catch {
            problems.append(SourceProblem(source: name, message: "\(error)"))
            return (nil, problems)
        }
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
