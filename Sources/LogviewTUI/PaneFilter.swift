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

/// A pivot: a narrowing applied to every pane at once. Pivots stack.
public enum Pivot: Sendable, Equatable {
    /// The entries of one request (its ids, the ids linked to them and the entries linked to it).
    case request(group: UInt32, label: String)
    /// Entries within `halfWidth` of `center`.
    case window(center: Timestamp, halfWidth: TimeSpan)

    public var summary: String {
        switch self {
        case .request(_, let label): return "request \(label)"
        case .window(let center, let w): return "window \(RFC3339.format(center).prefix(23)) ±\(TimeSpanText.format(w))"
        }
    }
}

/// Short human text for a span: `5s`, `1m30s`, `250ms`.
public enum TimeSpanText {
    public static func format(_ span: TimeSpan) -> String {
        let ns = span.nanoseconds
        if ns % 1_000_000_000 != 0 { return "\(ns / 1_000_000)ms" }
        var s = ns / 1_000_000_000
        var out = ""
        if s >= 3600 {
            out += "\(s / 3600)h"
            s %= 3600
        }
        if s >= 60 {
            out += "\(s / 60)m"
            s %= 60
        }
        if s > 0 || out.isEmpty { out += "\(s)s" }
        return out
    }
}
