/// A named arrangement of panes (`logview --layout incident`): a tree of splits whose leaves are
/// panes, each showing the timeline through its own filter.
///
/// Pure data, read from the config file by LogviewSources and drawn by the viewer. Lives in the
/// core so the viewer can consume it without depending on the sources layer.
public struct PaneLayout: Equatable, Sendable {
    public var name: String
    public var root: Node

    public init(name: String, root: Node) {
        self.name = name
        self.root = root
    }

    /// How a split divides its area among its children.
    public enum Axis: String, Equatable, Sendable {
        /// Children side by side, left to right.
        case vertical
        /// Children stacked, top to bottom.
        case horizontal
    }

    public indirect enum Node: Equatable, Sendable {
        /// A pane; `weight` is its share of the parent's area relative to its siblings.
        case pane(PaneFilter, weight: Int)
        /// At least two children, in reading order.
        case split(Axis, [Node], weight: Int)

        public var weight: Int {
            switch self {
            case .pane(_, let w), .split(_, _, let w): w
            }
        }

        /// The panes in reading order (depth first).
        public var panes: [PaneFilter] {
            switch self {
            case .pane(let f, _): [f]
            case .split(_, let children, _): children.flatMap(\.panes)
            }
        }
    }
}

/// What one pane shows: entries of some sources, at or above a level, matching a pattern.
public struct PaneFilter: Equatable, Sendable {
    /// Shown in the pane's border; nil: the viewer names it after its sources.
    public var title: String?
    /// Source names; empty: every source.
    public var sources: [String]
    public var minimumLevel: Level?
    /// A regular expression entries must match (as `--grep`), nil: all.
    public var grep: String?
    /// A regular expression entries must not match (as `--exclude`), nil: none excluded.
    public var exclude: String?

    public init(
        title: String? = nil, sources: [String] = [], minimumLevel: Level? = nil, grep: String? = nil,
        exclude: String? = nil
    ) {
        self.title = title
        self.sources = sources
        self.minimumLevel = minimumLevel
        self.grep = grep
        self.exclude = exclude
    }
}
