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
    static func wanted(_ options: Logview) -> Bool { !options.print && !options.setup.showSources && isatty(1) == 1 }

    func run() throws -> Int32 {
        let load = try PrintCommand(options: options, environment: environment).loadSources()
        let (timeline, query, zone, problems) = (load.timeline, load.query, load.displayZone, load.problems)
        var theme = Theme.standard
        var themeProblem: String?
        if let name = viewer.theme {
            do {
                theme = try Theme.load(name)
            } catch {
                themeProblem = "\(error); using the default theme"
                Stderr.line("logview: \(themeProblem!)")
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
        if !query.sources.isEmpty {
            filter.hiddenSources = Set(timeline.sources.indices.filter { !query.sources.contains(timeline.sources[$0].name) })
        }
        let signals = SignalWatcher()  // before curses, so ncurses leaves these signals to us
        CrashRestore.arm(terminal: 1)  // even a crash gives the terminal back (stdout is the terminal here)
        defer { CrashRestore.disarm() }
        let backend = try CursesTerminal(theme: theme, colour: colour)
        let size = backend.size
        var app = App(timeline: timeline, zone: zone, filter: filter, rows: size.rows, columns: size.columns)
        if let themeProblem {
            app.show(message: themeProblem, isError: true)
        } else if let first = problems.first {
            app.show(message: "\(first)" + (problems.count > 1 ? " (and \(problems.count - 1) more)" : ""), isError: true)
        }
        let log = environment["LOGVIEW_RENDER_LOG"].flatMap { RenderLog(path: $0) }
        // With -f the files and the journal are followed; new entries join the timeline live.
        // Without, `F` starts following the files after the bytes already read.
        let feeds = options.follow.follow ? load.feeds() : []
        var loop = Viewer(app: app, backend: backend, signals: signals, feeds: feeds, makeFeeds: { load.feeds() }, renderLog: log)
        let status = loop.run()
        backend.close()
        if status != 0 { return status }
        return problems.isEmpty ? 0 : 1
    }
}
