import LogviewCore

#if canImport(Glibc)
import Glibc
#endif

/// Print mode with `--follow`: waits in `poll` on the feeds' descriptors, a signal pipe and (when
/// stdout is a pipe) stdout itself, and prints new entries that pass the query.
///
/// Entries wait in a reorder buffer so entries of different sources that arrive close together
/// come out in time order: an entry is printed once every other source has delivered something at
/// least as new or has gone quiet (delivered nothing at a pump `settle` after the entry arrived:
/// a source that is not written holds nobody back), or after `reorderWindow` at the latest. An
/// older entry that arrives after that is printed when it arrives, never dropped.
struct FollowPrinter {
    let timeline: Timeline
    let feeds: [any LiveFeed]
    let query: Query
    let writer: EntryWriter
    /// Milliseconds an entry may wait for older ones.
    let reorderWindow: Int64
    let clock: () -> Int64
    /// Entries kept in memory (`--max-entries`, never fewer than were loaded at start): beyond it
    /// the oldest are dropped, so a follow that runs for days stays bounded. Entries waiting to be
    /// printed are never dropped.
    var entryBudget = Int.max

    /// A held entry, when it arrived (ms) and at which pump.
    private struct Held {
        var ref: EntryRef
        var time: Int64
        var arrived: Int64
        var pump: Int
    }

    /// How long after an entry arrived a source that delivered nothing since counts as quiet:
    /// time for a write made together with the entry's (another file, a moment later) to be seen.
    var settle: Int64 { min(reorderWindow, 50) }

    /// Runs until SIGINT/SIGTERM or until stdout's reader goes away; returns false in the latter case.
    /// `printed` are the entries already printed (the initial selection).
    func run(out: inout StdoutBuffer, printed initial: [EntryRef]) -> Bool {
        let signals = SignalPipe.install()
        var held: [Held] = []
        var newest = [Int64](repeating: .min, count: timeline.sources.count)
        for (s, src) in timeline.sources.enumerated() where src.entries.count > 0 {
            newest[s] = src.entries.timestamps[src.entry(atTimeRank: src.entries.count - 1)]
        }
        // For request-id queries: entries printed or waiting, as correlation can link more later.
        var shown = query.requestIDs.isEmpty ? Set<EntryRef>() : Set(initial)
        // Per source, the entry printed last (the one later lines can still extend).
        var lastPrinted: [Int: EntryRef] = [:]
        for ref in initial { lastPrinted[ref.source] = ref }
        // The entry printed last of all and how many of its lines were printed: lines that join it
        // later continue it in text output, as they would under `tail -f`.
        var lastOutput = initial.last.map { (ref: $0, lines: Int(timeline.sources[$0.source].entries.lineCounts[$0.entry])) }
        let watchStdout = FollowPrinter.isPipe(1)
        // Column widths depend on the sources: a source added while following gets a new writer.
        var writer = self.writer
        var writerSources = timeline.sources.count
        // Pumps so far, when the last one ran, and the last pump at which each source delivered.
        var pumps = 0
        var lastPumpTime = Int64.min
        var lastActivePump = [Int](repeating: 0, count: timeline.sources.count)

        func hold(_ ref: EntryRef, now: Int64) {
            let t = timeline.timestamp(ref).nanoseconds
            // Keep `held` in timeline order (time, then source and position).
            var lo = 0, hi = held.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if held[mid].time < t || (held[mid].time == t && held[mid].ref < ref) { lo = mid + 1 } else { hi = mid }
            }
            held.insert(Held(ref: ref, time: t, arrived: now, pump: pumps), at: lo)
        }

        func release(now: Int64, all: Bool) -> Bool {
            // Print the longest prefix that ends in an entry that may go: its window is over, or no
            // other source can still deliver something older.
            var last = -1
            for (i, h) in held.enumerated() {
                if all || now - h.arrived >= reorderWindow || overtakenByAll(h) { last = i }
            }
            guard last >= 0 else { return true }
            for h in held[0...last] {
                writer.write(h.ref, to: &out.bytes)
                lastPrinted[h.ref.source] = h.ref
                lastOutput = (h.ref, Int(timeline.sources[h.ref.source].entries.lineCounts[h.ref.entry]))
            }
            held.removeFirst(last + 1)
            return out.flush()
        }

        func overtakenByAll(_ h: Held) -> Bool {
            let settled = lastPumpTime - h.arrived >= settle
            for s in newest.indices where s != h.ref.source && newest[s] < h.time {
                // Not overtaken by s, but s has been quiet since the entry came: nothing to wait for.
                if settled && lastActivePump[s] <= h.pump { continue }
                return false
            }
            return true
        }

