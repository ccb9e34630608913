import Dispatch
import LogviewCore

#if canImport(Glibc)
import Glibc
#endif

/// Opens the journals the operator named, hands unit and boot matches to sd-journal, seeks to the
/// query's time window and reads each journal into one source per unit or identifier.
///
/// Seek, don't scan: with `since`, reading starts at `sd_journal_seek_realtime_usec`; with
/// `until`, it stops at the first later entry. A journal that cannot be opened gives one problem
/// line and the others go on; a damaged file gives a warning and its readable entries.
public enum JournalLoader {
    public struct Result {
        public var sources: [SourceIndex] = []
        /// Sources that could not be read (or only partly): exit status 1.
        public var problems: [SourceProblem] = []
        /// A readable journal with nothing to show: said on stderr, exit status 0.
        public var notices: [SourceProblem] = []
        /// One per opened journal, positioned after its last entry, when `follow` was asked.
        public var feeds: [JournalFeed] = []
        /// Entries the headers of the files just opened list, when all were healthy (nil for the
        /// local journal or after a repair).
        var listedEntries: UInt64? = nil
    }

    /// Where the local journal lives.
    public static let systemDirectories = ["/var/log/journal", "/run/log/journal"]

    /// Reads `specs` between `since` and `until`. A journal taking at least `splitAbove` bytes on
    /// disk is read in two halves by time on two threads, joined per unit afterwards.
    public static func load(
        _ specs: [JournalSpec], since: Timestamp? = nil, until: Timestamp? = nil, follow: Bool = false,
        splitAbove: UInt64 = JournalLoader.parallelThreshold
    ) -> Result {
        var result = Result()
        for spec in specs {
            let label = spec.label
            let reader: JournalReader
            result.listedEntries = nil
            do {
                reader = try open(spec, result: &result)
            } catch {
                let problem = SourceProblem(source: label, message: error.description)
                if !result.problems.contains(problem) { result.problems.append(problem) }
                continue
            }
            let bootID: String?
            do {
                bootID = try spec.boot.map { b throws(JournalReader.Error) in try resolveBoot(b, in: reader) }
            } catch {
                result.problems.append(SourceProblem(source: label, message: error.description))
                continue
            }
            addMatches(spec, bootID: bootID, to: reader)
            let memory = JournalCollector.FormatMemory()
            let kept = spec.keptKernelSources
            let collector = JournalCollector(memory: memory, keptKernelSources: kept)
            var scratch = Result()
            if !follow, reader.diskUsage() >= splitAbove,
                let (middle, lower, upper) = middle(of: reader, since: since, until: until),
                let second = try? open(spec, result: &scratch), scratch.problems.isEmpty
            {
                addMatches(spec, bootID: bootID, to: second)
                let later = JournalCollector(memory: JournalCollector.FormatMemory(), keptKernelSources: kept)
                let parts = SendableParts(first: (reader, collector), second: (second, later))
                DispatchQueue.concurrentPerform(iterations: 2) { i in
                    if i == 0 {
                        read(parts.first.0, into: parts.first.1, since: lower, until: Timestamp(nanoseconds: middle.nanoseconds - 1))
                    } else {
                        read(parts.second.0, into: parts.second.1, since: middle, until: upper)
                    }
                }
                collector.absorb(later)
            } else {
                read(reader, into: collector, since: since, until: until)
            }
            // sd-journal drops a damaged file silently at the first bad object; a full read that
            // yields fewer entries than the file headers list says so.
            if let listed = result.listedEntries, spec.units.isEmpty, spec.identifiers.isEmpty, spec.kernelSources.isEmpty, bootID == nil,
                since == nil, until == nil, UInt64(collector.count) < listed
            {
                result.problems.append(SourceProblem(source: label, message:
                    "read \(collector.count) of the \(listed) entries the journal file headers list; the rest is damaged (journalctl stops there too)"))
            }
            let sources = collector.finish(label: label)
            if sources.isEmpty {
                result.notices.append(SourceProblem(source: label, message: emptyMessage(spec, bootID: bootID, since: since, until: until)))
            }
            result.sources += sources
            if follow { result.feeds.append(JournalFeed(reader: reader, label: label, memory: memory, keptKernelSources: kept)) }
        }
        return result
    }

    /// Journals at least this big on disk are read in two halves (by time) on two threads.
    public static let parallelThreshold: UInt64 = 32 << 20

