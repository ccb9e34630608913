import LogviewCore

#if canImport(Glibc)
import Glibc
#endif

/// The run loop: waits in `poll` on the keyboard, the signal descriptor and every live feed's
/// descriptors; turns keys into commands, pumps feeds, and shows the new screen. Nothing polls
/// on a timer while idle.
public struct Viewer {
    public var app: App
    public let backend: any TerminalBackend
    public let signals: SignalWatcher?
    /// The live feeds while following (pumped only while `app.isLive`).
    public private(set) var feeds: [any LiveFeed]
    /// Makes the live feeds the first time following starts (`F` in a viewer opened without -f).
    var makeFeeds: (() -> [any LiveFeed])?
    /// Per-key timing for benchmarks (`LOGVIEW_RENDER_LOG`).
    public let renderLog: RenderLog?
    /// Holds back frames for live updates so a burst of lines is drawn at most ~40 times a
    /// second; keys are still answered at once.
    public var pacer = FramePacer()

    /// A viewer following `feeds` from the start (when there are any). `makeFeeds`, when given,
    /// makes them once the operator starts following with `F`.
    public init(app: App, backend: any TerminalBackend, signals: SignalWatcher?, feeds: [any LiveFeed],
        makeFeeds: (() -> [any LiveFeed])? = nil, renderLog: RenderLog?)
    {
        self.app = app
        self.backend = backend
        self.signals = signals
        self.feeds = feeds
        self.makeFeeds = feeds.isEmpty ? makeFeeds : nil
        self.feedMaker = makeFeeds
        self.renderLog = renderLog
        self.app.isLive = !feeds.isEmpty
    }

    /// The sources being loaded (started by `run`); the viewer answers keys meanwhile.
    var loader: BackgroundLoad?
    /// Makes the feeds again for a timeline read back from disk (`R`).
    let feedMaker: (() -> [any LiveFeed])?
    /// Makes a loader that reads the sources again (`R` after a long follow dropped entries);
    /// nil: `R` says it cannot.
    public var readBackLoader: (() -> BackgroundLoad)?
    /// The read back running, if any.
    var readBack: BackgroundLoad?

    /// A viewer that opens at once over an empty timeline while `loader` reads the sources;
    /// `follow` starts following (`makeFeeds`) once they are loaded.
    public init(app: App, backend: any TerminalBackend, signals: SignalWatcher?, loader: BackgroundLoad,
        follow: Bool, makeFeeds: @escaping () -> [any LiveFeed], renderLog: RenderLog?)
    {
        self.init(app: app, backend: backend, signals: signals, feeds: [], makeFeeds: makeFeeds, renderLog: renderLog)
        self.loader = loader
        self.app.isLive = follow
        self.app.loading = BackgroundLoad.Progress(done: 0, total: 0)
    }

    /// The problems loading reported (after the outcome was taken).
    public private(set) var loadProblems: [String] = []

    /// Whether the sources are all there (no loader, or it is done).
    public var isLoaded: Bool { loader?.isFinished ?? true }

    /// Takes the loader's progress, and its timeline when it is done.
    mutating func takeLoad() {
        guard let loader else { return }
        let (progress, preview, outcome) = loader.take()
        if let preview { app.previewed(preview) }
        if let outcome {
            app.loaded(outcome.timeline)
            loadProblems = outcome.problems
            if let first = outcome.problems.first {
                app.show(message: first + (outcome.problems.count > 1 ? " (and \(outcome.problems.count - 1) more)" : ""), isError: true)
            }
        } else {
            app.loading = progress
        }
        draw()
    }

    /// Makes the feeds when following was switched on and none exist yet.
    mutating func startFeedsIfWanted() {
        guard app.isLive, feeds.isEmpty, isLoaded else { return }
        guard let make = makeFeeds else {
            app.isLive = false
            app.show(message: "nothing to follow", isError: true)
            draw()
            return
        }
        makeFeeds = nil
        feeds = make()
    }

