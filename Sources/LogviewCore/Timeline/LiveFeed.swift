/// Something that delivers new entries while logview runs (followed files, the journal, a Loki
/// tail). The front end's run loop sleeps in `poll` on `descriptors` and calls `pump` when one is
/// readable or `deadline` has passed; nothing polls on a timer while idle.
public protocol LiveFeed: AnyObject {
    /// File descriptors to wait on for readability (inotify, the journal's fd, a socket, a pipe).
    var descriptors: [Int32] { get }
    /// Milliseconds after which `pump` must run even if no descriptor is readable (a reorder
    /// window closing, a partial line's grace period, a reconnect back-off); nil when none.
    var deadline: Int? { get }
    /// Reads what is new and adds it to `timeline` (`Timeline.ingest` / `addSource`); returns the
    /// entries added, in time order. Called on the thread that owns the timeline.
    func pump(into timeline: Timeline) -> [EntryRef]
    /// One line per problem since the last call (a file vanished, a server closed the stream).
    func takeProblems() -> [String]
    /// Entries returned by an earlier `pump` that later lines extended (a stack trace split
    /// across two reads), since the last call; they keep their place in the timeline.
    func takeExtendedEntries() -> [EntryRef]
}

extension LiveFeed {
    /// Feeds whose entries are never extended after delivery (records) have none.
    public func takeExtendedEntries() -> [EntryRef] { [] }
}
