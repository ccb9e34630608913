import LogviewCore

/// One pane of the timeline: its filter, its rows and where it is scrolled.
public struct Pane: Sendable {
    public var filter: PaneFilter
    public internal(set) var rows: PaneRows
    /// The name a config-file layout gave the pane, shown in its title line.
    public internal(set) var title: String?
    /// Source names the layout gave the pane (also sources that arrive later); empty: as `--source`.
    public internal(set) var wantedSources: Set<String> = []
    /// The selected row.
    public internal(set) var cursor = 0
    /// The first row shown.
    public internal(set) var top = 0
    /// Columns of message text scrolled out to the left.
    public internal(set) var sideScroll = 0
}

/// The open prompt: what it is for and what has been typed.
public struct Prompt: Sendable, Equatable {
    public var kind: PromptKind
    public var text: String
}

/// A line for the operator at the bottom of the screen.
public struct Message: Sendable, Equatable {
    public var text: String
    public var isError: Bool
}

/// The whole state of the viewer, a value (DESIGN.md #6): `apply` gives the next state, `Renderer`
/// draws it. The timeline is shared, read-only here (live entries are added by the run loop,
/// which then calls `timelineGrew`).
public struct App: Sendable {
    public internal(set) var timeline: Timeline
    /// Zone times are shown in.
    public let zone: ZoneRules
    public internal(set) var screenRows: Int
    public internal(set) var screenColumns: Int
    public internal(set) var panes: [Pane]
    public internal(set) var layout: Layout = .pane(0)
    public internal(set) var focus = 0
    /// Active pivots, oldest first.
    public internal(set) var pivots: [Pivot] = []
    /// The panes and focus before each pivot, to pop back to.
    var pivotHistory: [(panes: [Pane], focus: Int)] = []
    /// Half-width of the next `w` pivot.
    public internal(set) var windowHalfWidth = TimeSpan.seconds(5)
    public internal(set) var prompt: Prompt?
    public internal(set) var message: Message?
    public internal(set) var showHelp = false
    public internal(set) var helpScroll = 0
    public internal(set) var showHistogram = false
    public internal(set) var showDetail = false
    /// Lines of the detail pane scrolled out at the top (reset when the selection moves).
    public internal(set) var detailScroll = 0
    public internal(set) var wrap = false
    public internal(set) var expanded: Set<EntryRef> = []
    public internal(set) var search: (pattern: Pattern, backward: Bool)?
    public internal(set) var bookmarks: Set<EntryRef> = []
    /// Whether live sources feed the timeline (following; shown in the status line). `F` turns
    /// it on and off; the run loop reads it to start (or stop polling) the live feeds.
    public var isLive = false
    /// Entries kept in memory while following (`--max-entries`); at least `entryFloor`, the
    /// entries loaded at start, so only live growth is ever dropped (App+Trim).
    public var entryBudget = Int.max
    var entryFloor = 0
    /// `R` was pressed: the run loop reads the sources again from disk (`readBackDone`).
    public internal(set) var readingBack = false
    /// Entries that arrived while the focused pane was not at its newest entry.
    public internal(set) var unseen = 0
    public internal(set) var windowPrefix = false
    public internal(set) var shouldQuit = false
    /// The wall clock at the last key (for relative times in `:goto -5m`); set by the run loop.
    public var now = Timestamp(nanoseconds: 0)
    /// The sources' names (kept in step with the timeline's sources).
    public internal(set) var sourceNames: [String] = []
    /// Digits after the second in the time column.
    var fractionDigits = 0
    /// Width of the source tag column.
    var sourceWidth = 3
    /// Loading in the background: how far it is (nil once the timeline is complete).
    public var loading: BackgroundLoad.Progress?
    /// While a preview of the newest part is shown: each pane's hidden sources from before it.
    var preview: [Set<Int>]?
    /// Whether the timeline shown is a preview of the sources' newest part.
    public var isPreview: Bool { preview != nil }
    /// `--source`: only these sources are shown at start, also sources that arrive later
    /// (loaded in the background, new files while following). Empty: all.
    public var onlySourceNames: Set<String> = []
    /// Colours the config file gives sources by name; the others take the theme's palette.
    public var sourceColors: [String: Color] = [:]

    /// How the tag of source `index` looks: its configured colour, else its palette entry.
    func sourceRole(_ index: Int) -> Role {
        if index < sourceNames.count, let c = sourceColors[sourceNames[index]] { return .configuredSource(c) }
        return .source(index)
    }