    /// The µs-aligned middle of the entries to read, and the bounds to read between; nil when
    /// there is nothing or a single instant to split.
    static func middle(of reader: JournalReader, since: Timestamp?, until: Timestamp?) -> (Timestamp, Timestamp?, Timestamp?)? {
        reader.seekHead()
        guard reader.next(), let head = reader.realtimeMicroseconds() else { return nil }
        reader.seekTail()
        guard reader.previous(), let tail = reader.realtimeMicroseconds(), tail <= UInt64(Int64.max / 1000) else { return nil }
        let lower = max(Int64(head) * 1000, since?.nanoseconds ?? .min)
        let upper = min(Int64(tail) * 1000, until?.nanoseconds ?? .max)
        guard upper - lower > 2_000 else { return nil }
        let middle = (lower / 2 + upper / 2) / 1000 * 1000
        return (Timestamp(nanoseconds: middle), since, until)
    }

    /// Two readers with their collectors, each used by exactly one thread.
    struct SendableParts: @unchecked Sendable {
        let first: (JournalReader, JournalCollector)
        let second: (JournalReader, JournalCollector)
    }

    /// Reads entries from the reader's position on (or from `since`) up to `until`.
    static func read(_ reader: JournalReader, into collector: JournalCollector, since: Timestamp?, until: Timestamp?) {
        let lower = since?.nanoseconds ?? .min
        let upper = until?.nanoseconds ?? .max
        if let since, since.nanoseconds > 0 {
            reader.seek(realtimeMicroseconds: UInt64(since.nanoseconds / 1000))
        } else {
            reader.seekHead()
        }
        while reader.next() {
            guard let usec = reader.realtimeMicroseconds(), usec <= UInt64(Int64.max / 1000) else { continue }
            let t = Int64(usec) * 1000
            if t < lower { continue }
            if t > upper { break }
            collector.collect(from: reader, timestamp: Timestamp(nanoseconds: t))
        }
    }

    /// `-u` as journalctl does it (the unit's own processes, and systemd's messages about it),
    /// AND any of the `-t` identifiers, AND the boot. `--level` is deliberately not handed down
    /// as `PRIORITY` matches: a unit's message format may give a higher level than `PRIORITY`
    /// (with `StandardOutput=journal` every line has PRIORITY=6), so levels are filtered after.
    /// Kernel sources (`journal-kernel[:MODULE]`) are one more alternative beside the units: the
    /// kernel's messages, narrowed to the module's by the collector.
    static func addMatches(_ spec: JournalSpec, bootID: String?, to reader: JournalReader) {
        var terms = false
        for (k, unit) in spec.units.enumerated() {
            if k > 0 { reader.addDisjunction() }
            reader.addMatch("_SYSTEMD_UNIT=" + unit)
            reader.addDisjunction()
            reader.addMatch("_PID=1")
            reader.addMatch("UNIT=" + unit)
            terms = true
        }
        if !spec.kernelSources.isEmpty {
            if terms { reader.addDisjunction() }
            reader.addMatch("_TRANSPORT=kernel")
            terms = true
        }
        if !spec.identifiers.isEmpty {
            if terms { reader.addConjunction() }
            for id in spec.identifiers { reader.addMatch("SYSLOG_IDENTIFIER=" + id) }
            terms = true
        }
        if let bootID {
            if terms { reader.addConjunction() }
            reader.addMatch("_BOOT_ID=" + bootID)
        }
    }

    static func emptyMessage(_ spec: JournalSpec, bootID: String?, since: Timestamp?, until: Timestamp?) -> String {
        var what = "no entries"
        let names = spec.units + spec.kernelSources.map { "kernel:" + $0 } + spec.identifiers
        if !names.isEmpty { what += " for " + names.joined(separator: ", ") }
        if let bootID { what += " in boot " + bootID }
        if since != nil || until != nil {
            what += " between " + (since.map { RFC3339.format($0) } ?? "the start") + " and " + (until.map { RFC3339.format($0) } ?? "the end")
        }
        return what
    }

    // MARK: Opening

    static func open(_ spec: JournalSpec, result: inout Result) throws(JournalReader.Error) -> JournalReader {
        switch spec.location {
        case .local:
            let files = systemDirectories.flatMap { JournalFileCheck.journalFiles(in: $0) ?? [] }
            guard !files.isEmpty else {
                throw .noJournalFiles(directory: systemDirectories.joined(separator: " or "))
            }
            // sd-journal silently skips files it may not read; say so once.
            if let denied = files.first(where: { access($0, R_OK) != 0 && errno == EACCES }) {
                let readable = files.contains { access($0, R_OK) == 0 }
                let error = JournalReader.Error.permissionDenied(path: "the system journal (" + denied + ")")
                guard readable else { throw error }
                result.problems.append(SourceProblem(source: spec.label, message: error.description + "; showing only the entries this user may read"))
            }
            return try JournalReader.openLocal()
        case .directory(let path):
            guard let files = JournalFileCheck.journalFiles(in: path) else {
                var st = stat()
                if stat(path, &st) != 0 { throw .notFound(path: path) }
                throw .openFailed(what: path, errno: ENOTDIR)
            }
            guard !files.isEmpty else { throw .noJournalFiles(directory: path) }
            if let checked = try openChecked(files, label: spec.label, result: &result) { return checked }
            return try JournalReader.open(directory: path)
        case .files(let patterns):
            var paths: [String] = []
            for p in patterns {
                if RotatedFileSet.isGlob(p) {
                    guard let matched = RotatedFileSet.expandGlob(p) else { throw .notFound(path: p) }
                    paths += matched
                } else {
                    paths.append(p)
                }
            }
            if let checked = try openChecked(paths, label: spec.label, result: &result) { return checked }
            return try JournalReader.open(files: paths)
        }
    }

