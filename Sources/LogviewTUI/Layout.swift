/// A rectangle of screen cells.
public struct Rect: Equatable, Sendable {
    public var row: Int
    public var column: Int
    public var height: Int
    public var width: Int

    public init(row: Int, column: Int, height: Int, width: Int) {
        self.row = row
        self.column = column
        self.height = max(height, 0)
        self.width = max(width, 0)
    }
}

/// How panes share the screen: a tree of splits with pane numbers at the leaves. A split gives
/// its first child `first / (first + second)` of its area (halves unless a layout from the config
/// file says otherwise).
public indirect enum Layout: Equatable, Sendable {
    case pane(Int)
    case split(Axis, Layout, Layout, first: Int = 1, second: Int = 1)

    /// The two halves of `area`; side-by-side halves leave one column between them for the divider.
    static func halves(_ area: Rect, _ axis: Axis, first: Int, second: Int) -> (Rect, Rect, divider: Int?) {
        let total = max(first + second, 1)
        switch axis {
        case .sideBySide:
            let left = (area.width - 1) * first / total
            let ra = Rect(row: area.row, column: area.column, height: area.height, width: left)
            let rb = Rect(row: area.row, column: area.column + left + 1, height: area.height, width: area.width - left - 1)
            return (ra, rb, area.column + left)
        case .stacked:
            let upper = area.height * first / total
            let ra = Rect(row: area.row, column: area.column, height: upper, width: area.width)
            let rb = Rect(row: area.row + upper, column: area.column, height: area.height - upper, width: area.width)
            return (ra, rb, nil)
        }
    }

    /// Each pane's rectangle inside `area`.
    public func rects(in area: Rect) -> [Int: Rect] {
        switch self {
        case .pane(let p): return [p: area]
        case .split(let axis, let a, let b, let first, let second):
            let (ra, rb, _) = Layout.halves(area, axis, first: first, second: second)
            return a.rects(in: ra).merging(b.rects(in: rb)) { x, _ in x }
        }
    }

    /// Columns where a side-by-side divider is drawn: (column, row range).
    public func dividers(in area: Rect) -> [(column: Int, rows: Range<Int>)] {
        switch self {
        case .pane: return []
        case .split(let axis, let a, let b, let first, let second):
            let (ra, rb, divider) = Layout.halves(area, axis, first: first, second: second)
            let own = divider.map { [(column: $0, rows: area.row..<(area.row + area.height))] } ?? []
            return own + a.dividers(in: ra) + b.dividers(in: rb)
        }
    }

    /// The tree with pane `p` split in two, the new half showing pane `new`.
    func splitting(_ p: Int, axis: Axis, new: Int) -> Layout {
        switch self {
        case .pane(let q): return q == p ? .split(axis, .pane(q), .pane(new)) : self
        case .split(let a, let l, let r, let first, let second):
            return .split(a, l.splitting(p, axis: axis, new: new), r.splitting(p, axis: axis, new: new), first: first, second: second)
        }
    }

    /// The tree without pane `p` (its sibling takes its place); panes above `p` are renumbered down.
    func removing(_ p: Int) -> Layout {
        switch self {
        case .pane(let q): return .pane(q > p ? q - 1 : q)
        case .split(let a, let l, let r, let first, let second):
            if case .pane(p) = l { return r.removing(p) }
            if case .pane(p) = r { return l.removing(p) }
            return .split(a, l.removing(p), r.removing(p), first: first, second: second)
        }
    }
}