    /// Runs until the operator quits or a terminating signal arrives; returns the exit status
    /// (0, or 128 + the signal). The caller restores the terminal (`backend.suspend()`).
    public mutating func run() -> Int32 {
        let size = backend.size
        app.apply(.resize(rows: size.rows, columns: size.columns))
        draw()
        loader?.start()
        while !app.shouldQuit {
            startFeedsIfWanted()
            let live = app.isLive ? feeds : []
            var fds = [pollfd(fd: backend.inputDescriptor, events: Int16(POLLIN), revents: 0)]
            if let s = signals { fds.append(pollfd(fd: s.descriptor, events: Int16(POLLIN), revents: 0)) }
            var loaderSlot: Int?
            if let loader, !loader.isFinished {
                loaderSlot = fds.count
                fds.append(pollfd(fd: loader.descriptor, events: Int16(POLLIN), revents: 0))
            }
            var feedSlots: [(feed: Int, slot: Int)] = []
            var timeout: Int32 = -1  // poll's "no limit"
            func waitAtMost(_ ms: Int32) { timeout = timeout < 0 ? ms : min(timeout, ms) }
            for (f, feed) in live.enumerated() {
                for d in feed.descriptors {
                    feedSlots.append((f, fds.count))
                    fds.append(pollfd(fd: d, events: Int16(POLLIN), revents: 0))
                }
                // An overdue deadline is negative: poll must then return at once, not wait forever.
                if let ms = feed.deadline { waitAtMost(Int32(clamping: max(ms, 0))) }
            }
            // Without its wake-up pipe (out of descriptors) the loader is looked at every 100 ms.
            if let slot = loaderSlot, fds[slot].fd < 0 { waitAtMost(100) }
            var readBackSlot: Int?
            if let readBack {
                readBackSlot = fds.count
                fds.append(pollfd(fd: readBack.descriptor, events: Int16(POLLIN), revents: 0))
                if readBack.descriptor < 0 { waitAtMost(100) }
            }
            if let ms = pacer.timeout { waitAtMost(ms) }
            let ready = poll(&fds, nfds_t(fds.count), timeout)
            if ready < 0 && errno != EINTR { return 1 }
            if signals != nil && fds[1].revents != 0, let status = handleSignals() { return status }
            if fds[0].revents & Int16(POLLHUP | POLLERR | POLLNVAL) != 0 && fds[0].revents & Int16(POLLIN) == 0 { return 0 }
            if fds[0].revents != 0 { handleKeys() }
            if app.readingBack && readBack == nil && !app.shouldQuit { startReadBack() }
            if let slot = readBackSlot, fds[slot].revents != 0 || fds[slot].fd < 0, !app.shouldQuit { takeReadBack() }
            if let slot = loaderSlot, fds[slot].revents != 0 || fds[slot].fd < 0, !app.shouldQuit { takeLoad() }
            if !live.isEmpty && app.isLive {
                var due = Set<Int>()
                for (f, slot) in feedSlots where fds[slot].revents != 0 { due.insert(f) }
                if ready == 0 { for (f, feed) in live.enumerated() where feed.deadline != nil { due.insert(f) } }
                pump(due)
            }
            // A frame held back while lines kept coming is drawn once its interval has passed,
            // whether or not more lines came.
            if pacer.isDue && !app.shouldQuit { drawLive() }
        }
        return 0
    }

    /// Shows the app's screen; it then shows every change so far, so no held frame is due.
    mutating func draw() {
        backend.show(Renderer.render(app))
        pacer.drawn()
    }

    /// Draws the frame for live updates (timed in the render log, for the burst benchmark).
    mutating func drawLive() {
        let start = RenderLog.clock()
        draw()
        renderLog?.recordLiveFrame(since: start)
    }

    mutating func handleKeys() {
        for key in backend.readKeys() {
            let start = RenderLog.clock()
            app.now = Timestamp(nanoseconds: RenderLog.wallClock())
            app.handle(key)
            if app.shouldQuit { return }
            draw()
            renderLog?.record(key, since: start)
        }
    }

    /// Returns an exit status when a signal ends the viewer.
    mutating func handleSignals() -> Int32? {
        guard let signals else { return nil }
        for s in signals.take() {
            switch s {
            case SIGINT, SIGTERM, SIGHUP:
                return 128 + s
            case SIGTSTP:
                backend.suspend()
                signals.stopProcess()
                backend.resume()
                draw()
            case SIGCONT:
                backend.resume()
                draw()
            case SIGWINCH:
                let size = backend.updateSize()
                app.handle(.resize(rows: size.rows, columns: size.columns))
                draw()
            default:
                break
            }
        }
        return nil
    }

    mutating func pump(_ due: Set<Int>) {
        // The generation also changes when a feed only extends an entry already shown.
        let generation = app.timeline.generation
        var problems: [String] = []
        for f in due.sorted() {
            _ = feeds[f].pump(into: app.timeline)
            problems += feeds[f].takeProblems()
            // The generation already tells that entries grew; taking them keeps the feed's list bounded.
            _ = feeds[f].takeExtendedEntries()
        }
        let grew = app.timeline.generation != generation
        if grew {
            app.timelineGrew()
            app.trimIfFollowing()
        }
        if let last = problems.last { app.message = Message(text: VisibleText.string(last), isError: true) }
        if (grew || !problems.isEmpty) && pacer.changed() { drawLive() }
    }

    /// `R`: reads the sources again in the background; the old timeline stays on screen (and
    /// keeps following) until the new one is there.
    mutating func startReadBack() {
        guard let make = readBackLoader else {
            app.readingBack = false
            app.show(message: "these sources cannot be read back", isError: true)
            draw()
            return
        }
        let load = make()
        readBack = load
        load.start()
        draw()
    }

    /// Takes the timeline read back, once it is there; the live feeds start again after what it read.
    mutating func takeReadBack() {
        guard let load = readBack else { return }
        let (_, _, outcome) = load.take()
        guard let outcome else { return }
        readBack = nil
        app.readBackDone(outcome.timeline)
        if !feeds.isEmpty, let make = feedMaker { feeds = make() }
        if let first = outcome.problems.first { app.show(message: first, isError: true) }
        draw()
    }
}
