import ArgumentParser
import LogviewCore

/// `-f/--follow` and its settings.
struct FollowOptions: ParsableArguments {
    @Flag(name: [.short, .long], help: "Keep running and print new entries of every source as they are written.")
    var follow = false

    @Option(name: .customLong("reorder-window"), help: "How long new entries wait for slightly older ones from other sources, so they print in time order (e.g. 250ms, 1s; 0 prints at once).")
    var reorderWindow: String = "250ms"

    @Option(name: .customLong("max-entries"), help: "While following, keep at most this many entries in memory (or as many as were loaded at start, if more); older ones are dropped and the viewer reads them back from disk with R. Default: LOGVIEW_MAX_ENTRIES, else 500000.")
    var maxEntries: Int?

    /// Entries a follow session keeps in memory when nothing says otherwise: a peak of about
    /// 300 MiB at the ~350 bytes an entry read live costs all-in (its text is held in memory, and
    /// up to budget·5/4 entries plus one read batch are held before a trim), see README.
    static let defaultMaxEntries = 500_000

    /// The entry budget of a follow session: `--max-entries`, else `LOGVIEW_MAX_ENTRIES`, else the default.
    func entryBudget(environment: [String: String]) throws -> Int {
        if let n = maxEntries {
            guard n > 0 else { throw ValidationError("--max-entries must be at least 1") }
            return n
        }
        guard let text = environment["LOGVIEW_MAX_ENTRIES"], !text.isEmpty else { return FollowOptions.defaultMaxEntries }
        guard let n = Int(text), n > 0 else { throw ValidationError("LOGVIEW_MAX_ENTRIES must be a whole number of entries, at least 1 (it is '\(text)')") }
        return n
    }

    /// The reorder window in milliseconds.
    func reorderWindowMilliseconds() throws -> Int64 {
        do {
            let span = try DurationExpression.parse(reorderWindow)
            guard span.nanoseconds >= 0 else { throw ValidationError("--reorder-window cannot be negative") }
            return span.nanoseconds / 1_000_000
        } catch let e as ValidationError {
            throw e
        } catch {
            throw ValidationError("--reorder-window: \(error)")
        }
    }
}
