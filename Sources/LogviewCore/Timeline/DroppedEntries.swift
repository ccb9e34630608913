/// What trimming removed from memory of one source, so a view can say so and offer to read it
/// back from disk.
public struct DroppedEntries: Sendable, Equatable {
    /// Entries dropped from the source since it was loaded.
    public internal(set) var count = 0
    /// The file lines they came from, one span per file in the order dropped; empty for a source
    /// of records (journal, remote), whose entries cannot be read back from a file.
    public internal(set) var lines: [DroppedLines] = []

    public init() {}
}

/// Lines `first...last` of the file at `path` (a rotated file keeps its own span).
public struct DroppedLines: Sendable, Equatable {
    public var path: String
    public var first: Int
    public var last: Int

    public init(path: String, first: Int, last: Int) {
        self.path = path
        self.first = first
        self.last = last
    }
}