        /// Drops the oldest entries over the budget, keeping every held one, and carries the
        /// references into the trimmed timeline (the printed output does not change).
        func trim() {
            var budget = entryBudget
            if let first = held.first, let p = timeline.position(of: first.ref) { budget = max(budget, timeline.count - p) }
            guard let step = timeline.dropOldest(keeping: budget) else { return }
            for i in held.indices { held[i].ref = step.map(held[i].ref)! }
            shown = Set(shown.compactMap { step.map($0) })
            lastPrinted = lastPrinted.compactMapValues { step.map($0) }
            lastOutput = lastOutput.flatMap { o in step.map(o.ref).map { (ref: $0, lines: o.lines) } }
        }

        while true {
            var fds: [pollfd] = [pollfd(fd: signals.descriptor, events: Int16(POLLIN), revents: 0)]
            if watchStdout { fds.append(pollfd(fd: 1, events: 0, revents: 0)) }
            for feed in feeds {
                for d in feed.descriptors { fds.append(pollfd(fd: d, events: Int16(POLLIN), revents: 0)) }
            }
            var timeout: Int64 = -1
            func consider(_ ms: Int64) { timeout = timeout < 0 ? max(0, ms) : min(timeout, max(0, ms)) }
            for feed in feeds { if let d = feed.deadline { consider(Int64(d)) } }
            let now = clock()
            for h in held {
                consider(h.arrived + reorderWindow - now)
                // One pump after the settle time tells whether the other sources have gone quiet.
                if lastPumpTime < h.arrived + settle { consider(h.arrived + settle - now) }
            }
            let ready = poll(&fds, nfds_t(fds.count), Int32(clamping: timeout))
            if ready < 0 && errno != EINTR { return true }
            if fds[0].revents != 0 {
                // SIGINT/SIGTERM: print what is waiting, then stop cleanly.
                return release(now: clock(), all: true)
            }
            if watchStdout, fds[1].revents & Int16(POLLERR | POLLHUP) != 0 { return false }
            let pumped = clock()
            pumps += 1
            lastPumpTime = pumped
            for feed in feeds {
                let added = feed.pump(into: timeline)
                for p in feed.takeProblems() { Stderr.line("logview: \(p)") }
                while newest.count < timeline.sources.count { newest.append(.min) }
                while lastActivePump.count < timeline.sources.count { lastActivePump.append(0) }
                for ref in added {
                    lastActivePump[ref.source] = pumps
                    let t = timeline.timestamp(ref).nanoseconds
                    if t > newest[ref.source] { newest[ref.source] = t }
                    if query.requestIDs.isEmpty, timeline.passesFilters(ref, query) { hold(ref, now: pumped) }
                }
                let extended = feed.takeExtendedEntries()
                for ref in extended { lastActivePump[ref.source] = pumps }
                for ref in extended where lastPrinted[ref.source] == ref {
                    guard query.requestIDs.isEmpty ? timeline.passesFilters(ref, query) : shown.contains(ref) else { continue }
                    if writer.style == .text, let last = lastOutput, last.ref == ref {
                        // Nothing was printed since: the new lines simply continue it.
                        writer.writeContinuation(ref, fromLine: last.lines, to: &out.bytes)
                        lastOutput = (ref, Int(timeline.sources[ref.source].entries.lineCounts[ref.entry]))
                        if !out.flush() { return false }
                    } else {
                        // Other entries came between (or JSON): print it again, whole, as an update.
                        hold(ref, now: pumped)
                    }
                }
            }
            if writerSources != timeline.sources.count {
                writer = EntryWriter(timeline: timeline, style: writer.style, zone: writer.zone)
                writerSources = timeline.sources.count
            }
            if !query.requestIDs.isEmpty {
                for ref in timeline.entries(ofRequests: query.requestIDs) where !shown.contains(ref) {
                    shown.insert(ref)
                    if timeline.passesFilters(ref, query) { hold(ref, now: pumped) }
                }
            }
            if !release(now: clock(), all: false) { return false }
            trim()
        }
    }

    static func isPipe(_ fd: Int32) -> Bool {
        var st = stat()
        return fstat(fd, &st) == 0 && (st.st_mode & S_IFMT) == S_IFIFO
    }
}

/// SIGINT and SIGTERM turned into a readable byte on a pipe, so the poll loop can stop cleanly.
struct SignalPipe {
    let descriptor: Int32

    static func install() -> SignalPipe {
        var ends: [Int32] = [-1, -1]
        _ = pipe(&ends)
        for fd in ends {
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        }
        signalPipeWriteEnd = ends[1]
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in
            var byte: UInt8 = 1
            _ = write(signalPipeWriteEnd, &byte, 1)
        }
        sigemptyset(&action.sa_mask)
        action.sa_flags = SA_RESTART
        sigaction(SIGINT, &action, nil)
        sigaction(SIGTERM, &action, nil)
        return SignalPipe(descriptor: ends[0])
    }
}

/// The signal handler's only way out is a global: the write end of the signal pipe.
nonisolated(unsafe) private var signalPipeWriteEnd: Int32 = -1
