import LogviewCore
import LogviewSources
import Synchronization

/// What print mode and the viewer both start from: the sources read into one timeline, the
/// query of the filter flags, and what a live feed needs to follow the same sources.
struct LoadedSources {
    var timeline: Timeline
    var query: Query
    var displayZone: ZoneRules
    var specs: [SourceSpec]
    var settings: LoadSettings
    var loaded: SourceLoader.Result
    /// Journal feeds opened at the journal's tail (only when following).
    var journalFeeds: [JournalFeed] = []
    /// Loki tails and gatewayd follows from the end of their history (only when following).
    var remoteFeeds: [any LiveFeed] = []
    /// Journal notices not printed yet (the viewer prints them when it closes).
    var notices: [String] = []

    /// Sources that could not be read (each one line for stderr).
    var problems: [SourceProblem] { loaded.problems }

    /// The live feeds that follow every source: the files (by name, through rotation) and the journal.
    func feeds() -> [any LiveFeed] {
        [FileFeed(specs: specs, loaded: loaded, settings: settings)] + journalFeeds.map { $0 as any LiveFeed } + remoteFeeds
    }
}

/// What to read, decided from the arguments before anything is read (`PrintCommand.planSources`):
/// print mode loads it at once, the viewer in the background while it is already up.
struct SourcePlan: @unchecked Sendable {  // values only (DemoCorpus.Written: paths), read by one thread at a time
    var specs: [SourceSpec]
    var settings: LoadSettings
    var journalSpecs: [JournalSpec]
    var demoFiles: DemoCorpus.Written?
    var query: Query
    var displayZone: ZoneRules
    var follow: Bool
    /// Loki selectors and gatewayd URLs, fetched into the timeline after the local sources.
    var remote: [SourceArgument] = []
    var remoteLoading: RemoteLoading? = nil
    /// `--layout` (or the config's default layout): the viewer's panes; print mode ignores it.
    var layout: PaneLayout? = nil
    /// The config file, for the viewer's theme and source colours.
    var config: ConfigFile? = nil

    /// Reads, indexes and merges every source. `printProblems`: source problems and journal notices
    /// go to stderr at once (print mode; the viewer shows them itself and prints them on exit).
    /// `progress` gets (steps done, steps in all): each file set is one, the journal one more.
    func load(printProblems: Bool = true, progress: (@Sendable (_ done: Int, _ total: Int) -> Void)? = nil) -> LoadedSources {
        let journalSteps = journalSpecs.isEmpty ? 0 : 1
        let fileSteps = Mutex(0)
        var fileProgress: (@Sendable (Int, Int) -> Void)?
        if let progress {
            fileProgress = { done, total in
                fileSteps.withLock { $0 = total }
                progress(done, total + journalSteps)
            }
        }
        // A request's targeted read correlates as it reads: it hands back the timeline it built.
        let read: (SourceLoader.Result, Timeline?) =
            settings.requestIDPrescan.isEmpty
            ? (SourceLoader.load(specs, settings: settings, progress: fileProgress), nil)
            : SourceLoader.loadRequest(specs, settings: settings, progress: fileProgress)
        var loaded = read.0
        let requestTimeline = read.1
        if let demoFiles { DemoCorpus.remove(demoFiles) }  // indexed; open descriptors keep the bytes readable
        let journal = JournalLoader.load(journalSpecs, since: query.since, until: query.until, follow: follow)
        for source in journal.sources { requestTimeline?.addSource(source) }
        loaded.sources += journal.sources
        loaded.problems += journal.problems
        var notices = journal.notices.map { "\($0)" }
        if journalSteps > 0, let progress {
            let files = fileSteps.withLock { $0 }
            progress(files + 1, files + 1)
        }
        let timeline = requestTimeline ?? Timeline(sources: loaded.sources)
        var remoteFeeds: [any LiveFeed] = []
        if !remote.isEmpty, let remoteLoading {
            do {
                let fetched = try remoteLoading.load(remote, query: query, into: timeline, follow: follow)
                loaded.problems += fetched.problems
                remoteFeeds = fetched.feeds
            } catch {
                loaded.problems.append(SourceProblem(source: "remote", message: "\(error)"))
            }
        }
        if printProblems {
            for n in notices { Stderr.line("logview: \(n)") }
            for p in loaded.problems { Stderr.line("logview: \(p)") }
            notices = []
        }
        return LoadedSources(timeline: timeline, query: query, displayZone: displayZone,
            specs: specs, settings: settings, loaded: loaded, journalFeeds: journal.feeds, remoteFeeds: remoteFeeds,
            notices: notices)
    }
}
