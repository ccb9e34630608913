#if canImport(Glibc)
import Glibc
#endif
import LogviewCore

/// The live feed of every followed file: one inotify descriptor watching the directories of the
/// followed paths (and of directory and glob sources, which may gain files). Idle, it costs
/// nothing: the run loop sleeps in `poll` on `descriptors` until the kernel reports a change.
public final class FileFeed: LiveFeed {
    private let inotify: Inotify?
    private var files: [FollowedFile] = []
    /// Watched directory per watch descriptor, and the sources that may gain files there.
    private var directories: [Int32: String] = [:]
    private var growingDirectories: [String: [Growing]] = [:]
    private let settings: LoadSettings
    private let partialLineGrace: Int64
    private let clock: () -> Int64
    private var problems: [String] = []
    private var extended: [EntryRef] = []
    /// False until the first pump (which runs at once to read what came during start-up).
    private var started = false

    /// A directory or glob source: new files there that match become sources of their own.
    struct Growing {
        /// The directory's or glob's spec: a new file there is a source with its settings.
        var spec: SourceSpec
        /// The glob's pattern, or nil for every file of a directory.
        var pattern: String?
    }

    /// Follows the live file of every loaded source (`loaded.followPoints`, taking over their
    /// descriptors) and watches for files the specs name but that have no lines yet.
    /// `partialLineGrace` is how long a line without its newline is held (milliseconds).
    public init(specs: [SourceSpec], loaded: SourceLoader.Result, settings: LoadSettings,
        partialLineGrace: Int = 500, clock: @escaping () -> Int64 = FileFeed.monotonicMilliseconds)
    {
        self.settings = settings
        self.partialLineGrace = Int64(partialLineGrace)
        self.clock = clock
        let now = clock()
        switch Inotify.make() {
        case .success(let i): inotify = i
        case .failure(let e):
            inotify = nil
            problems.append("cannot watch files for changes (inotify: \(e)); new lines will not be shown")
        }
        var followed = Set<String>()
        for (i, point) in loaded.followPoints.enumerated() {
            guard let point else { continue }
            files.append(FollowedFile(path: point.path, source: i, spec: nil, point: point,
                partialLineGrace: self.partialLineGrace, now: now))
            followed.insert(point.path)
        }
        // Sets whose live file was missing or empty at load: follow their base path as well.
        for spec in specs {
            let sets: [RotatedFileSet]
            if RotatedFileSet.isGlob(spec.path) {
                sets = RotatedFileSet.group(RotatedFileSet.expandGlob(spec.path) ?? [])
                addGrowing(directory: FileFeed.directory(of: spec.path), Growing(spec: spec, pattern: spec.path))
            } else if let list = RotatedFileSet.listDirectory(spec.path) {
                sets = RotatedFileSet.group(list)
                addGrowing(directory: spec.path, Growing(spec: spec, pattern: nil))
            } else {
                sets = [RotatedFileSet(base: spec.path, paths: [spec.path])]
            }
            for set in sets where !followed.contains(set.base) && !set.base.hasSuffix(".gz") {
                let source = loaded.sources.indices.first { s in
                    loaded.sources[s].segments.contains { set.paths.contains($0.path) }
                }
                // Loaded without `LoadSettings.follow` (following switched on later): go on after
                // the bytes that were read.
                let point = source.flatMap { FileFeed.followPoint(after: loaded.sources[$0], path: set.base) }
                files.append(FollowedFile(path: set.base, source: source, spec: spec, point: point,
                    partialLineGrace: self.partialLineGrace, now: now))
                followed.insert(set.base)
            }
        }
        for file in files { watchDirectory(FileFeed.directory(of: file.path)) }
        indexNames()
    }

    /// Names (rotation bases) of the followed files per directory: events about them matter.
    private var watchedNames: [String: Set<String>] = [:]

    private func indexNames() {
        watchedNames = [:]
        for f in files {
            let name = f.path.split(separator: "/").last.map(String.init) ?? f.path
            watchedNames[FileFeed.directory(of: f.path), default: []].insert(RotatedFileSet.rotation(of: name).base)
        }
    }

    public var descriptors: [Int32] { inotify.map { [$0.descriptor] } ?? [] }

    public var deadline: Int? {
        if !started { return 0 }
        let now = clock()
        var d: Int64?
        for f in files {
            if let x = f.deadline(now: now) { d = min(d ?? x, x) }
        }
        return d.map { Int($0) }
    }

