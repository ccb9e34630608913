import LogviewCore

/// One character cell: the text drawn there (a character and the zero-width marks that follow
/// it), its width (2 for the left half of a wide character, 0 for its right half) and its look.
public struct Cell: Equatable, Sendable {
    public var text: String
    public var width: UInt8
    public var role: Role
    public var mark: Mark

    public static let blank = Cell(text: " ", width: 1, role: .text, mark: .none)
}

/// A grid of cells: what the renderer draws and the terminal backend shows (DESIGN.md #6).
/// Tests render into a Screen and read its text back.
public struct Screen: Equatable, Sendable {
    public let rows: Int
    public let columns: Int
    public private(set) var cells: [Cell]
    /// Where the terminal cursor is shown (the prompt), or nil to hide it.
    public var cursorRow: Int?
    public var cursorColumn = 0

    public init(rows: Int, columns: Int) {
        self.rows = max(rows, 0)
        self.columns = max(columns, 0)
        cells = Array(repeating: .blank, count: self.rows * self.columns)
    }

    public subscript(row: Int, column: Int) -> Cell {
        cells[row * columns + column]
    }

    /// Sets one cell, keeping wide characters whole: a wide character that loses either half is
    /// replaced by a blank.
    private mutating func set(_ row: Int, _ column: Int, _ cell: Cell) {
        let i = row * columns + column
        let old = cells[i]
        if old.width == 0 && column > 0 && cells[i - 1].width == 2 {
            cells[i - 1] = Cell(text: " ", width: 1, role: cells[i - 1].role, mark: cells[i - 1].mark)
        }
        if old.width == 2 && column + 1 < columns && cell.width != 2 {
            cells[i + 1] = Cell(text: " ", width: 1, role: cells[i + 1].role, mark: cells[i + 1].mark)
        }
        cells[i] = cell
    }

    /// Draws `text` from (row, column), cut at column `limit` (exclusive; default the screen's
    /// width); returns the column after the last cell drawn. The text must already be safe
    /// (sanitised): controls are skipped, never drawn.
    @discardableResult
    public mutating func put(_ text: String, row: Int, column: Int, role: Role, mark: Mark = .none, limit: Int? = nil) -> Int {
        var c = column
        let end = min(limit ?? columns, columns)
        guard row >= 0 && row < rows && c < end else { return c }
        var lastIndex = -1
        for scalar in text.unicodeScalars {
            let w = DisplayWidth.of(scalar: scalar)
            if w == 0 {
                // A combining mark joins the character before it; controls are dropped.
                if scalar.value >= 0x300 && lastIndex >= 0 { cells[lastIndex].text.unicodeScalars.append(scalar) }
                continue
            }
            if c + w > end { break }
            if c < 0 {
                c += w
                continue
            }
            set(row, c, Cell(text: String(scalar), width: UInt8(w), role: role, mark: mark))
            lastIndex = row * columns + c
            if w == 2 { set(row, c + 1, Cell(text: "", width: 0, role: role, mark: mark)) }
            c += w
        }
        return c
    }

    /// Draws sanitised UTF-8 bytes; see `put(_:row:column:role:mark:limit:)`.
    @discardableResult
    public mutating func put(utf8 bytes: [UInt8], row: Int, column: Int, role: Role, mark: Mark = .none, limit: Int? = nil) -> Int {
        put(String(decoding: bytes, as: UTF8.self), row: row, column: column, role: role, mark: mark, limit: limit)
    }

    /// Fills columns `from..<to` of a row with blanks.
    public mutating func fill(row: Int, from: Int = 0, to: Int? = nil, role: Role, mark: Mark = .none) {
        guard row >= 0 && row < rows else { return }
        let end = min(to ?? columns, columns)
        var c = max(from, 0)
        while c < end {
            set(row, c, Cell(text: " ", width: 1, role: role, mark: mark))
            c += 1
        }
    }

    /// Lays a mark over columns `from..<to` of a row, keeping text and roles.
    public mutating func mark(row: Int, from: Int, to: Int, _ mark: Mark) {
        let lo = max(from, 0), hi = min(to, columns)
        guard row >= 0 && row < rows && lo < hi else { return }
        for c in lo..<hi { cells[row * columns + c].mark = mark }
    }

    /// The text of a row, trailing blanks removed (the right halves of wide characters add
    /// nothing).
    public func line(_ row: Int) -> String {
        var s = ""
        for c in 0..<columns { s += cells[row * columns + c].text }
        while s.last == " " { s.removeLast() }
        return s
    }

    /// Every row's text, joined by newlines.
    public var text: String { (0..<rows).map(line).joined(separator: "\n") }

    /// Per row, the columns that differ from `old` (the whole row when there is no old screen of
    /// this size); a wide character whose half changed is included whole. What a backend has
    /// to redraw.
    public func changes(since old: Screen?) -> [(row: Int, columns: ClosedRange<Int>)] {
        var out: [(row: Int, columns: ClosedRange<Int>)] = []
        guard columns > 0 else { return out }
        let comparable = old.map { $0.rows == rows && $0.columns == columns } ?? false
        for row in 0..<rows {
            var first = -1, last = -1
            if comparable, let old {
                for c in 0..<columns where old[row, c] != self[row, c] {
                    if first < 0 { first = c }
                    last = c
                }
                if first < 0 { continue }
            } else {
                first = 0
                last = columns - 1
            }
            while first > 0 && self[row, first].width == 0 { first -= 1 }
            if last + 1 < columns && self[row, last + 1].width == 0 { last += 1 }
            out.append((row, first...last))
        }
        return out
    }
}
