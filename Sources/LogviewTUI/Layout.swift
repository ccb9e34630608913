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

/// How panes share the screen: a tree of splits with pane numbers at the leaves.
public indirect enum Layout: Equatable, Sendable {
    case pane(Int)
    case split(Axis, Layout, Layout)

    /// Each pane's rectangle inside `area`. Side-by-side halves leave one column between them
    /// for the divider.
    public func rects(in area: Rect) -> [Int: Rect] {
        switch self {
        case .pane(let p): return [p: area]
        case .split(.sideBySide, let a, let b):
            let left = (area.width - 1) / 2
            let ra = Rect(row: area.row, column: area.column, height: area.height, width: left)
            let rb = Rect(row: area.row, column: area.column + left + 1, height: area.height, width: area.width - left - 1)
            return a.rects(in: ra).merging(b.rects(in: rb)) { x, _ in x }
        case .split(.stacked, let a, let b):
            let upper = area.height / 2
            let ra = Rect(row: area.row, column: area.column, height: upper, width: area.width)
            let rb = Rect(row: area.row + upper, column: area.column, height: area.height - upper, width: area.width)
            return a.rects(in: ra).merging(b.rects(in: rb)) { x, _ in x }
        }
    }

    /// Columns where a side-by-side divider is drawn: (column, row range).
    public func dividers(in area: Rect) -> [(column: Int, rows: Range<Int>)] {
        switch self {
        case .pane: return []
        case .split(let axis, let a, let b):
            if axis == .sideBySide {
                let left = (area.width - 1) / 2
                let ra = Rect(row: area.row, column: area.column, height: area.height, width: left)
                let rb = Rect(row: area.row, column: area.column + left + 1, height: area.height, width: area.width - left - 1)
                return [(area.column + left, area.row..<(area.row + area.height))] + a.dividers(in: ra) + b.dividers(in: rb)
            }
            let upper = area.height / 2
            let ra = Rect(row: area.row, column: area.column, height: upper, width: area.width)
            let rb = Rect(row: area.row + upper, column: area.column, height: area.height - upper, width: area.width)
            return a.dividers(in: ra) + b.dividers(in: rb)
        }
    }

    /// The tree with pane `p` split in two, the new half showing pane `new`.
    func splitting(_ p: Int, axis: Axis, new: Int) -> Layout {
        switch self {
        case .pane(let q): return q == p ? .split(axis, .pane(q), .pane(new)) : self
        case .split(let a, let l, let r): return .split(a, l.splitting(p, axis: axis, new: new), r.splitting(p, axis: axis, new: new))
        }
    }

    /// The tree without pane `p` (its sibling takes its place); panes above `p` are renumbered down.
    func removing(_ p: Int) -> Layout {
        switch self {
        case .pane(let q): return .pane(q > p ? q - 1 : q)
        case .split(let a, let l, let r):
            if case .pane(p) = l { return r.removing(p) }
            if case .pane(p) = r { return l.removing(p) }
            return .split(a, l.removing(p), r.removing(p))
        }
    }
}
