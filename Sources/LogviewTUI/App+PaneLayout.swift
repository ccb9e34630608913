import LogviewCore

extension App {
    /// Arranges the panes as a config-file layout (`--layout NAME`): one pane per leaf, in
    /// reading order, each with `base` (the command line's filter) narrowed by the leaf's own
    /// sources, level and patterns; the split tree and weights become the pane geometry.
    public mutating func arrange(_ layout: PaneLayout, base: PaneFilter) {
        var made: [Pane] = []
        let tree = Self.tree(layout.root, base: base, panes: &made)
        panes = made
        self.layout = tree
        focus = 0
        hideUnwantedSources(from: 0)
        for p in panes.indices {
            panes[p].rows = PaneRows.build(timeline, filter: panes[p].filter, pivots: pivots)
            panes[p].cursor = max(panes[p].rows.count - 1, 0)
        }
        ensureVisible(0)
        synchroniseOthers()  // the panes start at the time of the first pane's newest entry
    }

    /// The viewer's binary split tree for a layout node; an n-way split becomes its first child
    /// beside a split of the rest, weighted so every child keeps its share.
    static func tree(_ node: PaneLayout.Node, base: PaneFilter, panes: inout [Pane]) -> Layout {
        switch node {
        case .pane(let leaf, _):
            var filter = base
            if let level = leaf.minimumLevel { filter.minimumLevel = level }
            // The config reader rejected bad patterns (file:line), so these compile.
            if let grep = leaf.grep, let p = try? Pattern(grep) { filter.include.append(p) }
            if let exclude = leaf.exclude, let p = try? Pattern(exclude) { filter.exclude.append(p) }
            var pane = Pane(filter: filter, rows: PaneRows.build(Timeline(sources: []), filter: filter, pivots: []))
            pane.title = leaf.title
            pane.wantedSources = Set(leaf.sources)
            panes.append(pane)
            return .pane(panes.count - 1)
        case .split(let axis, let children, _):
            let viewerAxis: Axis = axis == .vertical ? .sideBySide : .stacked
            return split(viewerAxis, children[...], base: base, panes: &panes)
        }
    }

    private static func split(_ axis: Axis, _ children: ArraySlice<PaneLayout.Node>, base: PaneFilter, panes: inout [Pane]) -> Layout {
        let head = children.first!
        let first = tree(head, base: base, panes: &panes)
        let rest = children.dropFirst()
        guard !rest.isEmpty else { return first }
        let second = rest.count == 1 ? tree(rest.first!, base: base, panes: &panes) : split(axis, rest, base: base, panes: &panes)
        return .split(axis, first, second, first: max(head.weight, 1), second: max(rest.map { max($0.weight, 1) }.reduce(0, +), 1))
    }
}
