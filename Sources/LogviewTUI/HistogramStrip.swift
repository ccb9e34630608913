import LogviewCore

/// Entries per time bucket over the focused pane's time range, two rows high; buckets with
/// errors are drawn in the error colour, the selected entry's bucket is marked.
enum HistogramStrip {
    static let blocks: [String] = [" ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]

    static func draw(_ app: App, in rect: Rect, into screen: inout Screen) {
        let pane = app.panes[app.focus]
        let rows = pane.rows
        let timeline = app.timeline
        guard rows.count > 0, rect.width > 0 else { return }
        let first = timeline.times[rows.position(0)]
        let last = timeline.times[rows.position(rows.count - 1)]
        let buckets = rect.width
        let span = max(last - first + 1, 1)
        // Bucket boundaries by binary search: O(width log n).
        var starts: [Int] = []
        for b in 0...buckets {
            let t = first + Int64((Double(span) * Double(b) / Double(buckets)).rounded(.down))
            starts.append(b == buckets ? rows.count : rows.row(atOrAfterPosition: timeline.position(atOrAfter: Timestamp(nanoseconds: t))))
        }
        var counts = [Int](repeating: 0, count: buckets)
        var errors = [Bool](repeating: false, count: buckets)
        for b in 0..<buckets {
            counts[b] = max(starts[b + 1] - starts[b], 0)
            errors[b] = rows.hasError(in: starts[b]..<max(starts[b + 1], starts[b]))
        }
        let peak = max(counts.max() ?? 1, 1)
        let cursorTime = timeline.times[rows.position(pane.cursor)]
        let cursorBucket = min(Int(Double(cursorTime - first) / Double(span) * Double(buckets)), buckets - 1)
        for b in 0..<buckets {
            let level = counts[b] == 0 ? 0 : max(counts[b] * 16 / peak, 1)
            let role: Role = errors[b] ? .histogramError : .histogram
            let mark: Mark = b == cursorBucket ? .selected : .none
            screen.put(blocks[max(level - 8, 0)], row: rect.row, column: rect.column + b, role: role, mark: mark)
            screen.put(blocks[min(level, 8)], row: rect.row + 1, column: rect.column + b, role: role, mark: mark)
        }
    }
}
