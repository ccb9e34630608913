import ArgumentParser
import LogviewCore
import LogviewSources
import LogviewTUI

#if canImport(Glibc)
import Glibc
#endif

/// The interactive viewer: loads the sources like print mode, turns the filter flags into the
/// first pane's filter, and runs the TUI until the operator quits.
struct ViewerCommand {
    let options: Logview
    let viewer: ViewerOptions
    let environment: [String: String]

    /// Whether the viewer should run: stdout is a terminal and --print was not given.
    static func wanted(_ options: Logview) -> Bool { !options.print && !options.setup.showSources && !options.remote.listsSomething && isatty(1) == 1 }

    func run() throws -> Int32 {
        // Arguments are checked before the screen changes; the sources are read while the viewer is up.
        let plan = try PrintCommand(options: options, environment: environment).planSources()
        let (query, zone) = (plan.query, plan.displayZone)
        var theme = Theme.standard
        var themeProblem: String?
        if let name = viewer.theme {
            do {
                theme = try Theme.load(name)
            } catch {
                themeProblem = "\(error); using the default theme"
                Stderr.line("logview: \(themeProblem!)")
            }
        } else if let config = plan.config, let name = config.themePath {
            // A config mistake stops before the screen opens, like every other one.
            do {
                theme = try Theme.load(name)
            } catch {
                let place = "\(config.path):\(config.defaults.themeLine)"
                // A name that is no theme has no line of its own to point at; a broken file does.
                Stderr.line("logview: \(place): " + (error.line == 0 ? "theme '\(name)': \(error.message)" : "theme: \(error)"))
                if let demo = plan.demoFiles { DemoCorpus.remove(demo) }
                throw ExitCode(78)
            }
        }
        let colour = !viewer.noColor && (environment["NO_COLOR"] ?? "").isEmpty
        var filter = PaneFilter()
        filter.since = query.since
        filter.until = query.until
        filter.requestIDs = query.requestIDs
        filter.include = query.include
        filter.exclude = query.exclude
        filter.minimumLevel = query.minimumLevel
        let loadedBox = LoadedBox()
        // The newest part of the files first (a first screen in milliseconds whatever their
        // size), unless a time range was asked for: that part may not be in it.
        let previewed: (@Sendable () -> Timeline?)? = query.since == nil && query.until == nil && !plan.specs.isEmpty
            ? { @Sendable in Timeline(sources: SourceLoader.preview(plan.specs, settings: plan.settings)) } : nil
        let work: @Sendable (_ report: @escaping @Sendable (BackgroundLoad.Progress) -> Void) -> BackgroundLoad.Outcome = { report in
            let load = plan.load(printProblems: false) { done, total in report(.init(done: done, total: total)) }
            _ = load.timeline.correlation  // link requests here, so the first `r` does not pay for it
            loadedBox.value = load  // before the outcome is published: the run loop reads it after
            return BackgroundLoad.Outcome(timeline: load.timeline, problems: load.problems.map { "\($0)" })
        }
        let loader = BackgroundLoad(preview: previewed, work)
        let budget = try options.follow.entryBudget(environment: environment)
        let signals = SignalWatcher()  // before curses, so ncurses leaves these signals to us
        CrashRestore.arm(terminal: 1)  // even a crash gives the terminal back (stdout is the terminal here)
        defer { CrashRestore.disarm() }
        let backend = try CursesTerminal(theme: theme, colour: colour)
        let size = backend.size
        var app = App(timeline: Timeline(sources: []), zone: zone, filter: filter, rows: size.rows, columns: size.columns)
        app.onlySourceNames = query.sources
        for s in plan.config?.sources ?? [] {
            if let name = s.color, let c = Color(name: name) { app.sourceColors[s.name] = c }
        }
        if let layout = plan.layout { app.arrange(layout, base: filter) }
        if let themeProblem { app.show(message: themeProblem, isError: true) }
        app.entryBudget = budget
        let log = environment["LOGVIEW_RENDER_LOG"].flatMap { RenderLog(path: $0) }
        // With -f the files and the journal are followed once loaded; new entries join the
        // timeline live. Without, `F` starts following the files after the bytes already read.
        var loop = Viewer(app: app, backend: backend, signals: signals, loader: loader, follow: options.follow.follow,
            makeFeeds: { loadedBox.value?.feeds() ?? [] }, renderLog: log)
        // `R` after a long follow: the same load again (the files as they are now), then following on from there.
        // The demo corpus is removed once loaded: there is nothing on disk to read back.
        if plan.demoFiles == nil { loop.readBackLoader = { BackgroundLoad(work) } }
        loop.pacer = FramePacer(interval: FramePacer.interval(environment: environment["LOGVIEW_LIVE_FRAME_MS"]))
        let status = loop.run()
        backend.close()
        // Source problems stay on the terminal after the viewer is gone (when loading finished).
        if loop.isLoaded, let load = loadedBox.value {
            for n in load.notices { Stderr.line("logview: \(n)") }
            for p in load.problems { Stderr.line("logview: \(p)") }
        } else if let demo = plan.demoFiles {
            DemoCorpus.remove(demo)  // quit while loading: the loader would have removed them
        }
        if status != 0 { return status }
        return loop.loadProblems.isEmpty ? 0 : 1
    }
}

/// The loaded sources, handed from the loading thread to the run loop (written before the
/// loader publishes its outcome, read after the run loop has taken it).
final class LoadedBox: @unchecked Sendable {
    var value: LoadedSources?
}