    public func pump(into timeline: Timeline) -> [EntryRef] {
        var createdIn = Set<String>()
        var relevant = !started || (deadline.map { $0 <= 0 } ?? false)
        if !started { createdIn = Set(growingDirectories.keys) }
        started = true
        if let inotify {
            switch inotify.readEvents() {
            case .success(let events):
                for e in events {
                    if e.mask & UInt32(IN_Q_OVERFLOW) != 0 {
                        createdIn.formUnion(growingDirectories.keys)
                        relevant = true
                    }
                    guard let dir = directories[e.watch] else { continue }
                    if e.mask & UInt32(IN_CREATE | IN_MOVED_TO) != 0, growingDirectories[dir] != nil { createdIn.insert(dir) }
                    // Other files in the directory (logview's own output, say) do not matter.
                    if e.name.isEmpty || watchedNames[dir]?.contains(RotatedFileSet.rotation(of: e.name).base) ?? false {
                        relevant = true
                    }
                }
            case .failure(let e):
                problems.append("reading file change events failed: \(e)")
            }
        }
        if !relevant && createdIn.isEmpty { return [] }
        // Every followed file is checked: a few syscalls each, and only when something happened.
        let now = clock()
        var added: [EntryRef] = []
        for file in files {
            if file.source == nil {
                if file.hasFirstLines() { added += addSource(for: file, into: timeline, now: now) }
                problems += file.takeProblems()
                continue
            }
            let batches = file.pump(now: now, problems: &problems)
            problems += file.takeProblems()
            guard let s = file.source else { continue }
            for identity in file.takeTruncated() { FileFeed.markStale(timeline.sources[s], readFrom: identity) }
            for batch in batches {
                added += timeline.ingest(source: s, segment: batch.segment, firstLine: batch.firstLine,
                    continuing: batch.continuing)
                if let e = timeline.extendedEntry { extended.append(e) }
            }
        }
        if !createdIn.isEmpty {
            discoverNewFiles(in: createdIn, now: now, timeline: timeline, added: &added)
            indexNames()
        }
        timeline.sortInTimeOrder(&added)
        return added
    }

    public func takeProblems() -> [String] {
        defer { problems = [] }
        return problems
    }

    public func takeExtendedEntries() -> [EntryRef] {
        defer { extended = [] }
        return extended
    }

    /// Loads a file's first lines as a new source (with its spec's settings; a format the spec does
    /// not fix is detected on them) and follows it.
    private func addSource(for file: FollowedFile, into timeline: Timeline, now: Int64) -> [EntryRef] {
        var s = settings
        s.follow = true
        let (index, loadProblems, point) = SourceLoader.load(
            set: RotatedFileSet(base: file.path, paths: [file.path]), spec: file.spec ?? SourceSpec(path: file.path), settings: s)
        problems += loadProblems.map(\.description)
        guard let index, let point else { return [] }
        let number = timeline.addSource(index)
        file.adopt(point, source: number, now: now)
        return (0..<index.entries.count).map { EntryRef(source: number, entry: $0) }
    }

    /// New files in directory and glob sources (a new service log, not a rotation of a known one).
    private func discoverNewFiles(in dirs: Set<String>, now: Int64, timeline: Timeline, added: inout [EntryRef]) {
        var known = Set(files.map(\.path))
        for (dir, growing) in growingDirectories where dirs.contains(dir) {
            guard let list = RotatedFileSet.listDirectory(dir) else { continue }
            for g in growing {
                let candidates = g.pattern.map { p in list.filter { fnmatch(p, $0, FNM_PATHNAME) == 0 } } ?? list
                for set in RotatedFileSet.group(candidates) where !known.contains(set.base) && !set.base.hasSuffix(".gz") {
                    let file = FollowedFile(path: set.base, source: nil, spec: g.spec, point: nil,
                        partialLineGrace: partialLineGrace, now: now)
                    files.append(file)
                    known.insert(set.base)
                    if file.hasFirstLines() { added += addSource(for: file, into: timeline, now: now) }
                }
            }
        }
    }

    private func addGrowing(directory: String, _ g: Growing) {
        growingDirectories[directory, default: []].append(g)
        watchDirectory(directory)
    }

    private func watchDirectory(_ dir: String) {
        guard let inotify, !RotatedFileSet.isGlob(dir), !directories.values.contains(dir) else { return }
        switch inotify.addWatch(dir, mask: Inotify.directoryEvents) {
        case .success(let wd): directories[wd] = dir
        case .failure(let e):
            problems.append("cannot watch directory \(dir) for changes: \(e); its files are not followed")
        }
    }

    /// Where to follow a live file that was loaded whole: after its loaded bytes, if it is still
    /// at least that long (else it was truncated or replaced, and is read from the top).
    static func followPoint(after source: SourceIndex, path: String) -> FollowPoint? {
        guard let s = source.segments.lastIndex(where: { $0.path == path }), !path.hasSuffix(".gz") else { return nil }
        let segment = source.segments[s]
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)
        guard fd >= 0 else { return nil }
        var st = stat()
        guard fstat(fd, &st) == 0, Int64(st.st_size) >= Int64(segment.data.count) else {
            close(fd)
            return nil
        }
        let lines = source.newlineCount(inSegment: s)
        return FollowPoint(path: path, descriptor: fd, identity: FileIdentity(st), offset: Int64(segment.data.count),
            nextLine: lines + 1, partial: [])
    }

    /// After copytruncate the loaded segments' offsets hold other text: their entries must read as
    /// the placeholder, not as whatever was written there since. Matched by inode, not path (after
    /// a rename rotation the path names another file).
    static func markStale(_ source: SourceIndex, readFrom identity: FileIdentity) {
        for segment in source.segments {
            if let id = segment.data.fileIdentity, id.device == identity.device, id.inode == identity.inode {
                segment.data.markStale()
            }
        }
    }

    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// CLOCK_MONOTONIC in milliseconds (the default clock; tests may pass their own).
    public static func monotonicMilliseconds() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
    }
}
