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

    /// Sources that could not be read (each one line for stderr).
    var problems: [SourceProblem] { loaded.problems }
}
