import LogviewCore
import LogviewSources

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

    /// Sources that could not be read (each one line for stderr).
    var problems: [SourceProblem] { loaded.problems }

    /// The live feeds that follow every source: the files (by name, through rotation) and the journal.
    func feeds() -> [any LiveFeed] {
        [FileFeed(specs: specs, loaded: loaded, settings: settings)] + journalFeeds.map { $0 as any LiveFeed }
    }
}
