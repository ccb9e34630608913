import LogviewCore

/// What one pane shows of the timeline: sources, minimum level, patterns and time bounds.
/// Each pane has its own; pivots narrow every pane on top of it.
public struct PaneFilter: Sendable {
    /// Source numbers hidden in this pane.
    public var hiddenSources: Set<Int> = []
    public var minimumLevel: Level?
    /// Every pattern must match.
    public var include: [Pattern] = []
    /// No pattern may match.
    public var exclude: [Pattern] = []
    public var since: Timestamp?
    public var until: Timestamp?
    /// Request or trace ids given on the command line (`--request-id`).
    public var requestIDs: [String] = []

    public init() {}

    /// Whether nothing is filtered.
    public var isEmpty: Bool {
        hiddenSources.isEmpty && minimumLevel == nil && include.isEmpty && exclude.isEmpty && since == nil
            && until == nil && requestIDs.isEmpty
    }

    /// A short description for the status line, e.g. `level>=warn +"timeout" -nginx`.
    public func summary(sourceNames: [String]) -> String {
        var parts: [String] = []
        if let l = minimumLevel { parts.append("level>=\(l.name)") }
        parts += include.map { "+/\(VisibleText.string($0.source))/" }
        parts += exclude.map { "-/\(VisibleText.string($0.source))/" }
        parts += hiddenSources.sorted().compactMap { $0 < sourceNames.count ? "-\(sourceNames[$0])" : nil }
        if !requestIDs.isEmpty { parts.append("request \(requestIDs.joined(separator: ","))") }
        return parts.joined(separator: " ")
    }

    /// Same filter (patterns compared by their text).
    func sameAs(_ other: PaneFilter) -> Bool {
        hiddenSources == other.hiddenSources && minimumLevel == other.minimumLevel
            && include.map(\.source) == other.include.map(\.source) && exclude.map(\.source) == other.exclude.map(\.source)
            && since == other.since && until == other.until && requestIDs == other.requestIDs
    }
}