    /// A viewer over `timeline` with one pane showing `filter`.
    public init(timeline: Timeline, zone: ZoneRules, filter: PaneFilter = PaneFilter(), rows: Int = 24, columns: Int = 80) {
        self.timeline = timeline
        self.zone = zone
        screenRows = rows
        screenColumns = columns
        panes = [Pane(filter: filter, rows: PaneRows.build(timeline, filter: filter, pivots: []))]
        panes[0].cursor = max(panes[0].rows.count - 1, 0)
        entryFloor = timeline.count
        refreshSourceColumns()
        ensureVisible(0)
    }

    /// Names and column widths from the timeline's sources (again when sources were added).
    mutating func refreshSourceColumns() {
        sourceNames = timeline.sources.map(\.name)
        fractionDigits = min((timeline.sources.map(\.finestPrecision).max() ?? .seconds).fractionDigits, 6)
        sourceWidth = min(max(timeline.sources.map { DisplayWidth.of(VisibleText.string($0.name)) }.max() ?? 1, 3), 12)
    }

    public var focusedPane: Pane { panes[focus] }

    /// Following as the status line shows it: off, live (the focused pane sticks to the newest
    /// entry), or paused (the cursor was moved up) with the entries that arrived since.
    public enum FollowState: Equatable, Sendable {
        case off, live
        case paused(newEntries: Int)
    }

    public var followState: FollowState {
        guard isLive else { return .off }
        let pane = panes[focus]
        return pane.cursor >= pane.rows.count - 1 ? .live : .paused(newEntries: unseen)
    }

    /// The selected entry of a pane, if it has rows.
    public func selectedEntry(_ p: Int) -> EntryRef? {
        let pane = panes[p]
        guard pane.cursor < pane.rows.count else { return nil }
        return timeline.order[pane.rows.position(pane.cursor)]
    }

    /// Whether the screen is too small to draw anything useful.
    public var isTooSmall: Bool { screenRows < 5 || screenColumns < 20 }

    // MARK: Geometry (shared by the reducer and the renderer)

    /// Where everything goes on the screen.
    public struct Frame: Sendable {
        public var banner: Int?
        public var histogram: Rect?
        public var panes: [Int: Rect]
        public var dividers: [(column: Int, rows: Range<Int>)]
        public var detail: Rect?
        public var status: Int
        public var bottom: Int
    }

    public var frame: Frame {
        var top = 0
        var banner: Int?
        if !pivots.isEmpty {
            banner = top
            top += 1
        }
        var histogram: Rect?
        if showHistogram && screenRows >= 12 {
            histogram = Rect(row: top, column: 0, height: 2, width: screenColumns)
            top += 2
        }
        let bottom = max(screenRows - 2, top)
        var area = Rect(row: top, column: 0, height: bottom - top, width: screenColumns)
        var detail: Rect?
        if showDetail && area.height >= 6 {
            let h = max(area.height * 2 / 5, 3)
            detail = Rect(row: bottom - h, column: 0, height: h, width: screenColumns)
            area.height -= h
        }
        return Frame(banner: banner, histogram: histogram, panes: layout.rects(in: area),
            dividers: layout.dividers(in: area), detail: detail, status: screenRows - 2, bottom: screenRows - 1)
    }

    /// The rows of pane `p` that hold entries (below its title line when there are several panes).
    public func contentRect(_ p: Int, in frame: Frame) -> Rect {
        guard var r = frame.panes[p] else { return Rect(row: 0, column: 0, height: 0, width: 0) }
        if panes.count > 1 {
            r.row += 1
            r.height -= 1
        }
        return r
    }

    /// Columns before the message: bookmark mark, time, source, level.
    var messageColumn: Int { 1 + timeWidth + 1 + sourceWidth + 1 + 5 + 1 }

    /// `01-30 14:02:03.123`: month-day, time and the sub-second digits sources have.
    var timeWidth: Int { 14 + (fractionDigits > 0 ? fractionDigits + 1 : 0) }

    /// Screen lines entry row `row` of pane `p` takes at `width` columns, at most `limit`.
    func height(pane p: Int, row: Int, width: Int, limit: Int) -> Int {
        let ref = timeline.order[panes[p].rows.position(row)]
        let messageWidth = max(width - messageColumn, 1)
        var lines = 1
        if wrap {
            let first = EntryText.firstLine(timeline, ref) { bytes in
                VisibleText.width(bytes, limit: messageWidth * limit)
            }
            lines = max((first + messageWidth - 1) / messageWidth, 1)
        }
        if expanded.contains(ref) {
            lines += Int(timeline.sources[ref.source].entries.lineCounts[ref.entry]) - 1
        }
        return min(lines, limit)
    }
}
