import ArgumentParser
import LogviewCore
import LogviewSources

#if canImport(Glibc)
import Glibc
#endif

/// Print mode: load, merge, filter, write entries to stdout; problems to stderr.
struct PrintCommand {
    let options: Logview
    let environment: [String: String]

    /// Runs and returns the exit status: 0, or 1 when a source could not be read.
    func run() throws -> Int32 {
        let systemZone = ZoneLoader.system(environment: environment)
        let displayZone = try zone(options.tz)
        var settings = LoadSettings(defaultZone: systemZone)
        for item in options.sourceZones {
            if let eq = item.firstIndex(of: "="), !item[..<eq].contains("/") {
                settings.zones[String(item[..<eq])] = try zone(String(item[item.index(after: eq)...]))
            } else {
                settings.defaultZone = try zone(item)
            }
        }
        for item in options.formats {
            guard let eq = item.firstIndex(of: "=") else {
                throw ValidationError("--format takes NAME=FORMAT, e.g. nginx=nginx-access")
            }
            settings.formats[String(item[..<eq])] = String(item[item.index(after: eq)...])
        }
        settings.nginxLogFormat = options.nginxLogFormat
        settings.postgresLinePrefix = options.pgLinePrefix

        var specs: [SourceSpec] = []
        var unsupported: [SourceProblem] = []
        var remote: [SourceArgument] = []
        for argument in options.sources.map(SourceArgument.init(parsing:)) {
            switch argument {
            case .files(let spec): specs.append(spec)
            case .journal(let rest):
                unsupported.append(SourceProblem(source: "journal\(rest)", message: "journal sources are not built yet"))
            case .loki, .gatewayd: remote.append(argument)
            }
        }
        if options.demo {
            let demo = try DemoCorpus.write()
            specs += demo.specs
            if settings.nginxLogFormat == nil { settings.nginxLogFormat = DemoCorpus.nginxLogFormat }
            settings.defaultZone = DemoCorpus.zone
        }
        let remoteLoading = RemoteLoading(options: options.remote, environment: environment, settings: settings)
        if try remoteLoading.list(selectors: remote.compactMap { if case .loki(let s) = $0 { s } else { nil } }, query: try makeQuery(displayZone: displayZone)) {
            return 0
        }
        guard !specs.isEmpty || !unsupported.isEmpty || !remote.isEmpty else {
            throw ValidationError("no sources given: name log files, directories or globs (or try --demo)")
        }
        let query = try makeQuery(displayZone: displayZone)

        var loaded = SourceLoader.load(specs, settings: settings)
        loaded.problems += unsupported
        for p in loaded.problems { Stderr.line("logview: \(p)") }
        let timeline = Timeline(sources: loaded.sources)
        let remoteProblems = try remoteLoading.load(remote, query: query, into: timeline)
        for p in remoteProblems { Stderr.line("logview: \(p)") }
        loaded.problems += remoteProblems
        let selected = timeline.select(query)
        let writer = EntryWriter(timeline: timeline, style: options.output, zone: displayZone)
        var out = StdoutBuffer()
        for ref in selected {
            writer.write(ref, to: &out.bytes)
            if out.bytes.count >= 1 << 16, !out.flush() { return 0 }  // reader went away: stop quietly
        }
        _ = out.flush()
        return loaded.problems.isEmpty ? 0 : 1
    }

    func zone(_ name: String) throws -> ZoneRules {
        do {
            return try ZoneLoader.zone(named: name, environment: environment)
        } catch {
            throw ValidationError("\(error)")
        }
    }

    func makeQuery(displayZone: ZoneRules) throws -> Query {
        var q = Query()
        let now = Clock.now()
        func time(_ s: String) throws -> Timestamp {
            do { return try TimeExpression.parse(s, now: now, zone: displayZone) } catch { throw ValidationError("\(error)") }
        }
        if let s = options.since { q.since = try time(s) }
        if let u = options.until { q.until = try time(u) }
        if let a = options.around {
            let center = try time(a)
            let w: TimeSpan
            do { w = try DurationExpression.parse(options.window) } catch { throw ValidationError("\(error)") }
            let lo = center.advanced(by: TimeSpan(nanoseconds: -w.nanoseconds)), hi = center.advanced(by: w)
            q.since = max(q.since ?? lo, lo)
            q.until = min(q.until ?? hi, hi)
        }
        q.requestIDs = options.requestIDs
        do {
            q.include = try options.grep.map { try Pattern($0, caseInsensitive: options.ignoreCase) }
            q.exclude = try options.exclude.map { try Pattern($0, caseInsensitive: options.ignoreCase) }
        } catch {
            throw ValidationError("bad regular expression: \(error)")
        }
        if let l = options.level {
            guard let level = Level(name: l) else {
                throw ValidationError("unknown level '\(l)': use trace, debug, info, notice, warn, error, crit, alert or emerg")
            }
            q.minimumLevel = level
        }
        q.sources = Set(options.onlySources)
        return q
    }
}

/// The wall clock, read once per command (tests pin time through absolute arguments).
enum Clock {
    static func now() -> Timestamp {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Timestamp(seconds: Int64(ts.tv_sec), nanoseconds: Int64(ts.tv_nsec))
    }
}

enum Stderr {
    static func line(_ s: String) {
        var bytes = Array((s + "\n").utf8)
        bytes.withUnsafeMutableBytes { b in _ = write(2, b.baseAddress, b.count) }
    }
}

/// Buffered stdout that reports a closed pipe instead of dying of SIGPIPE.
struct StdoutBuffer {
    var bytes: [UInt8] = []

    init() {
        signal(SIGPIPE, SIG_IGN)
        bytes.reserveCapacity(1 << 17)
    }

    /// Writes everything buffered; false when the reader has gone (EPIPE).
    mutating func flush() -> Bool {
        defer { bytes.removeAll(keepingCapacity: true) }
        return bytes.withUnsafeBytes { b in
            var done = 0
            while done < b.count {
                let n = write(1, b.baseAddress! + done, b.count - done)
                if n < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                done += n
            }
            return true
        }
    }
}
