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
        if options.remote.listsSomething {
            let displayZone = try zone(options.tz)
            let selectors = options.sources.compactMap { if case .loki(let s) = SourceArgument(parsing: $0) { s } else { nil } }
            let config = try SourceSetup(options: options.setup, environment: environment).config
            _ = try RemoteLoading(options: options.remote, environment: environment, settings: LoadSettings(defaultZone: .utc))
                .list(selectors: selectors, query: try makeQuery(displayZone: displayZone), config: config)
            return 0
        }
        if options.setup.showSources {
            let setup = try SourceSetup(options: options.setup, environment: environment)
            Swift.print(setup.sourcesReport(), terminator: "")
            return 0
        }
        var plan = try planSources()
        plan.settings.timeWindow = targetedWindow(plan.query)
        plan.settings.indexing.correlationIDs = needsCorrelation(plan.query)
        if readsTargeted, plan.journalSpecs.isEmpty, plan.remote.isEmpty,
            plan.remoteLoading?.lokiTargets?.isEmpty ?? true
        {
            plan.settings.requestIDPrescan = plan.query.requestIDs
        }
        let load = plan.load()
        let timeline = load.timeline
        let selected = timeline.select(load.query)
        var out = StdoutBuffer()
        let written = EntryWriter.render(
            selected, timeline: timeline, style: options.output, zone: load.displayZone,
            threads: load.settings.indexing.threads
        ) { block in
            out.flush() && StdoutBuffer.write(block)
        }
        guard written else { return 0 }  // reader went away: stop quietly
        if options.follow.follow {
            let writer = EntryWriter(timeline: timeline, style: options.output, zone: load.displayZone)
            let budget = try options.follow.entryBudget(environment: environment)
            let printer = FollowPrinter(timeline: timeline, feeds: load.feeds(), query: load.query, writer: writer,
                reorderWindow: try options.follow.reorderWindowMilliseconds(), clock: FileFeed.monotonicMilliseconds,
                entryBudget: max(budget, timeline.count))
            guard printer.run(out: &out, printed: selected) else { return 0 }
            if timeline.droppedCount > 0 {
                // Says why memory stayed flat, and which knob keeps more.
                Stderr.line("logview: while following, \(timeline.droppedCount) older entries were dropped from memory (--max-entries/LOGVIEW_MAX_ENTRIES \(budget))")
            }
        }
        return load.problems.isEmpty ? 0 : 1
    }

    /// Whether anything printed depends on correlation keys: JSON names an entry's ids, a request
    /// id selects by them, and following keeps the timeline whole for what arrives later.
    func needsCorrelation(_ query: Query) -> Bool {
        options.output == .json || !query.requestIDs.isEmpty || options.follow.follow
    }

    /// Whether print mode may read only the parts of files a question needs (not while following,
    /// which reads everything; `LOGVIEW_TARGETED=0` turns it off).
    var readsTargeted: Bool { environment["LOGVIEW_TARGETED"] != "0" && !options.follow.follow }

    /// The part of time print mode needs to read, 30 s wider on each side (a line is written a
    /// little after the time it carries): with `--since`/`--until`, no request id (correlation
    /// needs every entry) and no following; `LOGVIEW_TARGETED=0` reads everything.
    func targetedWindow(_ query: Query) -> ClosedRange<Int64>? {
        guard readsTargeted, query.requestIDs.isEmpty,
            query.since != nil || query.until != nil
        else { return nil }
        let slack: Int64 = 30_000_000_000
        let earliest = query.since.map { $0.nanoseconds &- slack } ?? .min
        let latest = query.until.map { $0.nanoseconds &+ slack } ?? .max
        return earliest <= latest ? earliest...latest : nil
    }

    /// Reads the sources named on the command line (else the config's, else discovered ones) into
    /// one timeline (problems go to stderr) and makes the query of the filter flags. Shared by
    /// print mode and the viewer.
    func loadSources() throws -> LoadedSources {
        try planSources().load()
    }

    /// Everything before reading: settings, the sources to read, the query (bad arguments fail here).
    func planSources() throws -> SourcePlan {
        let setup = try SourceSetup(options: options.setup, environment: environment)
        let systemZone = ZoneLoader.system(environment: environment)
        let displayZone = try zone(options.tz == "local" ? setup.config?.defaults.displayZone ?? "local" : options.tz)
        var settings = LoadSettings(defaultZone: systemZone)
        if let z = setup.config?.defaults.sourceZone, z != "local" { settings.defaultZone = try zone(z) }
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
        settings.follow = options.follow.follow
        settings.indexing = IndexingOptions(environment: environment)

        var specs: [SourceSpec] = []
        var demoFiles: DemoCorpus.Written? = nil
        var journalArguments: [String] = []
        var remote: [SourceArgument] = []
        var arguments = options.sources.map(SourceArgument.init(parsing:))
        let journalFlags = !options.journal.units.isEmpty || !options.journal.identifiers.isEmpty || options.journal.boot != nil
        var configuredLoki: [ConfiguredSource] = []  // the config's Loki sources, each to its own endpoint
        if arguments.isEmpty && !options.demo && !journalFlags {
            let found = try setup.defaultSources()
            arguments = found.arguments
            if let config = setup.config, !config.sources.isEmpty { configuredLoki = config.sources.filter { $0.kind == .loki } }
            for (name, z) in found.zones where settings.zones[name] == nil { settings.zones[name] = try? zone(z) }
        }
        for argument in arguments {
            switch argument {
            case .files(let spec): specs.append(spec)
            case .journal(let rest): journalArguments.append(rest)
            case .loki, .gatewayd: remote.append(argument)
            }
        }
        if options.demo {
            let demo = try DemoCorpus.write()
            demoFiles = demo
            specs += demo.specs
            if settings.nginxLogFormat == nil { settings.nginxLogFormat = DemoCorpus.nginxLogFormat }
            settings.defaultZone = DemoCorpus.zone
        }
        let journalSpecs: [JournalSpec]
        do {
            journalSpecs = try JournalSpec.combine(
                journalArguments, units: options.journal.units, identifiers: options.journal.identifiers, boot: options.journal.boot)
        } catch { throw ValidationError("\(error)") }
        guard !specs.isEmpty || !journalSpecs.isEmpty || !remote.isEmpty else {
            throw ValidationError(
                "no sources given and none found (config file or discovery under \(options.setup.root)): name log files, directories or globs, see --show-sources, or try --demo")
        }
        let query = try makeQuery(displayZone: displayZone, configWindow: setup.config?.defaults.window)
        _ = try options.follow.reorderWindowMilliseconds()  // a bad --reorder-window fails before anything loads
        _ = try options.follow.entryBudget(environment: environment)
        var remoteLoading = RemoteLoading(options: options.remote, environment: environment, settings: settings)
        // No --loki/LOKI_ADDR nor a single config endpoint for loki: arguments: a usage error before anything loads.
        let lokiArguments: [String] = configuredLoki.isEmpty ? remote.compactMap { if case .loki(let s) = $0 { s } else { nil } } : []
        remoteLoading.lokiTargets = try LokiTarget.plan(
            selectors: lokiArguments, configured: configuredLoki, config: setup.config,
            options: options.remote, environment: environment)
        return SourcePlan(specs: specs, settings: settings, journalSpecs: journalSpecs,
            demoFiles: demoFiles, query: query, displayZone: displayZone, follow: options.follow.follow,
            remote: remote, remoteLoading: remoteLoading, layout: setup.layout, config: setup.config)
    }

    func zone(_ name: String) throws -> ZoneRules {
        do {
            return try ZoneLoader.zone(named: name, environment: environment)
        } catch {
            throw ValidationError("\(error)")
        }
    }

    func makeQuery(displayZone: ZoneRules, configWindow: String? = nil) throws -> Query {
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
            do { w = try DurationExpression.parse(options.window == "30s" ? configWindow ?? options.window : options.window) } catch { throw ValidationError("\(error)") }
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
        return bytes.withUnsafeBytes { StdoutBuffer.write($0) }
    }

    /// Writes `b` to stdout unbuffered (after a `flush`, so the order holds); false on EPIPE.
    static func write(_ b: UnsafeRawBufferPointer) -> Bool {
        var done = 0
        while done < b.count {
            let n = Glibc.write(1, b.baseAddress! + done, b.count - done)
            if n < 0 {
                if errno == EINTR { continue }
                return false
            }
            done += n
        }
        return true
    }
}