    /// Checks every file's header; returns nil when all are healthy (the caller opens them by
    /// path), else a reader over the healthy files and repaired copies of the truncated ones, with
    /// a warning per damaged file. Unreadable files are warned about and left out.
    static func openChecked(_ paths: [String], label: String, result: inout Result) throws(JournalReader.Error) -> JournalReader? {
        var descriptors: [Int32] = []
        var temporaryFiles: [String] = []
        var damaged = false
        var listed: UInt64 = 0
        var firstError: JournalReader.Error? = nil
        for path in paths {
            let fd: Int32
            do {
                fd = try JournalFileCheck.openReadOnly(path)
            } catch {
                damaged = true
                firstError = firstError ?? error
                result.problems.append(SourceProblem(source: label, message: error.description))
                continue
            }
            switch JournalFileCheck.health(of: fd) {
            case .healthy:
                listed += JournalFileCheck.listedEntries(of: fd)
                descriptors.append(fd)
            case .truncated(let expected, let actual):
                damaged = true
                do {
                    let (copy, temporaryPath) = try JournalFileCheck.repairedCopy(of: fd, path: path)
                    close(fd)
                    descriptors.append(copy)
                    temporaryFiles.append(temporaryPath)
                    result.problems.append(SourceProblem(
                        source: label,
                        message: "\(path) is truncated (\(actual) of \(expected) bytes); showing the entries before the cut"))
                } catch {
                    close(fd)
                    firstError = firstError ?? error
                    result.problems.append(SourceProblem(source: label, message: error.description))
                }
            case .unreadable(let reason):
                close(fd)
                damaged = true
                let error = JournalReader.Error.unreadable(path: path, reason: reason)
                firstError = firstError ?? error
                result.problems.append(SourceProblem(source: label, message: error.description))
            }
        }
        guard damaged else {
            for fd in descriptors { close(fd) }
            result.listedEntries = listed
            return nil
        }
        guard !descriptors.isEmpty else {
            // Every file failed; each has its line already (the caller does not repeat it).
            throw firstError ?? .noJournalFiles(directory: label)
        }
        return try JournalReader.open(descriptors: descriptors, label: label, temporaryFiles: temporaryFiles)
    }

    // MARK: Boots

    /// A boot id for `-b`: 32 hex digits (dashes allowed) as given, or an offset: 0 the last
    /// boot in the journal, -1 the one before, 1 the first.
    static func resolveBoot(_ text: String, in reader: JournalReader) throws(JournalReader.Error) -> String {
        let hex = text.lowercased().filter { $0 != "-" }
        if hex.count == 32, hex.allSatisfy(\.isHexDigit) { return hex }
        guard let offset = Int(text.hasPrefix("+") ? String(text.dropFirst()) : text) else {
            throw .noSuchBoot("-b takes a boot id (32 hex digits) or an offset like 0, -1 or 1, not '\(text)'")
        }
        let boots = bootsInOrder(reader)
        let index = offset > 0 ? offset - 1 : boots.count - 1 + offset
        guard index >= 0, index < boots.count else {
            throw .noSuchBoot("-b \(text): no boot at that offset; the journal holds \(boots.count) boot(s)")
        }
        return boots[index]
    }

    /// Boot ids ordered by their first entry.
    static func bootsInOrder(_ reader: JournalReader) -> [String] {
        var firsts: [(UInt64, String)] = []
        for id in reader.uniqueValues(of: "_BOOT_ID") {
            reader.flushMatches()
            reader.addMatch("_BOOT_ID=" + id)
            reader.seekHead()
            if reader.next(), let t = reader.realtimeMicroseconds() { firsts.append((t, id)) }
        }
        reader.flushMatches()
        return firsts.sorted { $0.0 < $1.0 }.map(\.1)
    }
}
