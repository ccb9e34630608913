import LogviewCore

/// How many newlines a file holds before the start of each of its pieces, counted while the
/// request prescan reads every byte anyway, so the part read for a request is numbered from its
/// first line without reading the file up to it again.
public struct NewlineIndex: Sendable, Equatable {
    /// Bytes per piece.
    let piece: Int
    /// Newlines before piece `i`'s start (one entry per piece, the first 0).
    let before: [Int]
    /// The file's size when it was counted: a file of another size is counted again.
    let count: Int

    init(piece: Int, perPiece: [Int], count: Int) {
        self.piece = piece
        self.count = count
        var sum = 0
        before = perPiece.map { n in defer { sum += n }; return sum }
    }

    /// The newlines of `data` before `offset`: the count before its piece, then those read from
    /// the piece's start (`data.newlines(before:)` when `data` is not the file counted).
    func newlines(before offset: Int, in data: SegmentBytes) -> Int {
        guard data.count == count, piece > 0, offset > 0 else { return data.newlines(before: offset) }
        let i = min(min(offset, count) / piece, before.count - 1)
        return before[i] + data.newlines(from: i * piece, before: offset)
    }
}
